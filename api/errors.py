"""The one place where errors become HTTP: problem+json for the API, pages for the browser."""

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from api import request_id as request_ids
from api.i18n import N_, lang_of, translator
from api.pages.forms import FormPage
from api.security import (
    SESSION_COOKIE,
    CsrfFailed,
    NotAuthenticated,
    clear_session_cookie,
    is_api,
)
from api.templating import render
from compliance.accounts.auth import SignInRefused
from compliance.errors import (
    ComplianceError,
    Conflict,
    FieldError,
    Forbidden,
    GuardrailViolation,
    NotFound,
    StorageUnavailable,
    ValidationFailed,
)
from compliance.logging_config import mark_logged

log = logging.getLogger("api")

TITLES = {
    400: N_("Bad request"),
    401: N_("Sign-in required"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    422: N_("Please check the input"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("Cannot save right now"),
}
PROBLEM_JSON = "application/problem+json"
# Statuses at which a page re-renders the form it came from instead of an error page.
FORM_STATUSES = {401, 409, 422, 429, 503}


def status_of(exc: ComplianceError) -> int:
    """The HTTP status for a domain error."""
    if isinstance(exc, SignInRefused):
        return 429 if exc.locked else 401
    if isinstance(exc, ValidationFailed | GuardrailViolation):
        return 422
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, Conflict):  # InvalidTransition is a Conflict
        return 409
    if isinstance(exc, StorageUnavailable):  # the data folder: the form comes back as typed
        return 503
    return 400


def _problem(status: int, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, N_("Error")), "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_errors(errors: list[FieldError]) -> list[dict[str, Any]]:
    return [
        {"field": e.field, "reason": e.reason, **({"line": e.line} if e.line is not None else {})}
        for e in errors
    ]


def _page(request: Request, status: int, message: str, errors: list[FieldError]) -> Response:
    t = translator(request)
    form: FormPage | None = getattr(request.state, "form", None)
    if form is not None and status in FORM_STATUSES:
        return form.render(request, status, errors, message)
    context = {
        "status": status,
        "title": t(TITLES.get(status, N_("Error"))),
        "message": message,
        "field_errors": [(e.field, t(e.reason)) for e in errors],
        "request_id": getattr(request.state, "request_id", ""),
    }
    return render(request, "pages/error.html", context, status_code=status)


def _respond(request: Request, status: int, message: str, errors: list[FieldError]) -> Response:
    if is_api(request):
        extra = {"errors": _field_errors(errors)} if errors else {}
        return _problem(status, message, **extra)
    return _page(request, status, message, errors)


async def on_domain_error(request: Request, exc: Exception) -> Response:
    """ValidationFailed 422, NotFound 404, Forbidden 403, Conflict 409, GuardrailViolation 422."""
    assert isinstance(exc, ComplianceError)
    errors = exc.errors if isinstance(exc, ValidationFailed) else []
    # The JSON API answers in English; a page in the reader's language.
    lang = "en" if is_api(request) else lang_of(request)
    message = "" if isinstance(exc, ValidationFailed) else exc.text(lang)
    if isinstance(exc, SignInRefused):
        t = translator(request)
        message = (
            t(N_("Too many attempts. Try again in %(seconds)s seconds."), seconds=exc.retry_after)
            if exc.locked
            else t(N_("The username or password is not correct."))
        )
    form: FormPage | None = getattr(request.state, "form", None)
    if form is not None and form.lazy and not is_api(request):
        # The page is built from the database now: queries, and on SQLite perhaps a wait
        # for the write lock, which must not stall the event loop.
        return await run_in_threadpool(_respond, request, status_of(exc), message, errors)
    return _respond(request, status_of(exc), message, errors)


async def on_not_authenticated(request: Request, exc: Exception) -> Response:
    """401 problem+json for the API; for pages a redirect to /login (and back afterwards)."""
    if is_api(request):
        return _problem(401, "a valid bearer token is required")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    nxt = target if request.method == "GET" else "/"
    response = RedirectResponse(f"/login?next={quote(nxt, safe='/')}", status_code=303)
    if request.cookies.get(SESSION_COOKIE):
        clear_session_cookie(response, request)
    return response


async def on_csrf_failed(request: Request, exc: Exception) -> Response:
    """A form without the right token: 403, nothing was done."""
    t = translator(request)
    return _respond(
        request, 403, t(N_("The form has expired. Go back, reload the page and try again.")), []
    )


async def on_request_invalid(request: Request, exc: Exception) -> Response:
    """FastAPI's own input checks (JSON shape, path ids) in the same format as ours."""
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        field = ".".join(loc)
        if ": " in msg and not field:
            field, msg = msg.split(": ", 1)
        errors.append(FieldError(field or "input", msg))
    return _respond(request, 422, "", errors)


def _allowed_methods(request: Request) -> str:
    # Starlette names only the methods of the first route on the path; `Allow` must list all.
    methods: set[str] = set()
    for rc in iter_route_contexts(request.app.routes):
        pattern = getattr(rc, "path_regex", None)
        if pattern is not None and pattern.match(request.url.path):
            methods |= set(rc.methods or ())
    return ", ".join(sorted(methods))


async def on_http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths, wrong methods and other HTTP errors from the framework."""
    assert isinstance(exc, StarletteHTTPException)
    response: Response
    if is_api(request):
        response = _problem(exc.status_code, str(exc.detail))
    else:
        response = _page(request, exc.status_code, "", [])
    if exc.headers:
        response.headers.update(exc.headers)
    if exc.status_code == 405:
        response.headers["Allow"] = _allowed_methods(request) or response.headers.get("Allow", "")
    return response


async def on_unexpected(request: Request, exc: Exception) -> Response:
    """500 without a stack trace for the visitor; the trace goes to the log."""
    rid = request_ids.of(request.scope)
    log.exception(
        "unhandled error on %s %s (request %s)",
        request.method,
        request.url.path,
        rid,
        extra={"request_id": rid},
    )
    mark_logged(exc)  # the server re-raising it does not log the traceback again
    headers = {"X-Request-ID": rid}
    if is_api(request):
        response: Response = _problem(500, "", request_id=rid)
        response.headers.update(headers)
        return response
    try:
        request.state.request_id = rid
        response = _page(request, 500, "", [])
        response.headers.update(headers)
        return response
    except Exception:  # the error page itself failed: plain text, still no trace
        log.exception("error page failed", extra={"request_id": rid})
        return Response(
            f"500 Internal Server Error (request {rid})",
            status_code=500,
            media_type="text/plain",
            headers=headers,
        )


def install(app: FastAPI) -> None:
    """Register every handler on the app."""
    app.add_exception_handler(ComplianceError, on_domain_error)
    app.add_exception_handler(NotAuthenticated, on_not_authenticated)
    app.add_exception_handler(CsrfFailed, on_csrf_failed)
    app.add_exception_handler(RequestValidationError, on_request_invalid)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
