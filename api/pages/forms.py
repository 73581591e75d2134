"""Forms: re-rendering a page with errors next to its fields, and parsing typed values."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from api.i18n import N_, translator
from api.templating import render
from compliance.db import begin_read
from compliance.errors import FieldError, ValidationFailed
from compliance.money import parse_yuan


@dataclass(frozen=True)
class ChosenFile:
    """A file the form sent: its field, its bytes and the name it had on the user's device."""

    field: str
    data: bytes
    name: str


async def chosen_files(request: Request) -> list[ChosenFile]:
    """Every file the posted form carries, in form order; an empty file input (nothing chosen)
    sends an unnamed empty part, which is skipped."""
    form = await request.form()
    out: list[ChosenFile] = []
    for field_name, value in form.multi_items():
        if not isinstance(value, UploadFile):
            continue
        data = await value.read()
        if data or value.filename:
            out.append(ChosenFile(field_name, data, value.filename or ""))
    return out


@dataclass
class FormPage:
    """The page a form was posted from, so an error can show it again with what was typed.

    A page whose context costs queries gives a builder and the request's session instead of
    the context: it runs only if the form fails, after the failed step's changes are rolled
    back, so it shows what is stored. Building it up front would cost every successful post
    those queries, on SQLite while holding the database's write lock.
    """

    template: str
    context: dict[str, Any] | Callable[[], dict[str, Any]]
    values: Mapping[str, str]
    form_id: str = ""
    # The domain's field name -> the form's field name (e.g. amount_fen -> amount).
    aliases: Mapping[str, str] = field(default_factory=dict)
    session: Session | None = None

    @property
    def lazy(self) -> bool:
        """Whether showing the page again runs queries (the error handler then uses a thread)."""
        return callable(self.context)

    def page_context(self) -> dict[str, Any]:
        """The page's context as it is now."""
        if not callable(self.context):
            return self.context
        if self.session is None:
            self.context = self.context()
            return self.context
        # The error handlers run after the request's session was given back, so the page is
        # read in a transaction of its own: read-only (no write lock), and closed after.
        self.session.rollback()
        begin_read(self.session)
        try:
            self.context = self.context()
        finally:
            if isinstance(self.session.get_bind(), Engine):  # not a test's shared connection
                self.session.close()
        return self.context

    def render(
        self, request: Request, status: int, errors: list[FieldError], message: str
    ) -> Response:
        """The page again, with each error next to its field and the typed values kept."""
        t = translator(request)
        by_field: dict[str, list[str]] = {}
        for e in errors:
            name = self.aliases.get(e.field, e.field)
            by_field.setdefault(name, []).append(t(e.reason))
        context = {
            **self.page_context(),
            "values": dict(self.values),
            "errors": by_field,
            "form_error": message,
            "form_id": self.form_id,
        }
        return render(request, self.template, context, status_code=status)


def remember_form(request: Request, page: FormPage) -> None:
    """Register the form page for the error handlers (before calling the service)."""
    request.state.form = page


def local_datetime(value: str, tz: ZoneInfo) -> datetime | str:
    """A datetime-local input in the office's zone as aware time; unparsable text unchanged."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)


def yuan_to_fen(values: Mapping[str, str], name: str, target: str, out: dict[str, Any]) -> None:
    """Put the typed yuan amount into out[target] as fen; a bad amount is a field error."""
    text = values.get(name, "").strip()
    if not text:
        return
    try:
        out[target] = parse_yuan(text)
    except ValueError:
        raise ValidationFailed(
            FieldError(name, N_("not an amount in yuan (e.g. 200 or 12.50)"))
        ) from None


def present(values: Mapping[str, str], *names: str) -> dict[str, Any]:
    """The named fields that were filled in (blank ones are left out, i.e. not given)."""
    return {n: values[n].strip() for n in names if values.get(n, "").strip()}
