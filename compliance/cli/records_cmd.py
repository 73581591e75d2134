"""`compliance record KIND key=value ...` and `compliance import ...`.

Every record kind goes through its domain service, so the CLI validates exactly as the
web app will: bad fields are named and nothing is saved.
"""

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from compliance.cli.common import acting, console, kv_pairs, reports_errors
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.flows.judge import judge_saved
from compliance.flows.judgments import RecordKind
from compliance.money import parse_yuan

app = typer.Typer(
    help="Record what happened (feedback, tips, damages, visits, ...).", no_args_is_help=True
)
import_app = typer.Typer(
    help="Import staff rosters, punch-clock exports and phone-system call logs (CSV/XLSX).",
    no_args_is_help=True,
)
AsUser = Annotated[str, typer.Option("--as", help="The acting user's username.")]

# kind -> ("module:function", needs a record id). Functions take (ctx, body) or, for a step
# on an existing record, (ctx, id, body).
KINDS: dict[str, tuple[str, bool]] = {
    "feedback": ("compliance.feedback.service:record_feedback", False),
    "punch": ("compliance.attendance.service:record_punch", False),
    "shift": ("compliance.attendance.service:roster_shift", False),
    "visit": ("compliance.visits.service:create_visit", False),
    "visit-step": ("compliance.visits.service:record_step", True),
    "spot-check": ("compliance.flows.spot_checks:record_spot_check", False),
    "tip": ("compliance.tips.service:declare_tip", False),
    "tip-handover": ("compliance.cli.records_cmd:hand_over_tip", True),
    "tip-with-handover": ("compliance.tips.service:record_tip_with_handover", False),
    "damage": ("compliance.damages.service:record_damage", False),
    "damage-valuation": ("compliance.damages.service:set_valuation", True),
    "damage-sign-off": ("compliance.damages.service:record_sign_off", True),
    "damage-settlement": ("compliance.flows.settle_damage:settle", True),
    "overtime": ("compliance.overtime.service:request_overtime", False),
    "overtime-decision": ("compliance.overtime.service:decide_overtime", True),
    "staff": ("compliance.staff.service:create_staff", False),
    "wage": ("compliance.staff.service:set_wage", True),
    "rulebook-ack": ("compliance.staff.service:record_rulebook_ack", True),
    "unit": ("compliance.residents.service:create_unit", False),
    "resident": ("compliance.residents.service:create_resident", False),
}


# The kinds whose saving feeds rules: judged at once, and the command says what came of it.
JUDGED: dict[str, RecordKind] = {
    "feedback": RecordKind.FEEDBACK,
    "spot-check": RecordKind.SPOT_CHECK,
    "visit": RecordKind.VISIT,
    "visit-step": RecordKind.VISIT,
    "tip": RecordKind.TIP,
    "tip-handover": RecordKind.TIP,
    "tip-with-handover": RecordKind.TIP,
    "damage": RecordKind.DAMAGE,
    "damage-valuation": RecordKind.DAMAGE,
}
Lang = Annotated[str, typer.Option("--lang", help="zh (default) or en: the judgment's words")]


def hand_over_tip(ctx: Ctx, tip_id: int, body: dict[str, Any]) -> Any:
    """Adapter: the cashier records a declared tip handed over (countersigner, time)."""
    from compliance.tips.service import hand_over

    return hand_over(
        ctx,
        tip_id,
        body.get("countersigned_by"),  # type: ignore[arg-type]
        body.get("handed_over_at"),  # type: ignore[arg-type]
        body.get("feedback_id"),
    )


def money_fields(pairs: dict[str, Any]) -> dict[str, Any]:
    """Typed money values as integer fen, exactly (never through a float).

    `amount_fen=1250` is whole fen; `amount_fen=¥12.50` (with the ¥ sign) and
    `amount_yuan=12.50` are yuan and become `amount_fen=1250`. `amount_fen=12.50` is refused:
    without the ¥ sign a fraction in a fen field is a typing error, not a guess to make.
    """
    out: dict[str, Any] = {}
    for key, value in pairs.items():
        if key.endswith("_yuan"):
            target = key.removesuffix("_yuan") + "_fen"
            if target in pairs:
                raise ValidationFailed.one(key, f"give {key} or {target}, not both")
            out[target] = _yuan(key, value, "12.50")
        elif key.endswith("_fen") and value.isascii() and value.isdigit():
            out[key] = int(value)
        elif key.endswith("_fen") and value.strip().startswith("¥"):
            out[key] = _yuan(key, value, "¥12.50")
        elif key.endswith("_fen"):
            stem = key.removesuffix("_fen")
            raise ValidationFailed.one(
                key,
                f"{value!r} is not a whole number of fen; write {key}=1250, "
                f"{key}=¥12.50 or {stem}_yuan=12.50 for ¥12.50",
            )
        else:
            out[key] = value
    return out


def _yuan(key: str, value: str, example: str) -> int:
    try:
        return parse_yuan(value)
    except ValueError:
        raise ValidationFailed.one(
            key, f"not an amount in yuan with at most 2 decimals (e.g. {example}): {value!r}"
        ) from None


def _service(kind: str, record_id: int | None) -> Callable[[Ctx, dict[str, Any]], Any]:
    if kind not in KINDS:
        raise ValidationFailed.one("kind", f"unknown record kind {kind!r}; one of {sorted(KINDS)}")
    target, needs_id = KINDS[kind]
    module, _, name = target.partition(":")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
    if needs_id != (record_id is not None):
        raise ValidationFailed.one("--id", "required" if needs_id else f"{kind} takes no --id")
    if record_id is None:
        return fn
    return lambda ctx, body: fn(ctx, record_id, body)


@app.command("add")
@reports_errors
def add(
    kind: Annotated[str, typer.Argument(help="feedback, tip, handover, damage, visit, ...")],
    as_user: AsUser,
    fields: Annotated[list[str] | None, typer.Argument(help="key=value pairs")] = None,
    json_body: Annotated[str | None, typer.Option("--json", help="The record as JSON")] = None,
    record_id: Annotated[
        int | None, typer.Option("--id", help="The record a step applies to")
    ] = None,
    lang: Lang = "zh",
) -> None:
    """Record one thing through its service (times as ISO-8601 with a zone). Money: X_fen=1250
    (whole fen), X_fen=¥12.50 or X_yuan=12.50 (yuan, converted exactly). A record that feeds
    rules is judged at once and the outcome printed per rule."""
    if lang not in ("zh", "en"):
        raise ValidationFailed.one("--lang", "zh or en")
    try:
        body = json.loads(json_body) if json_body else {}
    except json.JSONDecodeError as exc:
        raise ValidationFailed.one("--json", f"not valid JSON: {exc}") from None
    body.update(money_fields(kv_pairs(fields or [])))
    fn = _service(kind, record_id)
    with acting(as_user) as ctx:
        result = fn(ctx, body)
        judged = judge_saved(ctx, JUDGED[kind], result.id) if kind in JUDGED else None
    console.print_json(result.model_dump_json())
    if judged is not None:
        console.print("判定结果:" if lang == "zh" else "Judgment:", markup=False)
        for line in judged.lines(lang):
            console.print(f"  • {line}", markup=False, soft_wrap=True)


@app.command("kinds")
def kinds() -> None:
    """The record kinds this command knows."""
    for k, (target, needs_id) in KINDS.items():
        console.print(f"{k:18} {'--id ' if needs_id else '     '}{target}")


def _import(fn: Callable[[Ctx, bytes, str], Any], path: Path, as_user: str) -> None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationFailed.one("file", f"cannot read {path}: {exc.strerror}") from None
    with acting(as_user) as ctx:
        result = fn(ctx, data, path.name)
    console.print(f"[green]imported[/green] {result.rows} rows from {path.name} ({result.kind})")


@import_app.command("staff")
@reports_errors
def import_staff(path: Path, as_user: AsUser) -> None:
    """Import a staff roster; a file with any bad row imports nothing."""
    from compliance.imports.staff_roster import import_staff_roster

    _import(import_staff_roster, path, as_user)


ACCEPTED_COLUMNS = """Accepted columns (CSV in UTF-8, UTF-8-BOM or GBK, or XLSX):

\b
  登记号码          clock enrolment no., mapped to 工号 by the enrolment list
  工号              employee no. (instead of 登记号码)
  日期时间/打卡时间  office time, 2026-03-02 08:01[:00] (required)
  打卡类型          上班/下班 (optional; else in/out inferred per duty)
  姓名              name (optional)
  机器号/设备       the clock (optional)
\b
A title row above the header is skipped; 部门, 编号, 比对方式, 卡号 are
ignored. Other headers are mapped once in the office's import profile
(web: /attendance/import/profile) or given with --profile FILE.json."""


def _profile_option(ctx: Ctx, path: Path | None) -> Any:
    from compliance.imports.profiles import profile_from_json
    from compliance.staff.repository import by_employee_no

    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed.one("--profile", f"cannot read {path}: {exc}") from None
    return profile_from_json(text, set(by_employee_no(ctx.session, ctx.actor.office_id)))


@import_app.command("attendance", epilog=ACCEPTED_COLUMNS)
@reports_errors
def import_attendance(
    path: Path,
    as_user: AsUser,
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile",
            help='A profile JSON file instead of the office\'s saved one: {"columns": '
            '{"punched_at": "刷卡时间"}, "enrolments": {"8": "E001", "99": "-"}}',
        ),
    ] = None,
    preview: Annotated[
        bool, typer.Option("--preview", help="Check the file and show what would happen only.")
    ] = False,
    save_profile: Annotated[
        bool, typer.Option("--save-profile", help="Save --profile as the office's profile.")
    ] = False,
) -> None:
    """Import a punch-clock export through the office's import profile; a file with any bad
    row or unknown person imports nothing, and punches already recorded are skipped."""
    from compliance.imports import clock, profiles

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationFailed.one("file", f"cannot read {path}: {exc.strerror}") from None
    with acting(as_user) as ctx:
        given = _profile_option(ctx, profile)
        if save_profile:
            if given is None:
                raise ValidationFailed.one("--save-profile", "needs --profile FILE.json")
            profiles.save_profile(ctx, given.columns, given.enrolments_text())
        if preview:
            _print_preview(clock.preview_clock_file(ctx, data, given))
            return
        result = clock.import_clock_file(ctx, data, path.name, given)
    console.print(
        f"[green]imported[/green] {result.imported} punches from {path.name}; "
        f"{result.recorded} already recorded (skipped), {result.single} single punches "
        f"(flagged), {result.between} between a duty's first and last (not imported), "
        f"{result.skipped_people} rows of people marked - in the enrolment list"
    )


def _print_preview(p: Any) -> None:
    how = "登记号码 via the enrolment list" if p.by_enrolment else "工号"
    console.print(f"header on line {p.header_line}; staff by {how}; " + (
        "in/out inferred per duty" if p.inferred else "in/out from the file"
    ), markup=False)  # fmt: skip
    console.print(", ".join(f"{k} {v}" for k, v in p.counts.items()), markup=False)
    for e in p.errors():
        console.print(f"  • {e}", markup=False)


CALL_COLUMNS = """Accepted columns (CSV in UTF-8, UTF-8-BOM or GBK, or XLSX):

\b
  来电时间            office time, 2026-03-02 08:01[:00] (required)
  振铃次数            rings before answering, or
  振铃时长(秒)/应答时长 seconds before answering (one of the two is needed)
  通话时长            seconds, or 00:01:35
  接听坐席/分机        the extension, mapped to 工号 by the extension list,
                      or an employee no. or a staff member's name
  是否接听            是/否 (else: answered when the call lasted)
  通话ID/流水号       the phone system's id (a re-import skips it)
  主叫号码, 房号, 来电事由 (optional)
\b
The extension list and other headers are kept in the office's call
import profile (web: /service/calls/import) or given with --profile
FILE.json: {"columns": {"called_at": "呼入时间"}, "extensions": {"8001": "E001"}}."""


@import_app.command("calls", epilog=CALL_COLUMNS)
@reports_errors
def import_calls(
    path: Path,
    as_user: AsUser,
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile",
            help='A profile JSON file instead of the office\'s saved one: {"columns": '
            '{"called_at": "呼入时间"}, "extensions": {"8001": "E001", "8009": "-"}}',
        ),
    ] = None,
    preview: Annotated[
        bool, typer.Option("--preview", help="Check the file and show what would happen only.")
    ] = False,
) -> None:
    """Import a phone system's call log (the front desk's calls); a file with any bad row or
    unknown extension imports nothing, and calls already recorded are skipped."""
    from compliance.imports import calls

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationFailed.one("file", f"cannot read {path}: {exc.strerror}") from None
    with acting(as_user) as ctx:
        given = _call_profile(ctx, profile)
        if preview:
            p = calls.preview_calls_file(ctx, data, given)
            console.print(f"header on line {p.header_line}", markup=False)
            console.print(", ".join(f"{k} {v}" for k, v in p.counts.items()), markup=False)
            for e in p.errors():
                console.print(f"  • {e}", markup=False)
            return
        result = calls.import_calls_file(ctx, data, path.name, given)
    console.print(
        f"[green]imported[/green] {result.imported} calls from {path.name} "
        f"({result.missed} not answered); {result.recorded} already recorded (skipped)"
    )


def _call_profile(ctx: Ctx, path: Path | None) -> Any:
    from compliance.imports.calls import profile_from_json
    from compliance.staff.repository import by_employee_no

    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed.one("--profile", f"cannot read {path}: {exc}") from None
    return profile_from_json(text, set(by_employee_no(ctx.session, ctx.actor.office_id)))
