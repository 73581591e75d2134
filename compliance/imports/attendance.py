"""Import a punch-clock export (CSV/XLSX) as office check-in / sign-back events."""

import re
from datetime import UTC, datetime, tzinfo
from typing import Any

from compliance.attendance import repository
from compliance.attendance.models import PunchKind
from compliance.audit import service as audit
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.imports import ImportResult
from compliance.imports.reader import Column, Row, Table, read_table
from compliance.permissions import Permission
from compliance.staff.models import Staff
from compliance.staff.repository import by_employee_no
from compliance.usecase import use_case
from compliance.validation import CLOCK_SKEW

COLUMNS = (
    Column("employee_no", ("工号", "员工编号", "employee no")),
    Column("name", ("姓名",), required=False),
    Column("punched_at", ("打卡时间", "punched at")),
    Column("kind", ("打卡类型",)),
    Column("device", ("设备", "考勤机"), required=False),
)
KINDS = {
    "上班": PunchKind.CHECK_IN,
    "签到": PunchKind.CHECK_IN,
    "上班签到": PunchKind.CHECK_IN,
    "check_in": PunchKind.CHECK_IN,
    "下班": PunchKind.SIGN_BACK,
    "签退": PunchKind.SIGN_BACK,
    "下班签退": PunchKind.SIGN_BACK,
    "sign_back": PunchKind.SIGN_BACK,
}
# Punch clocks write either dashes or slashes; seconds are optional.
_TIME = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
MAX_DEVICE = 50


@use_case
def import_attendance(ctx: Ctx, data: bytes, filename: str = "") -> ImportResult:
    """Validate every punch in the file, then insert them all at once (manager or admin)."""
    ctx.require(Permission.RECORD_ATTENDANCE)
    table = read_table(data, COLUMNS, max_bytes=ctx.settings.max_upload_bytes)
    office_id = ctx.actor.office_id
    staff = by_employee_no(ctx.session, office_id)
    latest = ctx.now() + CLOCK_SKEW
    errors: list[FieldError] = []
    parsed: list[tuple[Row, Staff, datetime, PunchKind]] = []
    first_line: dict[tuple[int, datetime, str], int] = {}
    for row in table.rows:
        row_errors: list[FieldError] = []
        found = _parse_row(table, row, staff, ctx.tz, latest, row_errors)
        if found is not None:
            person, at, kind = found
            key = (person.id or 0, at, kind.value)
            if key in first_line:
                why = f"the same punch is already on line {first_line[key]}"
                row_errors.append(_err(table, row, "punched_at", why))
            first_line.setdefault(key, row.line)
            if not row_errors:
                parsed.append((row, person, at, kind))
        errors.extend(row_errors)
    if parsed:
        errors.extend(_already_recorded(ctx, table, parsed))
    if errors:
        raise ValidationFailed(sorted(errors, key=lambda e: e.line or 0))

    now = ctx.now()
    rows: list[dict[str, Any]] = [
        {
            "office_id": office_id,
            "staff_id": person.id,
            "kind": kind.value,
            "at": at,
            "work_date": local_date(at, ctx.tz),
            "source": "import",
            "created_at": now,
            "created_by": ctx.actor.user_id,
        }
        for _, person, at, kind in parsed
    ]
    repository.insert_events(ctx.session, rows)
    payload = {"file_sha256": table.sha256, "rows": len(rows), "filename": filename}
    event = audit.record(ctx, "attendance.imported", "attendance_import", table.sha256, payload)
    return ImportResult("attendance", len(rows), table.sha256, event.seq)


def _err(table: Table, row: Row, key: str, reason: str) -> FieldError:
    return FieldError(table.header(key), reason, row.line)


def _parse_row(
    table: Table,
    row: Row,
    staff: dict[str, Staff],
    tz: tzinfo,
    latest: datetime,
    errors: list[FieldError],
) -> tuple[Staff, datetime, PunchKind] | None:
    """The row's staff member, UTC time and kind; None (with errors appended) if bad."""
    v = row.values
    person = staff.get(v["employee_no"])
    if not v["employee_no"]:
        errors.append(_err(table, row, "employee_no", "is required"))
    elif person is None:
        errors.append(_err(table, row, "employee_no", f"unknown employee {v['employee_no']}"))
    elif v.get("name") and v["name"] != person.name:
        why = f"does not match employee {person.employee_no} ({person.name})"
        errors.append(_err(table, row, "name", why))
    at: datetime | None = None
    try:
        at = _local_to_utc(v["punched_at"], tz)
        if at > latest:
            errors.append(_err(table, row, "punched_at", "is in the future"))
    except ValueError as exc:
        errors.append(_err(table, row, "punched_at", str(exc)))
    kind = KINDS.get(v["kind"].lower())
    if kind is None:
        why = "is required" if not v["kind"] else f"unknown punch type {v['kind']!r} (上班 or 下班)"
        errors.append(_err(table, row, "kind", why))
    if len(v.get("device", "")) > MAX_DEVICE:
        errors.append(_err(table, row, "device", f"is longer than {MAX_DEVICE} characters"))
    if errors or person is None or at is None or kind is None:
        return None
    return person, at, kind


def _local_to_utc(text: str, tz: tzinfo) -> datetime:
    """Office-local 'YYYY-MM-DD HH:MM[:SS]' as an aware UTC datetime."""
    if not text:
        raise ValueError("is required")
    m = _TIME.match(text)
    if not m:
        raise ValueError(f"not a time in the form YYYY-MM-DD HH:MM[:SS]: {text!r}")
    try:
        y, mo, d, h, mi, sec = (int(g) for g in m.groups(default="0"))
        naive = datetime(y, mo, d, h, mi, sec)  # noqa: DTZ001 - the zone is attached below
    except ValueError:
        raise ValueError(f"no such date or time: {text!r}") from None
    at = naive.replace(tzinfo=tz).astimezone(UTC)
    # A wall-clock time skipped by a DST change does not exist; refuse rather than guess.
    if at.astimezone(tz).replace(tzinfo=None) != naive:
        raise ValueError(f"{text!r} does not exist in the office's time zone")
    return at


def _already_recorded(
    ctx: Ctx, table: Table, parsed: list[tuple[Row, Staff, datetime, PunchKind]]
) -> list[FieldError]:
    """Punches that are already in the database (the same file imported twice)."""
    times = [at for _, _, at, _ in parsed]
    existing = repository.existing_punches(
        ctx.session,
        ctx.actor.office_id,
        (p.id for _, p, _, _ in parsed if p.id is not None),
        min(times),
        max(times),
    )
    return [
        _err(table, row, "punched_at", "this punch is already recorded (imported before?)")
        for row, person, at, kind in parsed
        if (person.id, at, kind.value) in existing
    ]
