"""The app serves only a database at the head revision; /readyz says whether it can serve."""

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from compliance.db import make_engine
from compliance.migrate import NotAtHead, downgrade


def test_a_migrated_database_is_ready(client):
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ready"}
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_app_refuses_to_start_on_a_database_behind_the_code(fresh_engine, settings, auth_cfg):
    downgrade(fresh_engine, "0010")
    app = create_app(settings, fresh_engine, auth_settings=auth_cfg)
    with pytest.raises(NotAtHead, match="run `compliance db upgrade`"), TestClient(app):
        pass


def test_the_app_refuses_to_start_on_an_empty_database(tmp_path, settings, auth_cfg):
    app = create_app(
        settings, make_engine(f"sqlite:///{tmp_path / 'empty.db'}"), auth_settings=auth_cfg
    )
    with pytest.raises(NotAtHead, match="请先运行 compliance db upgrade"), TestClient(app):
        pass


def test_readyz_names_the_revision_it_is_waiting_for(fresh_engine, settings, auth_cfg):
    downgrade(fresh_engine, "0010")
    app = create_app(settings, fresh_engine, auth_settings=auth_cfg)
    r = TestClient(app).get("/readyz")  # the app was started before the database was changed
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unavailable"
    assert "revision 0010" in body["reason"] and "compliance db upgrade" in body["reason"]
    assert TestClient(app).get("/healthz").status_code == 200  # alive, just not ready


def test_readyz_reports_a_database_that_does_not_answer(settings, auth_cfg):
    nobody_listens = "postgresql+psycopg://postgres@127.0.0.1:1/compliance"
    app = create_app(settings, make_engine(nobody_listens), auth_settings=auth_cfg)
    r = TestClient(app).get("/readyz")
    assert r.status_code == 503 and "does not answer" in r.json()["reason"]
