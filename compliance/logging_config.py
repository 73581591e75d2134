"""Logging for the server and the CLI: timestamps, the request id, one traceback per error.

COMPLIANCE_LOG_FORMAT=text (the default) writes one line per record; =json writes one JSON
object per line (time, level, logger, request_id, message and, for an error, its traceback).
uvicorn's own loggers write through the same handler.
"""

import json
import logging
import os
import sys
import time
from contextvars import ContextVar

# The id of the request being served ("-" outside a request: the CLI, the nightly thread).
request_id: ContextVar[str] = ContextVar("request_id", default="-")

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
# Set on an exception once its traceback is in the log, so a server re-reporting it
# (uvicorn's "Exception in ASGI application") does not write it a second time.
LOGGED = "_compliance_logged"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Gives each record the current request id; drops a traceback already logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        exc = record.exc_info[1] if record.exc_info else None
        return not (exc is not None and getattr(exc, LOGGED, False))


def mark_logged(exc: BaseException) -> None:
    """Note that this exception's traceback has been logged (once is enough)."""
    try:
        setattr(exc, LOGGED, True)
    except AttributeError:  # an exception type without a __dict__: logged twice, no harm
        pass


class UtcFormatter(logging.Formatter):
    """ISO 8601 timestamps in UTC, with milliseconds."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


class JsonFormatter(UtcFormatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id.get()),
            "message": record.getMessage(),
        }
        if record.exc_info:
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def make_handler(fmt: str | None = None) -> logging.Handler:
    """A stderr handler in the configured format (COMPLIANCE_LOG_FORMAT, else text)."""
    fmt = (fmt or os.environ.get("COMPLIANCE_LOG_FORMAT") or "text").strip().lower()
    if fmt not in ("text", "json"):
        raise ValueError(f"COMPLIANCE_LOG_FORMAT must be text or json, not {fmt!r}")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else UtcFormatter(TEXT_FORMAT))
    handler.addFilter(RequestIdFilter())
    handler.set_name("compliance")
    return handler


def configure(fmt: str | None = None, level: int = logging.INFO) -> None:
    """Route every log record (ours and uvicorn's) through one handler; safe to call again."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "compliance"]:
        root.removeHandler(old)
    root.addHandler(make_handler(fmt))
    root.setLevel(level)
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # /readyz reads the schema revision on every poll: not a line each time.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
