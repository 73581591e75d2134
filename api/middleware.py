"""Raw ASGI middleware: no caching of what a signed-in user sees, and a cap on request bodies.

Both work on the ASGI messages themselves (no request object, no reading of the body into
memory), so they cost nothing on a request they do not concern.
"""

import json
from collections.abc import Mapping
from http.cookies import SimpleCookie
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.security import SESSION_COOKIE

NO_STORE = b"no-store"
# Files that are the same for every visitor (style, script, Swagger UI): left cacheable.
PUBLIC_FILES = ("/static/", "/docs/assets/")


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", [])}


def _has_credentials(scope: Scope) -> bool:
    """Whether the request carries a bearer token or the session cookie."""
    headers = _headers(scope)
    if headers.get(b"authorization", b"").strip():
        return True
    raw = headers.get(b"cookie")
    if not raw:
        return False
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except Exception:  # a malformed cookie header: look for the name plainly
        return f"{SESSION_COOKIE}=".encode() in raw
    return SESSION_COOKIE in jar


def _principal_resolved(scope: Scope) -> bool:
    state = scope.get("state")
    return isinstance(state, Mapping) and state.get("principal") is not None


def _sets_session(headers: list[tuple[bytes, bytes]]) -> bool:
    mark = f"{SESSION_COOKIE}=".encode()
    return any(k.lower() == b"set-cookie" and v.startswith(mark) for k, v in headers)


class NoStoreWhenSignedIn:
    """`Cache-Control: no-store` on every response to a signed-in caller.

    A response is the signed-in user's when the app resolved a principal for the request, or
    the request carried credentials (a bearer token or the session cookie: even a refused
    one, so an error page is not kept either), or the response starts a session. Such a
    response is never kept by a browser or a proxy: an office PC is shared, and the back
    button must not bring a case back after signing out. Any other Cache-Control the route
    set is replaced: the case list's ETag stays, so a client that keeps the page itself
    still gets 304 Not Modified by sending it back in If-None-Match. The public files under
    PUBLIC_FILES are the same for everyone and stay cacheable.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(PUBLIC_FILES):
            await self.app(scope, receive, send)
            return
        carried = _has_credentials(scope)

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if carried or _principal_resolved(scope) or _sets_session(headers):
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", NO_STORE))
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_marked)


class BodyTooLarge(Exception):
    """The request body passed its limit (raised from `receive`, caught by BodyLimit)."""


# What a limit is for: (method, path) -> bytes; every other request gets the default.
Limits = Mapping[tuple[str, str], int]

_MESSAGES = {
    "zh": "上传的内容太大:每次请求最多 {mb} MB。请压缩或分几次上传,已填写的内容请返回上一页保留。",
    "en": "The upload is too large: at most {mb} MB per request. Make it smaller or send it "
    "in parts; go back to keep what you typed.",
}


def _lang(scope: Scope) -> str:
    raw = _headers(scope).get(b"cookie", b"")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except Exception:
        return "zh"
    morsel = jar.get("lang")
    return "en" if morsel is not None and morsel.value == "en" else "zh"


def _too_large(scope: Scope, limit: int) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The 413 answer: problem+json for the API (in English, as its other problems), for a
    page a line of text in the visitor's language."""
    mb = f"{limit / (1024 * 1024):.0f}"
    if str(scope.get("path", "")).startswith("/api/"):
        problem = {
            "type": "about:blank",
            "title": "Content Too Large",
            "status": 413,
            "detail": _MESSAGES["en"].format(mb=mb),
        }
        body = json.dumps(problem).encode()
        kind = b"application/problem+json"
    else:
        body = _MESSAGES[_lang(scope)].format(mb=mb).encode()
        kind = b"text/plain; charset=utf-8"
    headers = [
        (b"content-type", kind),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    return headers, body


class BodyLimit:
    """Refuse a request body over its limit while it streams in, with 413.

    The bytes are counted as the server hands them to the app: the first chunk past the
    limit ends the request (the app gets an error instead of more data, and its answer is
    replaced by 413), so no route ever holds more than the limit plus one chunk. A declared
    Content-Length over the limit is refused before the app is called; a request without one
    (chunked) or with one that lies is caught by the count.
    """

    def __init__(self, app: ASGIApp, *, default: int, limits: Limits | None = None) -> None:
        self.app = app
        self.default = default
        self.limits = dict(limits or {})

    def limit_for(self, scope: Scope) -> int:
        return self.limits.get((scope.get("method", ""), scope.get("path", "")), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _headers(scope).get(b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return
        state: dict[str, Any] = {"seen": 0, "over": False, "started": False, "refused": False}

        async def counted() -> Message:
            if state["over"]:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                state["seen"] += len(message.get("body", b""))
                if state["seen"] > limit:
                    state["over"] = True
                    raise BodyTooLarge
            return message

        async def guarded(message: Message) -> None:
            if state["over"]:
                # Whatever the app answers to the broken body, the caller is told 413.
                if not state["started"] and not state["refused"]:
                    state["refused"] = True
                    await self._refuse(scope, send, limit)
                return
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except BodyTooLarge:
            pass
        except Exception:
            if not state["over"]:
                raise
        if state["over"] and not state["started"] and not state["refused"]:
            state["refused"] = True
            await self._refuse(scope, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, limit: int) -> None:
        headers, body = _too_large(scope, limit)
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
