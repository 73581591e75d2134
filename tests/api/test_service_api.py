"""/api/service: the desk receives and dispatches, the executor works from the phone API;
errors are problem details (English, as the API speaks)."""

import pytest
from fastapi.testclient import TestClient

from compliance.accounts import tokens as api_tokens
from compliance.accounts.models import User
from compliance.actors import Actor, Role
from compliance.context import Ctx
from compliance.files.models import StoredFile
from tests.factories import T0, OfficeSet

PROBLEM = "application/problem+json"


@pytest.fixture
def token_for(session, clock, settings, office: OfficeSet):
    """A bearer header for one of the office's users ("desk": a front-desk user)."""
    if "desk" not in office.users:
        desk = User(
            office_id=office.office.id or 0,
            username="bsw-desk",
            display_name="前台",
            role=Role.FRONT_DESK.value,
            created_at=T0,
        )
        session.add(desk)
        session.flush()
        office.users["desk"] = desk

    def make(name: str) -> dict[str, str]:
        actor = Actor.for_user(office.users[name])
        ctx = Ctx(session=session, actor=actor, clock=clock, settings=settings)
        return {"Authorization": f"Bearer {api_tokens.create_token(ctx, {'name': 't'}).token}"}

    return make


def _photo(session, office, clock) -> int:
    f = StoredFile(
        office_id=office.office.id,
        storage_name="api-svc.jpg",
        sha256="1" * 64,
        content_type="image/jpeg",
        size_bytes=10,
        created_at=clock.now(),
    )
    session.add(f)
    session.flush()
    return f.id


def test_desk_and_executor_walk_a_repair_through(
    client: TestClient, token_for, office: OfficeSet, session, clock
):
    desk, staff = token_for("desk"), token_for("staff")
    unit = office.units[0].id
    r = client.post(
        "/api/service/orders",
        headers=desk,
        json={
            "kind": "repair",
            "channel": "phone",
            "unit_id": unit,
            "description": "卫生间灯不亮",
            "call": {"rings": 3},
        },
    )
    assert r.status_code == 201, r.text
    order = r.json()
    assert (order["number"], order["state"]) == ("FW-2026-000001", "received")
    assert len(order["calls"]) == 1 and order["events"][0]["call_id"] == order["calls"][0]["id"]
    oid = order["id"]
    r = client.post(
        f"/api/service/orders/{oid}/dispatch",
        headers=desk,
        json={"staff_id": office.staff[0].id, "version": order["version"]},
    )
    assert r.status_code == 200, r.text
    v = r.json()["version"]
    mine = client.get("/api/service/my", headers=staff).json()
    assert [o["id"] for o in mine] == [oid]
    r = client.post(f"/api/service/my/{oid}/accept", headers=staff, json={"version": v})
    v = r.json()["version"]
    r = client.post(
        f"/api/service/my/{oid}/arrive",
        headers=staff,
        json={"version": v, "method": "qr", "ref": f"unit:{unit}"},
    )
    assert r.json()["state"] == "in_progress"
    v = r.json()["version"]
    # Without a photo: a 422 naming the field.
    r = client.post(f"/api/service/my/{oid}/handle", headers=staff, json={"version": v})
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["errors"][0]["field"] == "photo_file_id"
    r = client.post(
        f"/api/service/my/{oid}/handle",
        headers=staff,
        json={"version": v, "photo_file_id": _photo(session, office, clock), "note": "换灯泡"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "handled"
    # The desk lists it, filtered, with the total in a header.
    r = client.get("/api/service/orders?state=handled", headers=desk)
    assert r.headers["X-Total-Count"] == "1" and r.json()[0]["executor_name"] == "李明"
    detail = client.get(f"/api/service/orders/{oid}", headers=desk).json()
    assert [e["action"] for e in detail["events"]] == [
        "receive",
        "dispatch",
        "accept",
        "arrive",
        "handle",
    ]


def test_a_stale_version_is_a_409_and_someone_elses_order_a_404_or_403(
    client: TestClient, token_for, office: OfficeSet
):
    desk, staff2 = token_for("desk"), token_for("staff2")
    order = client.post(
        "/api/service/orders",
        headers=desk,
        json={"kind": "complaint", "channel": "counter", "location": "大堂", "description": "x"},
    ).json()
    oid = order["id"]
    r = client.post(
        f"/api/service/orders/{oid}/dispatch",
        headers=desk,
        json={"staff_id": office.staff[0].id, "version": 1},
    )
    assert r.status_code == 200
    r = client.post(
        f"/api/service/orders/{oid}/cancel", headers=desk, json={"version": 1, "reason": "重复"}
    )
    assert r.status_code == 409 and r.headers["content-type"].startswith(PROBLEM)
    assert "reload" in r.json()["detail"]
    # Another staff member: not theirs to read, not theirs to accept.
    assert client.get(f"/api/service/my/{oid}", headers=staff2).status_code == 404
    r = client.post(f"/api/service/my/{oid}/accept", headers=staff2, json={"version": 2})
    assert r.status_code == 403
    assert client.get("/api/service/orders/999999", headers=desk).status_code == 404


def test_calls_are_logged(client: TestClient, token_for, office: OfficeSet):
    desk = token_for("desk")
    r = client.post("/api/service/calls", headers=desk, json={"purpose": "咨询"})
    assert r.status_code == 422  # an answered call says how many rings
    r = client.post(
        "/api/service/calls",
        headers=desk,
        json={"rings": 5, "unit_id": office.units[1].id, "purpose": "咨询"},
    )
    assert r.status_code == 201 and r.json()["rings"] == 5
    assert client.post("/api/service/calls", headers=token_for("hr"), json={}).status_code == 403
