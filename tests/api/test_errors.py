"""Error pages and problem details: right status, no stack traces."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.deps import public, signed_in
from compliance.accounts import tokens
from compliance.context import Ctx


def _boom() -> None:
    raise RuntimeError("secret internals: password=hunter2")


def test_unexpected_error_is_a_500_page_without_a_trace(app: FastAPI):
    app.add_api_route("/boom", _boom, dependencies=[public])
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert "系统出错了" in r.text
    assert "Traceback" not in r.text and "hunter2" not in r.text


def test_unexpected_api_error_is_a_500_problem(app: FastAPI, session, clock, settings, office):
    app.add_api_route("/api/boom", _boom, dependencies=[signed_in])
    ctx = Ctx(session=session, actor=office.actor("staff"), clock=clock, settings=settings)
    token = tokens.create_token(ctx, {"name": "t"}).token
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/boom", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 500 and r.headers["content-type"].startswith("application/problem+json")
    assert "hunter2" not in r.text and r.json() == {
        "type": "about:blank",
        "title": "Something went wrong",
        "status": 500,
        "request_id": r.headers["x-request-id"],
    }


def test_unknown_page_and_unknown_api_path(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "未找到" in page.text
    api = client.get("/api/no/such/thing")
    assert api.status_code == 404 and api.headers["content-type"].startswith(
        "application/problem+json"
    )


def test_bad_path_ids_are_422(browser):
    b = browser("manager")
    r = b.post("/findings/abc/confirm")
    assert r.status_code == 422


def test_forbidden_page(browser):
    r = browser("cashier").client.get("/findings")
    assert r.status_code == 403 and "无权操作" in r.text


HUGE = "99999999999999999999"  # more than any integer column holds


def _page_routes_with_ids() -> list[tuple[str, str]]:
    from tests.api.route_access import ROUTE_ACCESS

    return sorted(
        (method, path)
        for method, path in ROUTE_ACCESS
        if "{" in path and not path.startswith("/api/") and "{name}" not in path
    )


def test_a_page_id_too_big_for_the_database_is_a_422_not_a_crash(browser):
    routes = _page_routes_with_ids()
    assert len(routes) > 10
    for role in ("hr", "manager", "staff", "admin", "cashier"):
        b = browser(role)
        for method, path in routes:
            url = path.replace("{", "").replace("}", "")
            url = "/".join(HUGE if part.endswith("_id") else part for part in url.split("/"))
            r = b.post(url) if method == "POST" else b.client.get(url)
            assert r.status_code in (403, 404, 422), (role, method, path, r.status_code)
