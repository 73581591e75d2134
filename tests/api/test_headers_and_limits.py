"""Headers and limits (issue 12 item 10): nothing a signed-in user sees is kept by a cache;
the API documentation is served from this server to signed-in users only; an upload over
the limit is refused while it streams in, before it is held in memory."""

import json
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.middleware import BodyLimit
from compliance.accounts import tokens as api_tokens
from compliance.config import Settings
from compliance.context import Ctx
from tests.api.conftest import sign_in
from tests.factories import OfficeSet

LIMIT = 64 * 1024  # max_upload_bytes for this module's app
CHUNK = 16 * 1024


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Settings with a small upload limit (the app's body limit is it plus 1 MiB of form)."""
    return Settings(data_dir=tmp_path / "data", database_url="sqlite://", max_upload_bytes=LIMIT)


def _bearer(ctx: Ctx, office: OfficeSet, name: str) -> dict[str, str]:
    mine = Ctx(
        session=ctx.session, actor=office.actor(name), clock=ctx.clock, settings=ctx.settings
    )
    return {"Authorization": f"Bearer {api_tokens.create_token(mine, {'name': 't'}).token}"}


# --- Cache-Control: no-store ---------------------------------------------------------------


def test_every_signed_in_page_is_no_store(browser):
    b = browser("hr")
    for url in ("/", "/cases", "/findings", "/me/password", "/rules", "/docs", "/openapi.json"):
        r = b.client.get(url)
        assert r.status_code == 200, url
        assert r.headers["cache-control"] == "no-store", url


def test_signing_in_and_a_staff_members_own_pages_are_no_store(client, office, passwords):
    r = sign_in(client, office.users["staff"].username)
    assert r.status_code == 303 and r.headers["cache-control"] == "no-store"
    for url in ("/me", "/cases"):
        assert client.get(url).headers["cache-control"] == "no-store", url


def test_every_api_answer_to_a_token_is_no_store_and_the_case_list_still_answers_304(
    client: TestClient, ctx, office
):
    hr = _bearer(ctx, office, "hr")
    for url in ("/api/me", "/api/findings", "/api/tokens", "/api/cases/999999"):
        r = client.get(url, headers=hr)
        assert r.headers["cache-control"] == "no-store", url
    listed = client.get("/api/cases", headers=hr)
    assert listed.headers["cache-control"] == "no-store"
    again = client.get("/api/cases", headers={**hr, "If-None-Match": listed.headers["etag"]})
    assert again.status_code == 304 and again.headers["cache-control"] == "no-store"
    # A refused token's answer is not kept either.
    bad = client.get("/api/me", headers={"Authorization": "Bearer cmp_" + "x" * 43})
    assert bad.status_code == 401 and bad.headers["cache-control"] == "no-store"


def test_the_same_files_for_everyone_stay_cacheable(browser):
    b = browser("hr")
    for url in ("/static/app.css", "/docs/assets/swagger-ui.css"):
        r = b.client.get(url)
        assert r.status_code == 200 and "cache-control" not in r.headers, url
        assert r.headers["etag"], url


def test_the_anonymous_sign_in_form_is_not_marked(client: TestClient):
    client.cookies.clear()
    assert client.get("/login").headers.get("cache-control") != "no-store"


# --- /docs ------------------------------------------------------------------------------


def test_docs_and_schema_send_an_anonymous_visitor_to_sign_in(client: TestClient):
    client.cookies.clear()
    for url in ("/docs", "/openapi.json"):
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), url


def test_docs_load_swagger_ui_from_this_server(browser):
    b = browser("manager")
    page = b.client.get("/docs")
    assert page.status_code == 200
    html = page.text
    assert '"/docs/assets/swagger-ui-bundle.js"' in html
    assert '"/docs/assets/swagger-ui.css"' in html
    assert "http://" not in html and "https://" not in html  # no CDN, no outside icon
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "http" not in csp
    js = b.client.get("/docs/assets/swagger-ui-bundle.js")
    assert js.status_code == 200 and "SwaggerUIBundle" in js.text[:2000]
    css = b.client.get("/docs/assets/swagger-ui.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    spec = b.client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/api/cases" in spec["paths"]
    # Only Swagger UI's files: nothing else of the package's folder.
    for other in ("redoc.standalone.js", "../core.py", "..%2Fcore.py", "../__init__.py"):
        assert b.client.get(f"/docs/assets/{other}").status_code == 404, other


# --- Body limit -------------------------------------------------------------------------


class Upload:
    """A chunked request body handed to the app one chunk at a time, counting what was read."""

    def __init__(self, chunks: int, size: int = CHUNK, head: bytes = b"") -> None:
        self.left = chunks
        self.size = size
        self.head = head
        self.read = 0

    async def receive(self) -> dict[str, Any]:
        if self.left == 0:
            return {"type": "http.disconnect"}
        self.left -= 1
        body, self.head = (self.head + b"x" * self.size)[: self.size], b""
        self.read += len(body)
        return {"type": "http.request", "body": body, "more_body": self.left > 0}


def _call(app: Any, path: str, upload: Upload, headers: dict[str, str]) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
        "state": {},
    }
    anyio.run(app, scope, upload.receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body


def _counting_app(limit: int) -> tuple[BodyLimit, list[int]]:
    got: list[int] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            got.append(len(message.get("body", b"")))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return BodyLimit(inner, default=limit), got


def test_a_chunked_body_over_the_limit_is_cut_off_at_the_first_chunk_past_it():
    app, got = _counting_app(10 * CHUNK)
    upload = Upload(1000)  # 16 MB offered, no Content-Length
    status, _ = _call(app, "/upload", upload, {})
    assert status == 413
    assert sum(got) <= 10 * CHUNK  # the app never held the chunk that went over
    assert upload.read == 11 * CHUNK  # and nothing more was taken from the client


def test_a_lying_content_length_is_caught_by_the_count():
    app, got = _counting_app(10 * CHUNK)
    upload = Upload(1000)
    status, _ = _call(app, "/upload", upload, {"Content-Length": "100"})
    assert status == 413 and upload.read == 11 * CHUNK and sum(got) <= 10 * CHUNK


def test_a_declared_length_over_the_limit_is_refused_before_the_app_runs():
    app, got = _counting_app(10 * CHUNK)
    upload = Upload(1000)
    status, _ = _call(app, "/upload", upload, {"Content-Length": str(11 * CHUNK)})
    assert status == 413 and got == [] and upload.read == 0


def test_a_body_at_the_limit_reaches_the_app():
    app, got = _counting_app(10 * CHUNK)
    status, body = _call(app, "/upload", Upload(10), {})
    assert (status, body, sum(got)) == (200, b"ok", 10 * CHUNK)


def test_the_app_refuses_an_oversized_json_upload_while_streaming(app: FastAPI, ctx, office):
    limit = LIMIT + 1024 * 1024  # one file and its form
    upload = Upload(1000)  # 16 MB
    headers = {**_bearer(ctx, office, "manager"), "Content-Type": "application/json"}
    status, body = _call(app, "/api/feedback", upload, headers)
    assert status == 413
    assert json.loads(body)["status"] == 413
    assert upload.read <= limit + CHUNK


def test_the_app_refuses_an_oversized_page_upload_in_chinese(app: FastAPI):
    # A well-formed multipart form whose one file goes on and on.
    head = (
        b"--xyz\r\n"
        b'Content-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n"
    )
    upload = Upload(1000, head=head)
    headers = {"Content-Type": "multipart/form-data; boundary=xyz"}
    status, body = _call(app, "/login", upload, headers)
    assert status == 413 and "上传的内容太大" in body.decode()
    assert upload.read <= LIMIT + 1024 * 1024 + CHUNK


def test_a_small_upload_still_reaches_its_route(app: FastAPI, ctx, office):
    headers = {**_bearer(ctx, office, "manager"), "Content-Type": "application/json"}
    status, _ = _call(app, "/api/feedback", Upload(1, 2), headers)
    assert status == 422  # two bytes of "xx" are not JSON: the route's own answer
