"""An office's import profile for punch-clock files: which header holds each column, and the
clock's enrolment list (登记号码 -> the staff member's employee number).

Saved once per office (the web page /attendance/import/profile, or a JSON file given to the
command line with `--profile`), then used for every import. A column left blank is found by
its usual names (ALIASES); a file whose header is not among them needs the profile's entry.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.i18n import N_
from compliance.imports.models import ImportProfile
from compliance.imports.reader import Column
from compliance.permissions import Permission
from compliance.staff.repository import by_employee_no
from compliance.usecase import use_case

KIND = "attendance"
# The columns a punch-clock import reads, in the order the profile page shows them.
FIELDS = ("enrolment_no", "employee_no", "name", "punched_at", "kind", "device")
LABELS = {
    "enrolment_no": N_("Clock enrolment number"),
    "employee_no": N_("Employee number"),
    "name": N_("Name"),
    "punched_at": N_("Punch time"),
    "kind": N_("In or out"),
    "device": N_("Clock (device)"),
}
# Header names found without a profile entry (compared without case, spaces or BOM).
ALIASES: dict[str, tuple[str, ...]] = {
    "enrolment_no": ("登记号码", "登记号", "考勤号码", "考勤号", "enrolment no", "ac-no"),
    "employee_no": ("工号", "员工编号", "employee no"),
    "name": ("姓名", "name"),
    "punched_at": ("日期时间", "打卡时间", "punched at", "date time"),
    "kind": ("打卡类型", "kind"),
    "device": ("机器号", "设备", "考勤机", "device"),
}
SKIP = "-"  # in the enrolment list: a person on the clock who is not on the staff list
MAX_HEADER = 50
MAX_ENROLMENT = 20
_SPLIT = re.compile(r"[,\t ,;;]+")


@dataclass(frozen=True)
class Profile:
    """The office's saved profile (or the empty default)."""

    columns: dict[str, str] = field(default_factory=dict)
    enrolments: dict[str, str] = field(default_factory=dict)
    saved_at: datetime | None = None

    def reader_columns(self) -> list[Column]:
        """The reader's columns: the profile's header where one is set, else the aliases."""
        out = []
        for key in FIELDS:
            header = self.columns.get(key, "").strip()
            names = (header,) if header else ALIASES[key]
            out.append(Column(key, names, required=key == "punched_at"))
        return out

    def enrolments_text(self) -> str:
        """The enrolment list as the page's text area shows it: one `登记号码,工号` a line."""
        return "\n".join(f"{no},{emp}" for no, emp in sorted(self.enrolments.items(), key=_nat))

    def as_json(self) -> str:
        """The profile as the command line's --profile file holds it."""
        body = {"columns": self.columns, "enrolments": self.enrolments}
        return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True)


def _nat(item: tuple[str, str]) -> tuple[int, str]:
    no = item[0]
    return (int(no), no) if no.isdigit() else (10**12, no)


def _row(session: Session, office_id: int, kind: str = KIND) -> ImportProfile | None:
    return session.execute(
        select(ImportProfile).where(
            col(ImportProfile.office_id) == office_id, col(ImportProfile.kind) == kind
        )
    ).scalar_one_or_none()


def load_profile(session: Session, office_id: int, kind: str = KIND) -> Profile:
    """The office's saved profile for a kind of file (the punch clock's by default), or the
    default (aliases, no enrolments). The phone system's ("calls") keeps its extension list
    (分机 -> employee number) where the clock's keeps its enrolment list."""
    row = _row(session, office_id, kind)
    if row is None:
        return Profile()
    return Profile(json.loads(row.columns_json), json.loads(row.enrolments_json), row.updated_at)


def check_columns(values: Mapping[str, Any]) -> dict[str, str]:
    """The column mapping as saved: known keys only, headers of sane length."""
    errors = []
    out: dict[str, str] = {}
    for key, value in values.items():
        if key not in FIELDS:
            errors.append(FieldError(key, N_("not a column the import reads")))
            continue
        text = str(value or "").strip()
        if len(text) > MAX_HEADER:
            errors.append(FieldError(key, N_("a column header is at most 50 characters")))
        out[key] = text
    if errors:
        raise ValidationFailed(errors)
    return {k: out.get(k, "") for k in FIELDS}


def parse_enrolments(text: str, employee_nos: set[str]) -> dict[str, str]:
    """`登记号码,工号` per line (comma, tab or space between; `-` for not on the staff list);
    every bad line is reported with its line number."""
    out: dict[str, str] = {}
    first: dict[str, int] = {}
    errors: list[FieldError] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p for p in _SPLIT.split(line) if p]
        reason = _enrolment_problem(parts, first, employee_nos)
        if reason:
            errors.append(FieldError("enrolments", reason, n))
            continue
        first[parts[0]] = n
        out[parts[0]] = parts[1]
    if errors:
        raise ValidationFailed(errors)
    return out


def _enrolment_problem(parts: list[str], seen: Mapping[str, int], staff: set[str]) -> str:
    if len(parts) != 2:
        return N_("write the enrolment number, a comma, then the employee number (or -)")
    no, emp = parts
    if len(no) > MAX_ENROLMENT:
        return N_("an enrolment number is at most 20 characters")
    if no in seen:
        return N_("this enrolment number is listed twice")
    if emp != SKIP and emp not in staff:
        return N_("no staff member has this employee number")
    return ""


def store_profile(
    ctx: Ctx, columns: dict[str, str], enrolments: dict[str, str], kind: str = KIND
) -> Profile:
    """Write the office's profile of this kind as given (checked by the caller) and audit it;
    the calls import saves its own columns and extension list through it."""
    now = ctx.now()
    row = _row(ctx.session, ctx.actor.office_id, kind)
    if row is None:
        row = ImportProfile(
            office_id=ctx.actor.office_id,
            kind=kind,
            columns_json="{}",
            enrolments_json="{}",
            updated_at=now,
        )
    row.columns_json = json.dumps(columns, ensure_ascii=False, sort_keys=True)
    row.enrolments_json = json.dumps(enrolments, ensure_ascii=False, sort_keys=True)
    row.updated_at, row.updated_by = now, ctx.actor.user_id
    ctx.session.add(row)
    ctx.session.flush()
    payload: dict[str, Any] = {"columns": columns, "enrolments": len(enrolments)}
    if kind != KIND:
        payload["kind"] = kind
    audit.record(ctx, "import_profile.saved", "import_profile", row.id, payload)
    return Profile(columns, enrolments, now)


@use_case
def save_profile(
    ctx: Ctx, columns: Mapping[str, Any] | None = None, enrolments: str | None = None
) -> Profile:
    """Save the office's column mapping and/or enrolment list (manager, HR or admin);
    what is not given stays as saved."""
    ctx.require(Permission.IMPORT_ATTENDANCE)
    current = load_profile(ctx.session, ctx.actor.office_id)
    cols = check_columns(columns) if columns is not None else current.columns
    staff = set(by_employee_no(ctx.session, ctx.actor.office_id))
    enrol = parse_enrolments(enrolments, staff) if enrolments is not None else current.enrolments
    return store_profile(ctx, cols, enrol)


def profile_from_json(text: str, employee_nos: set[str]) -> Profile:
    """A profile from a --profile file: {"columns": {...}, "enrolments": {"8": "E001"}}."""
    try:
        body = json.loads(text)
        columns, enrolments = body.get("columns", {}), body.get("enrolments", {})
        if not isinstance(columns, dict) or not isinstance(enrolments, dict):
            raise ValueError
    except (ValueError, AttributeError):
        example = '{"columns": {"punched_at": "日期时间"}, "enrolments": {"8": "E001"}}'
        raise ValidationFailed.one("--profile", f"not a profile: JSON like {example}") from None
    lines = "\n".join(f"{k},{v}" for k, v in enrolments.items())
    return Profile(check_columns(columns), parse_enrolments(lines, employee_nos))
