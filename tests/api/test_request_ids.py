"""Every 500 shows a request id that its one log line (with its one traceback) carries."""

import io
import json
import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.deps import public, signed_in
from compliance.accounts import tokens
from compliance.context import Ctx
from compliance.logging_config import RequestIdFilter, make_handler, request_id

RAISED: list[BaseException] = []


def _boom() -> None:
    RAISED.append(RuntimeError("secret internals: password=hunter2"))
    raise RAISED[-1]


@pytest.fixture
def log_stream() -> io.StringIO:
    """What our handler writes, attached to the root logger like configure() does."""
    stream = io.StringIO()
    handler = make_handler("text")
    handler.setStream(stream)
    handler.set_name("test")  # configure() at app start replaces only its own handler
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def _errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info and r.exc_info[1] is RAISED[-1]]


def test_an_api_500_names_its_request_id_and_logs_it_once(
    app: FastAPI, session, clock, settings, office, caplog
):
    app.add_api_route("/api/boom", _boom, dependencies=[signed_in])
    ctx = Ctx(session=session, actor=office.actor("staff"), clock=clock, settings=settings)
    token = tokens.create_token(ctx, {"name": "t"}).token
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/boom", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 500
    rid = r.json()["request_id"]
    assert len(rid) == 32 and r.headers["x-request-id"] == rid
    (logged,) = _errors(caplog)
    assert logged.request_id == rid and rid in logged.getMessage()


def test_a_page_500_shows_the_callers_sane_request_id(app: FastAPI, caplog):
    app.add_api_route("/boom", _boom, dependencies=[public])
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom", headers={"X-Request-ID": "lb-7f3a.42"})
    assert r.status_code == 500 and "系统出错了" in r.text
    assert "请求编号" in r.text and "<code>lb-7f3a.42</code>" in r.text
    assert "hunter2" not in r.text and "Traceback" not in r.text
    (logged,) = _errors(caplog)
    assert logged.request_id == "lb-7f3a.42"


@pytest.mark.parametrize("bad", ["<script>", "a" * 65, "two words", ""])
def test_an_insane_incoming_request_id_is_replaced(app: FastAPI, bad: str):
    app.add_api_route("/boom", _boom, dependencies=[public])
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom", headers={"X-Request-ID": bad})
    rid = r.headers["x-request-id"]
    assert rid != bad and len(rid) == 32 and f"<code>{rid}</code>" in r.text


def test_the_servers_re_report_of_a_logged_500_writes_no_second_traceback(
    app: FastAPI, log_stream: io.StringIO
):
    app.add_api_route("/boom", _boom, dependencies=[public])
    with TestClient(app, raise_server_exceptions=False) as c:
        rid = c.get("/boom").headers["x-request-id"]
    # What uvicorn does with the exception Starlette re-raises after the 500 was sent:
    logging.getLogger("uvicorn.error").error("Exception in ASGI application", exc_info=RAISED[-1])
    text = log_stream.getvalue()
    assert text.count("Traceback") == 1 and text.count("hunter2") == 1
    (line,) = [ln for ln in text.splitlines() if "unhandled error on GET /boom" in ln]
    assert f"[{rid}]" in line
    assert line[:4].isdigit() and "T" in line[:11] and line.split()[0].endswith("Z")


def test_json_log_lines_carry_time_level_request_id_and_one_traceback():
    stream = io.StringIO()
    handler = make_handler("json")
    handler.setStream(stream)
    logger = logging.getLogger("tests.json_log")
    logger.addHandler(handler)
    logger.propagate = False
    token = request_id.set("req-1")
    try:
        try:
            raise ValueError("字段错误")
        except ValueError:
            logger.exception("处理失败")
    finally:
        request_id.reset(token)
        logger.removeHandler(handler)
    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["message"] == "处理失败"
    assert entry["request_id"] == "req-1" and entry["time"].endswith("Z")
    assert entry["traceback"].count("Traceback") == 1 and "字段错误" in entry["traceback"]


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="text or json"):
        make_handler("xml")


def test_a_record_outside_a_request_has_a_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    assert RequestIdFilter().filter(record) and record.request_id == "-"
