"""Import the front desk's call log from a phone system's export (CSV in UTF-8, UTF-8 with BOM
or GBK, or XLSX), through the office's import profile of kind "calls".

The exports differ: one writes 振铃次数 (rings), another 振铃时长(秒) or 应答时长 (seconds to
answer); a call is answered per 是否接听, or, without that column, when it has a 通话时长. Who
answered is the 接听坐席/分机 column: an extension the profile's extension list maps to an
employee number (`分机,工号` a line, `-` for an extension that is nobody on the staff list), else
an employee number, else a staff member's exact name. The caller's unit is the 房号 column or,
without one, the unit whose resident has the calling number (when exactly one has).

The reading, the profile and the preview → confirm steps are the punch-clock import's
(`reader.read_table`, `profiles`, `clock.Problem`): every problem is reported at once with its
row, an extension the office does not know is listed once, and nothing is imported while any
remains. Each call is keyed by the phone system's call id or, without one, by a digest of its
time, caller and extension (`service_call.source_key`), so importing the file again adds
nothing.
"""

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import col

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.i18n import N_
from compliance.imports import profiles
from compliance.imports.attendance import _local_to_utc
from compliance.imports.clock import _FILE_REASONS, BAD_TIME, EMPTY, EXTRA_CELLS, FUTURE, Problem
from compliance.imports.profiles import SKIP, Profile
from compliance.imports.reader import Column, Row, Table, read_table
from compliance.permissions import Permission
from compliance.residents import repository as residents
from compliance.residents.schemas import UnitRead
from compliance.residents.search import matching
from compliance.service.models import ServiceCall
from compliance.staff.models import Staff
from compliance.staff.repository import by_employee_no
from compliance.usecase import use_case
from compliance.validation import CLOCK_SKEW

KIND = "calls"  # the import profile's kind
HEADER_WITHIN = 10
PREVIEW_ROWS = 20
MAX_RINGS = 99
MAX_SECONDS = 24 * 3600
_CHUNK = 500

# The columns a call import reads, in the order the pages show them.
FIELDS = (
    "call_id",
    "called_at",
    "caller_phone",
    "rings",
    "ring_seconds",
    "duration_seconds",
    "agent",
    "answered",
    "unit",
    "purpose",
)
LABELS = {
    "call_id": N_("Call id"),
    "called_at": N_("Call time"),
    "caller_phone": N_("Caller's number"),
    "rings": N_("Rings"),
    "ring_seconds": N_("Seconds to answer"),
    "duration_seconds": N_("Call length"),
    "agent": N_("Answered at (extension or staff)"),
    "answered": N_("Answered"),
    "unit": N_("Unit"),
    "purpose": N_("Purpose"),
}
ALIASES: dict[str, tuple[str, ...]] = {
    "call_id": ("通话ID", "通话编号", "呼叫ID", "呼叫编号", "流水号", "记录编号", "call id"),
    "called_at": ("来电时间", "呼入时间", "呼叫时间", "开始时间", "call time", "called at"),
    "caller_phone": ("主叫号码", "来电号码", "主叫", "caller", "caller phone"),
    "rings": ("振铃次数", "响铃次数", "振铃声数", "rings"),
    "ring_seconds": (
        "振铃时长(秒)",
        "振铃时长(秒)",
        "振铃时长",
        "应答时长",
        "应答时长(秒)",
        "应答时长(秒)",
        "等待时长",
        "ring seconds",
    ),
    "duration_seconds": ("通话时长", "通话时长(秒)", "通话时长(秒)", "duration"),
    "agent": ("接听坐席", "接听分机", "分机", "分机号", "坐席", "agent", "extension"),
    "answered": ("是否接听", "接听状态", "呼叫结果", "answered"),
    "unit": ("房号", "房间号", "unit"),
    "purpose": ("来电事由", "来电意图", "事由", "备注", "purpose"),
}
_YES = {"是", "已接", "已接听", "接听", "接通", "已接通", "1", "y", "yes", "true", "answered"}
_NO = {"否", "未接", "未接听", "未接通", "漏接", "放弃", "0", "n", "no", "false", "missed"}
_CLOCK_TIME = re.compile(r"^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})$")

NO_RING_COLUMN = N_(
    "the file has neither a rings (振铃次数) nor a seconds-to-answer (振铃时长/应答时长) column"
)
BAD_COUNT = N_("not a number of rings from 0 to 99: %(value)s")
BAD_SECONDS = N_("not a number of seconds (e.g. 12 or 00:01:05): %(value)s")
BAD_ANSWERED = N_("not 是 or 否: %(value)s")
NO_RINGS = N_("an answered call needs its rings or seconds to answer")
LONG_PHONE = N_("is longer than 20 characters")
LONG_PURPOSE = N_("is longer than 500 characters")
NO_UNIT = N_("no unit with this building and room")
TWO_UNITS = N_("several buildings have this room: type the building too, e.g. 3-1203")
BAD_EXTENSIONS = N_("write the extension, a comma, then the employee number (or -)")


def reader_columns(profile: Profile) -> list[Column]:
    """The reader's columns: the profile's header where one is set, else the aliases."""
    out = []
    for key in FIELDS:
        header = profile.columns.get(key, "").strip()
        names = (header,) if header else ALIASES[key]
        out.append(Column(key, names, required=key == "called_at"))
    return out


def load_profile(ctx: Ctx) -> Profile:
    """The office's call-import profile (column headers, extension list), or the default."""
    return profiles.load_profile(ctx.session, ctx.actor.office_id, KIND)


@use_case
def save_profile(
    ctx: Ctx, columns: Mapping[str, Any] | None = None, extensions: str | None = None
) -> Profile:
    """Save the office's call-import column mapping and/or extension list (`分机,工号` a line);
    what is not given stays as saved."""
    ctx.require(Permission.IMPORT_CALLS)
    current = load_profile(ctx)
    cols = _check_columns(columns) if columns is not None else current.columns
    staff = set(by_employee_no(ctx.session, ctx.actor.office_id))
    ext = current.enrolments
    if extensions is not None:
        try:
            ext = profiles.parse_enrolments(extensions, staff)
        except ValidationFailed as exc:
            raise ValidationFailed(
                [FieldError("extensions", _extension_reason(e.reason), e.line) for e in exc.errors]
            ) from None
    return profiles.store_profile(ctx, cols, ext, KIND)


def _extension_reason(reason: str) -> str:
    """The enrolment list's wording where it speaks of the clock."""
    return BAD_EXTENSIONS if "enrolment number, a comma" in reason else reason


def _check_columns(values: Mapping[str, Any]) -> dict[str, str]:
    errors = []
    out: dict[str, str] = {}
    for key, value in values.items():
        if key not in FIELDS:
            errors.append(FieldError(key, N_("not a column the import reads")))
            continue
        text = str(value or "").strip()
        if len(text) > profiles.MAX_HEADER:
            errors.append(FieldError(key, N_("a column header is at most 50 characters")))
        out[key] = text
    if errors:
        raise ValidationFailed(errors)
    return {k: out.get(k, "") for k in FIELDS}


@dataclass(frozen=True)
class CallRow:
    """An accepted row: the call as it would be recorded, and whether it already is."""

    line: int
    source_key: str
    called_at: datetime
    caller_phone: str
    answered: bool
    rings: int | None
    answer_seconds: int | None
    duration_seconds: int | None
    agent: str
    staff_id: int | None
    staff_name: str
    unit_id: int | None
    unit_label: str
    purpose: str
    recorded: bool = False


@dataclass(frozen=True)
class UnknownAgent:
    """An extension (or agent) in the file the office cannot match, once however many calls."""

    key: str
    calls: int
    first_line: int


@dataclass(frozen=True)
class CallPreview:
    """What the file holds and what importing it would do."""

    sha256: str
    header_line: int
    title: str
    file_columns: tuple[str, ...]
    mapping: dict[str, str]
    calls: tuple[CallRow, ...]
    problems: tuple[Problem, ...]
    unknown: tuple[UnknownAgent, ...]
    repeats: int  # the same call twice in the file

    @property
    def ok(self) -> bool:
        """Whether the file can be imported as it is."""
        return not self.problems and not self.unknown

    def to_import(self) -> list[CallRow]:
        """The calls importing adds."""
        return [c for c in self.calls if not c.recorded]

    @property
    def counts(self) -> dict[str, int]:
        """Rows read, to import, already recorded, unanswered, problems, unknown extensions."""
        return {
            "rows": len(self.calls) + self.repeats + len(self.problems),
            "new": len(self.to_import()),
            "recorded": sum(c.recorded for c in self.calls),
            "missed": sum(not c.answered for c in self.calls),
            "problems": len(self.problems),
            "unknown": len(self.unknown),
        }

    def errors(self) -> list[FieldError]:
        """Every problem and unknown extension as field errors (the command line's words)."""
        out = [FieldError(p.column, p.text(), p.line) for p in self.problems]
        column = self.mapping.get("agent", "agent")
        for u in self.unknown:
            out.append(
                FieldError(
                    column,
                    f"unknown extension {u.key} ({u.calls} calls); add it to the office's "
                    "extension list (or mark it -)",
                    u.first_line,
                )
            )
        return sorted(out, key=lambda e: e.line or 0)


def _read(ctx: Ctx, data: bytes, profile: Profile) -> Table:
    try:
        return read_table(
            data,
            reader_columns(profile),
            max_bytes=ctx.settings.max_upload_bytes,
            header_within=HEADER_WITHIN,
            raise_row_problems=False,
        )
    except ValidationFailed as exc:
        errors = []
        for e in exc.errors:
            reason = next((r for key, r in _FILE_REASONS if key in e.reason), e.reason)
            if "required column is missing" in e.reason:
                reason = N_(
                    "no call-time column (来电时间) was found in the first rows; map it in the "
                    "import profile"
                )
            elif "has a header but no data rows" in e.reason:
                reason = N_("the file has a header but no calls")
            errors.append(FieldError("file", reason, e.line))
        raise ValidationFailed(errors) from None


def seconds(text: str) -> int:
    """Seconds written as 65, 65秒, 1:05 or 00:01:05."""
    value = text.strip().removesuffix("秒").removesuffix("s").strip()
    if value.isdigit():
        return int(value)
    m = _CLOCK_TIME.match(value)
    if not m:
        raise ValueError(value)
    h, mi, s = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
    if s >= 60 or (m.group(1) and mi >= 60):
        raise ValueError(value)
    return h * 3600 + mi * 60 + s


def source_key(call_id: str, at: datetime, caller: str, agent: str) -> str:
    """The phone system's call id, or a digest of the call's time, caller and extension."""
    if call_id and len(call_id) <= 61:
        return f"id:{call_id}"
    basis = f"{call_id}|{at.isoformat()}|{caller}|{agent}"
    return hashlib.sha256(basis.encode()).hexdigest()


class _Staff:
    """Who an extension or agent names: the extension list, then employee no., then name."""

    def __init__(self, ctx: Ctx, profile: Profile) -> None:
        self.by_no = by_employee_no(ctx.session, ctx.actor.office_id)
        names: dict[str, list[Staff]] = defaultdict(list)
        for s in self.by_no.values():
            names[s.name].append(s)
        self.by_name = {n: v[0] for n, v in names.items() if len(v) == 1}
        self.extensions = profile.enrolments

    def find(self, agent: str) -> tuple[bool, Staff | None]:
        """(known, staff): known False for an agent nobody matches."""
        emp = self.extensions.get(agent)
        if emp == SKIP:
            return True, None
        if emp is not None:
            return (emp in self.by_no), self.by_no.get(emp)
        person = self.by_no.get(agent) or self.by_name.get(agent)
        return person is not None, person


class _Units:
    """The caller's unit: the 房号 typed in the file, or the one unit with that phone."""

    def __init__(self, ctx: Ctx) -> None:
        rows = residents.list_units(ctx.session, ctx.actor.office_id)
        self.units = [UnitRead.model_validate(u) for u in rows]
        phones: dict[str, set[int]] = defaultdict(set)
        for r in residents.list_residents(ctx.session, ctx.actor.office_id):
            if r.phone:
                phones[r.phone].add(r.unit_id)
        self.by_phone = {p: next(iter(u)) for p, u in phones.items() if len(u) == 1}
        self.labels = {u.id: f"{u.building} {u.room}" for u in self.units}


def preview_calls_file(ctx: Ctx, data: bytes, profile: Profile | None = None) -> CallPreview:
    """Read and check everything an import would, without writing anything."""
    ctx.require(Permission.IMPORT_CALLS)
    profile = profile if profile is not None else load_profile(ctx)
    table = _read(ctx, data, profile)
    if "rings" not in table.headers and "ring_seconds" not in table.headers:
        raise ValidationFailed(FieldError("file", NO_RING_COLUMN, table.header_line))
    problems = [Problem(p.line or 0, "", EXTRA_CELLS, {}) for p in table.problems]
    staff, units = _Staff(ctx, profile), _Units(ctx)
    latest = ctx.now() + CLOCK_SKEW
    unknown: dict[str, list[int]] = defaultdict(list)
    calls: list[CallRow] = []
    for row in table.rows:
        call = _check_row(ctx, table, row, latest, problems, staff, units, unknown)
        if call is not None:
            calls.append(call)
    keyed: dict[str, CallRow] = {}
    for c in calls:
        keyed.setdefault(c.source_key, c)
    recorded = _recorded(ctx, list(keyed))
    rows = [CallRow(**{**c.__dict__, "recorded": c.source_key in recorded}) for c in keyed.values()]
    return CallPreview(
        sha256=table.sha256,
        header_line=table.header_line,
        title=table.title,
        file_columns=table.columns,
        mapping=dict(table.headers),
        calls=tuple(sorted(rows, key=lambda c: c.line)),
        problems=tuple(sorted(problems, key=lambda p: p.line)),
        unknown=tuple(
            UnknownAgent(k, len(lines), lines[0])
            for k, lines in sorted(unknown.items(), key=lambda kv: kv[1][0])
        ),
        repeats=len(calls) - len(keyed),
    )


def _check_row(
    ctx: Ctx,
    table: Table,
    row: Row,
    latest: datetime,
    problems: list[Problem],
    staff: _Staff,
    units: _Units,
    unknown: dict[str, list[int]],
) -> CallRow | None:
    v = row.values
    before = len(problems)

    def bad(key: str, message: str, **values: Any) -> None:
        problems.append(Problem(row.line, table.header(key), message, values))

    at: datetime | None = None
    if not v.get("called_at", "").strip():
        bad("called_at", EMPTY)
    else:
        try:
            at = _local_to_utc(v["called_at"].strip(), ctx.tz)
            if at > latest:
                bad("called_at", FUTURE)
        except ValueError:
            bad("called_at", BAD_TIME, value=v["called_at"])
    rings = _number(
        v.get("rings", ""), MAX_RINGS, lambda: bad("rings", BAD_COUNT, value=v["rings"])
    )
    ring_s = _secs(
        v.get("ring_seconds", ""),
        lambda: bad("ring_seconds", BAD_SECONDS, value=v["ring_seconds"]),
    )
    duration = _secs(
        v.get("duration_seconds", ""),
        lambda: bad("duration_seconds", BAD_SECONDS, value=v["duration_seconds"]),
    )
    agent = v.get("agent", "").strip()
    answered = _answered(
        v, duration, agent, lambda: bad("answered", BAD_ANSWERED, value=v["answered"])
    )
    if answered and rings is None and ring_s is None and len(problems) == before:
        bad("rings" if "rings" in table.headers else "ring_seconds", NO_RINGS)
    phone = v.get("caller_phone", "").strip()
    if len(phone) > 20:
        bad("caller_phone", LONG_PHONE)
    purpose = v.get("purpose", "").strip()
    if len(purpose) > 500:
        bad("purpose", LONG_PURPOSE)
    unit_id: int | None = None
    typed_unit = v.get("unit", "").strip()
    if typed_unit:
        found = matching(units.units, typed_unit)
        if len(found) != 1:
            bad("unit", NO_UNIT if not found else TWO_UNITS)
        else:
            unit_id = found[0].id
    elif phone:
        unit_id = units.by_phone.get(phone)
    person: Staff | None = None
    if agent:
        known, person = staff.find(agent)
        if not known:
            unknown[agent].append(row.line)
            return None
    if len(problems) > before or at is None:
        return None
    return CallRow(
        line=row.line,
        source_key=source_key(v.get("call_id", "").strip(), at, phone, agent),
        called_at=at,
        caller_phone=phone,
        answered=answered,
        rings=rings,
        answer_seconds=ring_s,
        duration_seconds=duration,
        agent=agent,
        staff_id=person.id if person else None,
        staff_name=person.name if person else "",
        unit_id=unit_id,
        unit_label=units.labels.get(unit_id, "") if unit_id else "",
        purpose=purpose,
    )


def _number(text: str, top: int, bad: Any) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > top:
        bad()
        return None
    return int(text)


def _secs(text: str, bad: Any) -> int | None:
    if not text.strip():
        return None
    try:
        value = seconds(text)
    except ValueError:
        bad()
        return None
    if value > MAX_SECONDS:
        bad()
        return None
    return value


def _answered(v: Mapping[str, str], duration: int | None, agent: str, bad: Any) -> bool:
    """是否接听 when the file has it; else answered when the call lasted or someone took it."""
    text = v.get("answered", "").strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    if text:
        bad()
        return False
    return bool(duration) or bool(agent and duration is None)


def _recorded(ctx: Ctx, keys: Iterable[str]) -> set[str]:
    out: set[str] = set()
    keys = list(keys)
    for i in range(0, len(keys), _CHUNK):
        out.update(
            ctx.session.execute(
                select(col(ServiceCall.source_key)).where(
                    col(ServiceCall.office_id) == ctx.actor.office_id,
                    col(ServiceCall.source_key).in_(keys[i : i + _CHUNK]),
                )
            ).scalars()
        )
    return out


@dataclass(frozen=True)
class CallImportResult:
    """What an import added and skipped, and its audit event."""

    imported: int
    recorded: int
    missed: int
    file_sha256: str
    audit_seq: int


@use_case
def import_calls_file(
    ctx: Ctx, data: bytes, filename: str = "", profile: Profile | None = None
) -> CallImportResult:
    """Import the file's new calls, all or nothing (front desk, manager or admin)."""
    preview = preview_calls_file(ctx, data, profile)
    if not preview.ok:
        raise ValidationFailed(preview.errors())
    now = ctx.now()
    new = preview.to_import()
    if new:
        ctx.session.execute(
            insert(ServiceCall),
            [
                {
                    "office_id": ctx.actor.office_id,
                    "called_at": c.called_at,
                    "direction": "in",
                    "answered": c.answered,
                    "rings": c.rings,
                    "answer_seconds": c.answer_seconds,
                    "duration_seconds": c.duration_seconds,
                    "answered_by_staff_id": c.staff_id,
                    "caller_phone": c.caller_phone,
                    "unit_id": c.unit_id,
                    "purpose": c.purpose,
                    "order_id": None,
                    "source": "import",
                    "source_key": c.source_key,
                    "created_at": now,
                    "created_by": ctx.actor.user_id,
                }
                for c in new
            ],
        )
    c = preview.counts
    missed = sum(not x.answered for x in new)
    payload = {
        "file_sha256": preview.sha256,
        "filename": filename,
        "rows": len(new),
        "already_recorded": c["recorded"],
        "missed": missed,
    }
    event = audit.record(ctx, "service_call.imported", "call_import", preview.sha256, payload)
    return CallImportResult(len(new), c["recorded"], missed, preview.sha256, event.seq)


def profile_from_json(text: str, employee_nos: set[str]) -> Profile:
    """A profile from a --profile file: {"columns": {...}, "extensions": {"8001": "E001"}}."""
    try:
        body = json.loads(text)
        columns, extensions = body.get("columns", {}), body.get("extensions", {})
        if not isinstance(columns, dict) or not isinstance(extensions, dict):
            raise ValueError
    except (ValueError, AttributeError):
        example = '{"columns": {"called_at": "呼入时间"}, "extensions": {"8001": "E001"}}'
        raise ValidationFailed.one("--profile", f"not a profile: JSON like {example}") from None
    lines = "\n".join(f"{k},{v}" for k, v in extensions.items())
    return Profile(_check_columns(columns), profiles.parse_enrolments(lines, employee_nos))
