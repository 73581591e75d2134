"""What the record lists share: the period and staff filters, typed times in the office's
zone, the staff and unit choices, and the reason a correction needs."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends

from api.i18n import N_
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.residents.service import list_units
from compliance.staff.service import list_staff
from compliance.visits.corrections import Correction
from compliance.visits.listing import Period

BAD_TIME = N_("not a date and time (e.g. 2026-03-30 08:00)")
BAD_DAY = N_("not a date (e.g. 2026-03-30)")
BAD_CLOCK = N_("not a time of day (e.g. 08:00)")
BAD_MONTH = N_("not a month (e.g. 2026-03)")
BAD_RANGE = N_("the last day is before the first")
TOO_LONG = N_("choose at most 366 days")
REASON_REQUIRED = N_("say why the record is changed")
REQUIRED = N_("is required")


@dataclass
class Filters:
    """A list's period (local days) and staff member, and the values to show in its form."""

    start: date | None
    end: date | None
    staff_id: int | None
    values: dict[str, str]
    errors: dict[str, list[str]]

    @property
    def period(self) -> Period:
        """The rows the filters select."""
        return Period(self.start, self.end, self.staff_id)

    def query(self, **more: Any) -> str:
        """The filters as a query string (for the pager and the download)."""
        from urllib.parse import urlencode

        pairs = {k: v for k, v in self.values.items() if v}
        pairs.update({k: str(v) for k, v in more.items()})
        return urlencode(pairs)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@dataclass
class ListQuery:
    """A list page's query: the period (a month, or from and to), the staff member, the page."""

    month: str = ""
    date_from: str = ""
    date_to: str = ""
    staff: str = ""
    page: int = 1


ListParams = Annotated[ListQuery, Depends()]


def filters(t: Any, q: ListQuery) -> Filters:
    """Read the filters; a bad value is an error next to its field and is not applied."""
    values = {"month": q.month.strip(), "date_from": q.date_from.strip()}
    values.update(date_to=q.date_to.strip(), staff=q.staff.strip())
    errors: dict[str, list[str]] = {}
    start = end = None
    if values["month"]:
        try:
            first = date.fromisoformat(values["month"] + "-01")
        except ValueError:
            errors["month"] = [t(BAD_MONTH)]
        else:
            start = first
            end = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    for key in ("date_from", "date_to"):
        if values[key]:
            day = _day(values[key])
            if day is None:
                errors[key] = [t(BAD_DAY)]
            elif key == "date_from":
                start = day
            else:
                end = day
    if start and end and end < start:
        errors["date_to"] = [t(BAD_RANGE)]
        end = None
    staff_id = int(values["staff"]) if values["staff"].isdigit() else None
    return Filters(start, end, staff_id, values, errors)


def choices(ctx: Ctx, units: bool = False) -> dict[str, Any]:
    """Names of staff (and units) by id, and the options of the forms' selects."""
    staff = list_staff(ctx)
    out: dict[str, Any] = {
        "staff_names": {s.id: f"{s.employee_no} {s.name}" for s in staff},
        "staff_options": [(s.id, f"{s.employee_no} {s.name}") for s in staff],
    }
    if units:
        rows = list_units(ctx)
        out["unit_names"] = {u.id: f"{u.building} {u.room}" for u in rows}
        out["unit_options"] = [(u.id, f"{u.building} {u.room}") for u in rows]
    return out


def read_times(
    form: Mapping[str, str], names: tuple[str, ...], tz: ZoneInfo, required: tuple[str, ...] = ()
) -> tuple[dict[str, datetime | None], list[FieldError]]:
    """datetime-local fields as aware times in the office's zone (blank: None)."""
    out: dict[str, datetime | None] = {}
    errors: list[FieldError] = []
    for name in names:
        text = form.get(name, "").strip()
        if not text:
            out[name] = None
            if name in required:
                errors.append(FieldError(name, REQUIRED))
            continue
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            errors.append(FieldError(name, BAD_TIME))
            continue
        out[name] = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)
    return out, errors


def clock_time(text: str) -> time | None:
    """HH:MM typed in a time field, or None."""
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        return None


def need_reason(form: Mapping[str, str], errors: list[FieldError]) -> str:
    """The correction's reason; a blank one is an error."""
    reason = form.get("reason", "").strip()
    if not reason:
        errors.append(FieldError("reason", REASON_REQUIRED))
    return reason


def local_input(value: datetime | None, tz: ZoneInfo) -> str:
    """A stored time as a datetime-local field's value in the office's zone."""
    return "" if value is None else value.astimezone(tz).strftime("%Y-%m-%dT%H:%M")


def fail(errors: list[FieldError]) -> None:
    """Raise every collected field error at once (nothing is saved)."""
    if errors:
        raise ValidationFailed(errors)


FIELD_LABELS = {
    "staff_id": N_("Staff member"),
    "unit_id": N_("Unit"),
    "kind": N_("Kind"),
    "description": N_("What the resident asked for"),
    "requested_at": N_("Requested"),
    "assigned_at": N_("Assigned"),
    "arrived_at": N_("Arrived"),
    "done_at": N_("Done"),
    "left_at": N_("Left"),
    "outcome": N_("Outcome"),
    "at": N_("Time"),
    "work_date": N_("Day"),
    "start_at": N_("Starts"),
    "end_at": N_("Ends"),
}


def shown_history(
    ctx: Ctx, t: Any, rows: list[Correction], names: dict[str, Any], kind_label: str = ""
) -> list[dict[str, Any]]:
    """Corrections as the edit page lists them: when, who, why, and each field old → new."""

    def show(field: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if field.endswith("_at"):
            at = datetime.fromisoformat(value)
            at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
            return at.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M")
        if field in ("staff_id", "unit_id"):
            return str(names.get(field, {}).get(value, value))
        if field == "kind" and kind_label:
            return str(t.label(kind_label, value))
        return str(value)

    out = []
    for c in rows:
        changes = [
            (t(FIELD_LABELS[f]), show(f, c.before.get(f)), show(f, c.after.get(f)))
            for f in c.after
            if f in FIELD_LABELS
        ]
        out.append({"at": c.at, "by": c.by, "reason": c.reason, "changes": changes})
    return out
