"""Import a staff roster (CSV/XLSX): Staff and their starting wage, all rows or none."""

import re
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from compliance.audit import service as audit
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import Conflict, FieldError, ValidationFailed
from compliance.imports import ImportResult
from compliance.imports.reader import Column, Row, Table, read_table
from compliance.money import check_fen, parse_yuan
from compliance.permissions import Permission
from compliance.staff.models import Staff, StaffStatus, StaffWage
from compliance.staff.repository import by_employee_no
from compliance.usecase import use_case

COLUMNS = (
    Column("employee_no", ("工号", "员工编号", "employee no")),
    Column("name", ("姓名",)),
    Column("team", ("班组",)),
    Column("position", ("岗位", "职位")),
    Column("hire_date", ("入职日期", "hire date")),
    Column("monthly_wage", ("月工资", "monthly wage")),
)
EMPLOYEE_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: 00:00(?::00)?)?$")
# Nobody on today's payroll was hired before this; an earlier date is a typing error.
EARLIEST_HIRE = date(1950, 1, 1)
_LIMITS = {"name": 50, "team": 30, "position": 30}


@use_case
def import_staff_roster(ctx: Ctx, data: bytes, filename: str = "") -> ImportResult:
    """Validate every row of a roster file, then create all its staff at once (admin or HR)."""
    ctx.require(Permission.MANAGE_STAFF)
    table = read_table(data, COLUMNS, max_bytes=ctx.settings.max_upload_bytes)
    office_id = ctx.actor.office_id
    existing = by_employee_no(ctx.session, office_id)
    today = local_date(ctx.now(), ctx.tz)
    errors: list[FieldError] = []
    first_line: dict[str, int] = {}
    good: list[dict[str, Any]] = []
    for row in table.rows:
        row_errors: list[FieldError] = []
        parsed = _parse_row(table, row, today, row_errors)
        no = row.values["employee_no"]
        if no in existing:
            row_errors.append(
                _err(table, row, "employee_no", f"{no} already exists in this office")
            )
        elif no and no in first_line:
            why = f"{no} appears twice in the file (first on line {first_line[no]})"
            row_errors.append(_err(table, row, "employee_no", why))
        first_line.setdefault(no, row.line)
        errors.extend(row_errors)
        if not row_errors:
            good.append(parsed)
    if errors:
        raise ValidationFailed(errors)

    now = ctx.now()
    user_id = ctx.actor.user_id
    staff_rows = [
        {
            "office_id": office_id,
            "employee_no": r["employee_no"],
            "name": r["name"],
            "team": r["team"],
            "position": r["position"],
            "hire_date": r["hire_date"],
            "status": StaffStatus.ACTIVE.value,
            "rulebook_ack_at": None,
            "created_at": now,
            "created_by": user_id,
        }
        for r in good
    ]
    try:
        inserted = ctx.session.execute(
            insert(Staff).returning(col(Staff.employee_no), col(Staff.id)), staff_rows
        )
        ids: dict[str, int] = {no: staff_id for no, staff_id in inserted}
    except IntegrityError:
        raise Conflict("staff were added to the office during the import; try again") from None
    wage_rows = [
        {
            "staff_id": ids[r["employee_no"]],
            "monthly_wage_fen": r["monthly_wage_fen"],
            "effective_from": r["hire_date"],
            "created_at": now,
            "created_by": user_id,
        }
        for r in good
    ]
    ctx.session.execute(insert(StaffWage), wage_rows)
    payload = {"file_sha256": table.sha256, "rows": len(good), "filename": filename}
    event = audit.record(ctx, "staff.roster_imported", "staff_import", table.sha256, payload)
    return ImportResult("staff_roster", len(good), table.sha256, event.seq)


def _err(table: Table, row: Row, key: str, reason: str) -> FieldError:
    return FieldError(table.header(key), reason, row.line)


def _parse_row(table: Table, row: Row, today: date, errors: list[FieldError]) -> dict[str, Any]:
    """The row's values parsed; every problem is appended to errors."""
    v = row.values
    out: dict[str, Any] = {k: v[k] for k in ("employee_no", "name", "team", "position")}
    if not v["employee_no"]:
        errors.append(_err(table, row, "employee_no", "is required"))
    elif not EMPLOYEE_NO.match(v["employee_no"]):
        errors.append(
            _err(table, row, "employee_no", "use 1-20 letters, digits, '-' or '_' (e.g. E001)")
        )
    for key, limit in _LIMITS.items():
        if not v[key]:
            errors.append(_err(table, row, key, "is required"))
        elif len(v[key]) > limit:
            errors.append(_err(table, row, key, f"is longer than {limit} characters"))
    try:
        out["hire_date"] = _hire_date(v["hire_date"], today)
    except ValueError as exc:
        errors.append(_err(table, row, "hire_date", str(exc)))
    try:
        out["monthly_wage_fen"] = check_fen(parse_yuan(v["monthly_wage"]))
    except ValueError as exc:
        errors.append(_err(table, row, "monthly_wage", str(exc)))
    return out


def _hire_date(text: str, today: date) -> date:
    if not text:
        raise ValueError("is required")
    m = _DATE.match(text)
    if not m:
        raise ValueError(f"not a date in the form YYYY-MM-DD: {text!r}")
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(f"no such date: {text!r}") from None
    if day > today:
        raise ValueError("is in the future")
    if day < EARLIEST_HIRE:
        raise ValueError(f"is before {EARLIEST_HIRE.isoformat()}")
    return day
