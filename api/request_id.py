"""Every request gets an id: the caller's X-Request-ID if it is sane, else a new one.

It is put in a context variable (compliance.logging_config.request_id) that every log record
carries, in the scope (the 500 handler shows it), and in the response's X-Request-ID header.
"""

import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from compliance.logging_config import request_id

HEADER = b"x-request-id"
# A proxy's id is kept when it is short and plain (it ends up in logs and on pages).
SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def sane_or_new(value: str | None) -> str:
    """The caller's id if it is short and plain, else a fresh one."""
    if value is not None and SANE.fullmatch(value):
        return value
    return uuid.uuid4().hex


def of(scope: Scope) -> str:
    """The id of the request being served."""
    return str(scope.get("request_id") or request_id.get())


class RequestId:
    """Outer middleware: names the request before any other layer logs anything."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = dict(scope.get("headers") or []).get(HEADER)
        rid = sane_or_new(raw.decode("latin-1") if raw is not None else None)
        scope["request_id"] = rid  # the same dict the 500 handler's Request reads
        request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER, rid.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)
