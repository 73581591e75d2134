"""Import a punch-clock export as offices have it, through the office's import profile.

Two layouts are read. With an in/out column (打卡类型: 上班/下班) each row says its kind. The
common clock layout — 部门, 姓名, 登记号码, 日期时间, 机器号, 编号, 比对方式, 卡号 — has none, and
knows staff by the clock's enrolment number (登记号码), which the profile's enrolment list maps
to the employee number. In/out is then inferred within each duty (`duties.py`): the first punch
of a duty is the check-in, the last the sign-back, punches between are not imported, and a
duty with a single punch is flagged.

Every problem is reported at once, each with its row number, and a person the clock knows but
the office does not is reported once (enrolment number, name, number of punches). Nothing is
imported while any remains. Punches already recorded (the same file again) are skipped, so a
re-import adds nothing.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from compliance.attendance import repository
from compliance.attendance.models import AttendanceEvent
from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.i18n import N_
from compliance.imports.attendance import KINDS, MAX_DEVICE, _local_to_utc
from compliance.imports.duties import Duty, assign_duties
from compliance.imports.profiles import SKIP, Profile, load_profile
from compliance.imports.reader import Row, Table, read_table
from compliance.permissions import Permission
from compliance.staff.models import Staff
from compliance.staff.repository import by_employee_no
from compliance.usecase import use_case
from compliance.validation import CLOCK_SKEW

HEADER_WITHIN = 10  # rows searched for the header (a title row or two come first)
PREVIEW_ROWS = 20


# Row reasons (English msgids with %(name)s values; the page translates them).
NO_ID_COLUMN = N_(
    "the file has neither a 登记号码 nor a 工号 column; map one in the import profile"
)
EXTRA_CELLS = N_("this row has more cells than the header")
EMPTY = N_("is empty")
NOT_THE_NAME = N_("is not the name of employee %(no)s (%(name)s)")
FUTURE = N_("is in the future")
BAD_TIME = N_("not a time like 2026-03-02 08:01:00: %(value)s")
BAD_KIND = N_("not 上班 or 下班: %(value)s")
LONG_DEVICE = N_("is longer than 50 characters")
NO_TIME_COLUMN = N_(
    "no punch-time column (日期时间 or 打卡时间) was found in the first rows; map it in the "
    "import profile"
)


@dataclass(frozen=True)
class Problem:
    """A bad row: its number in the file, the column (as headed there), the reason (an
    English message with %(name)s values, translated on the page)."""

    line: int
    column: str
    message: str
    values: dict[str, Any]

    def text(self) -> str:
        """The reason in English, values filled in."""
        return self.message % self.values if self.values else self.message


@dataclass(frozen=True)
class Punch:
    """An accepted row: who, when (UTC), in or out, and what becomes of it."""

    line: int
    staff_id: int
    employee_no: str
    staff_name: str
    clock_name: str
    at: datetime
    kind: str
    inferred: bool
    duty: Any  # the duty's local date
    single: bool = False
    between: bool = False  # between the first and last punch of a duty: not imported
    recorded: bool = False  # already in the database: skipped


@dataclass(frozen=True)
class Unknown:
    """A person in the file the office does not know, once however many punches."""

    key: str
    name: str
    punches: int
    first_line: int


@dataclass(frozen=True)
class ClockPreview:
    """What the file holds and what importing it would do."""

    sha256: str
    header_line: int
    title: str
    file_columns: tuple[str, ...]
    mapping: dict[str, str]  # column key -> header found
    by_enrolment: bool
    inferred: bool
    punches: tuple[Punch, ...]
    problems: tuple[Problem, ...]
    unknown: tuple[Unknown, ...]
    skipped_people: int  # rows of people the enrolment list marks "-"
    repeats: int  # the same person at the same second twice in the file

    @property
    def ok(self) -> bool:
        """Whether the file can be imported as it is."""
        return not self.problems and not self.unknown

    def to_import(self) -> list[Punch]:
        """The punches importing adds."""
        return [p for p in self.punches if not p.between and not p.recorded]

    @property
    def counts(self) -> dict[str, int]:
        """Rows read, to import, already recorded, single punches, between, problems."""
        return {
            "rows": len(self.punches) + self.repeats + self.skipped_people + len(self.problems),
            "new": len(self.to_import()),
            "recorded": sum(p.recorded and not p.between for p in self.punches),
            "single": sum(p.single for p in self.punches),
            "between": sum(p.between for p in self.punches),
            "problems": len(self.problems),
            "unknown": len(self.unknown),
        }

    def errors(self) -> list[FieldError]:
        """Every problem and unknown person as field errors (the command line's words)."""
        out = [FieldError(p.column, p.text(), p.line) for p in self.problems]
        column = self.mapping.get("enrolment_no" if self.by_enrolment else "employee_no", "")
        for u in self.unknown:
            what = "enrolment number" if self.by_enrolment else "employee number"
            out.append(
                FieldError(
                    column,
                    f"unknown {what} {u.key} ({u.name or 'no name'}, {u.punches} punches); "
                    + (
                        "add it to the office's enrolment list (or mark it -)"
                        if self.by_enrolment
                        else "not on the staff list"
                    ),
                    u.first_line,
                )
            )
        return sorted(out, key=lambda e: e.line or 0)


# The reader's file-level refusals, in words the page can translate.
_FILE_REASONS = (
    ("required column is missing", NO_TIME_COLUMN),
    ("the file is empty", N_("the file is empty")),
    ("not a CSV", N_("not a CSV (UTF-8 or GBK text) or XLSX file")),
    ("not a readable XLSX", N_("not a CSV (UTF-8 or GBK text) or XLSX file")),
    ("old Excel", N_("old Excel (.xls) files are not supported; save as .xlsx or CSV")),
    ("larger than the limit", N_("the file is too large")),
    ("has a header but no data rows", N_("the file has a header but no punches")),
    ("appears twice", N_("a column appears twice in the header")),
    ("malformed CSV", N_("the CSV file is malformed (an unclosed quote?)")),
)


def _read(ctx: Ctx, data: bytes, profile: Profile) -> Table:
    try:
        return read_table(
            data,
            profile.reader_columns(),
            max_bytes=ctx.settings.max_upload_bytes,
            header_within=HEADER_WITHIN,
            raise_row_problems=False,
        )
    except ValidationFailed as exc:
        errors = []
        for e in exc.errors:
            reason = next((r for key, r in _FILE_REASONS if key in e.reason), e.reason)
            errors.append(FieldError("file", reason, e.line))
        raise ValidationFailed(errors) from None


def preview_clock_file(ctx: Ctx, data: bytes, profile: Profile | None = None) -> ClockPreview:
    """Read, check and infer everything an import would, without writing anything."""
    ctx.require(Permission.IMPORT_ATTENDANCE)
    office_id = ctx.actor.office_id
    profile = profile if profile is not None else load_profile(ctx.session, office_id)
    table = _read(ctx, data, profile)
    by_enrolment = "enrolment_no" in table.headers
    if not by_enrolment and "employee_no" not in table.headers:
        raise ValidationFailed(FieldError("file", NO_ID_COLUMN, table.header_line))
    staff = by_employee_no(ctx.session, office_id)
    problems = [Problem(p.line or 0, "", EXTRA_CELLS, {}) for p in table.problems]
    latest = ctx.now() + CLOCK_SKEW
    accepted: list[tuple[Row, Staff, datetime, str | None]] = []
    unknown: dict[str, list[Row]] = defaultdict(list)
    skipped = 0
    for row in table.rows:
        found = _check_row(ctx, table, row, latest, problems)
        key = row.values.get("enrolment_no" if by_enrolment else "employee_no", "").strip()
        column = table.header("enrolment_no" if by_enrolment else "employee_no")
        if not key:
            problems.append(Problem(row.line, column, EMPTY, {}))
            continue
        emp = profile.enrolments.get(key) if by_enrolment else key
        if emp == SKIP:
            skipped += 1
            continue
        person = staff.get(emp or "")
        if person is None:
            unknown[key].append(row)
            continue
        if not by_enrolment and row.values.get("name") and row.values["name"] != person.name:
            values = {"no": person.employee_no, "name": person.name}
            problems.append(Problem(row.line, table.header("name"), NOT_THE_NAME, values))
            continue
        if found is not None:
            accepted.append((row, person, found[0], found[1]))
    punches, repeats = _punches(ctx, accepted)
    return ClockPreview(
        sha256=table.sha256,
        header_line=table.header_line,
        title=table.title,
        file_columns=table.columns,
        mapping=dict(table.headers),
        by_enrolment=by_enrolment,
        inferred="kind" not in table.headers,
        punches=tuple(sorted(punches, key=lambda p: p.line)),
        problems=tuple(sorted(problems, key=lambda p: p.line)),
        unknown=tuple(
            Unknown(k, rows[0].values.get("name", ""), len(rows), rows[0].line)
            for k, rows in sorted(unknown.items(), key=lambda kv: kv[1][0].line)
        ),
        skipped_people=skipped,
        repeats=repeats,
    )


def _check_row(
    ctx: Ctx, table: Table, row: Row, latest: datetime, problems: list[Problem]
) -> tuple[datetime, str | None] | None:
    """The row's UTC time and its kind (None: to infer); None if the row is bad."""
    v = row.values
    before = len(problems)
    at: datetime | None = None
    try:
        at = _local_to_utc(v["punched_at"], ctx.tz)
        if at > latest:
            problems.append(Problem(row.line, table.header("punched_at"), FUTURE, {}))
    except ValueError:
        values = {"value": v["punched_at"]}
        problems.append(Problem(row.line, table.header("punched_at"), BAD_TIME, values))
    kind: str | None = None
    if "kind" in table.headers:
        found = KINDS.get(v.get("kind", "").lower())
        if found is None:
            values = {"value": v.get("kind", "")}
            problems.append(Problem(row.line, table.header("kind"), BAD_KIND, values))
        else:
            kind = found.value
    if len(v.get("device", "")) > MAX_DEVICE:
        problems.append(Problem(row.line, table.header("device"), LONG_DEVICE, {}))
    if len(problems) > before or at is None:
        return None
    return at, kind


def _punches(
    ctx: Ctx, accepted: list[tuple[Row, Staff, datetime, str | None]]
) -> tuple[list[Punch], int]:
    """One punch per person and second; in/out inferred per duty where the file has none;
    each marked if already recorded."""
    seen: dict[tuple[int, datetime], int] = {}
    rows = []
    for row, person, at, kind in accepted:
        if (person.id or 0, at) in seen:
            continue
        seen[(person.id or 0, at)] = row.line
        rows.append((row, person, at, kind))
    repeats = len(accepted) - len(rows)
    if not rows:
        return [], repeats
    times = [at for _, _, at, _ in rows]
    ids = {p.id or 0 for _, p, _, _ in rows}
    recorded = _recorded(ctx, ids, min(times), max(times))
    duties = assign_duties(ctx, [(p.id or 0, at) for _, p, at, _ in rows])
    out = []
    for row, person, at, kind in rows:
        duty: Duty = duties[(person.id or 0, at)]
        out.append(
            Punch(
                line=row.line,
                staff_id=person.id or 0,
                employee_no=person.employee_no,
                staff_name=person.name,
                clock_name=row.values.get("name", ""),
                at=at,
                kind=kind or duty.kind_of(at),
                inferred=kind is None,
                duty=duty.day,
                single=kind is None and duty.single,
                between=kind is None and duty.between(at),
                recorded=(person.id or 0, at) in recorded,
            )
        )
    return out, repeats


def _recorded(ctx: Ctx, staff_ids: set[int], start: datetime, end: datetime) -> set[Any]:
    rows = ctx.session.execute(
        select(col(AttendanceEvent.staff_id), col(AttendanceEvent.at)).where(
            col(AttendanceEvent.office_id) == ctx.actor.office_id,
            col(AttendanceEvent.staff_id).in_(sorted(staff_ids)),
            col(AttendanceEvent.at) >= start,
            col(AttendanceEvent.at) <= end,
        )
    )
    return {(r.staff_id, _utc(r.at)) for r in rows}


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ClockImportResult:
    """What an import added and skipped, and its audit event."""

    imported: int
    recorded: int
    single: int
    between: int
    skipped_people: int
    file_sha256: str
    audit_seq: int


@use_case
def import_clock_file(
    ctx: Ctx, data: bytes, filename: str = "", profile: Profile | None = None
) -> ClockImportResult:
    """Import the file's new punches, all or nothing (manager, HR or admin)."""
    preview = preview_clock_file(ctx, data, profile)
    if not preview.ok:
        raise ValidationFailed(preview.errors())
    now = ctx.now()
    new = preview.to_import()
    repository.insert_events(
        ctx.session,
        [
            {
                "office_id": ctx.actor.office_id,
                "staff_id": p.staff_id,
                "kind": p.kind,
                "at": p.at,
                "work_date": p.duty,
                "source": "import",
                "created_at": now,
                "created_by": ctx.actor.user_id,
            }
            for p in new
        ],
    )
    c = preview.counts
    payload = {
        "file_sha256": preview.sha256,
        "filename": filename,
        "rows": len(new),
        "already_recorded": c["recorded"],
        "single_punches": c["single"],
        "between_punches": c["between"],
        "inferred": preview.inferred,
    }
    event = audit.record(ctx, "attendance.imported", "attendance_import", preview.sha256, payload)
    return ClockImportResult(
        len(new), c["recorded"], c["single"], c["between"], preview.skipped_people,
        preview.sha256, event.seq,
    )  # fmt: skip
