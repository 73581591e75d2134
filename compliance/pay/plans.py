"""A case's money in words: what is owed, what pay can take, and what it cannot.

Read-only. Before execution it previews the plan the proposal's money outcomes would get
(compensation only for what each damage still owes); after, it reads the case's deductions.
The case page, the approval screen, the dossier and closing use the same account.
"""

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session, col, select

from compliance.actors import Actor, Role
from compliance.cases import repository as cases_repo
from compliance.cases.models import Case, Proposal
from compliance.clock import FixedClock, local_date
from compliance.config import Settings
from compliance.context import Ctx
from compliance.damages.models import DamageSettlement, SettlementKind
from compliance.errors import ValidationFailed
from compliance.money import format_fen
from compliance.names import name
from compliance.pay import repository as repo
from compliance.pay import service as pay
from compliance.pay.schedule import Plan, preview
from compliance.staff import repository as staff_repo
from policies.guardrails import Obligation
from policies.sanction import OUTCOME_LABELS_ZH, OutcomeKind

# Outcomes that end the employment: pay stops after that month.
ENDS = frozenset({OutcomeKind.DISMISSAL.value, OutcomeKind.TERMINATION_WITH_NOTICE.value})
# Notes that mean money the rulebook asks for will not (all, or not soon) come from pay.
ACK_NOTES = ("nothing_taken", "long", "unrecovered", "unscheduled")

# A settlement's kind on a pay line: by its name (compliance.names), but a direct payment says
# who paid whom.
_PAID_DIRECTLY = {"zh": "员工直接赔付住户", "en": "paid to the resident by the staff member"}


def _settled_as(kind: str, lang: str) -> str:
    if kind == SettlementKind.PAID_DIRECTLY.value:
        return _PAID_DIRECTLY[lang]
    word = name("settlement", kind, lang)
    return word.lower() if lang == "en" else word


class CasePay(BaseModel):
    """A case's money: the arithmetic, what cannot be taken, and whether closing needs an
    acknowledgement of it."""

    executed: bool
    owed_fen: int
    lines_zh: list[str]
    lines_en: list[str]
    notes_zh: list[str]
    notes_en: list[str]
    note_keys: list[str]
    unrecovered_fen: int
    last_pay_month: date | None

    @property
    def needs_ack(self) -> bool:
        """Money cannot be taken (now, within a year, or at all): closing must acknowledge it."""
        return any(k in ACK_NOTES for k in self.note_keys)


def _settled_by_kind(session: Session, damage_id: int) -> dict[str, int]:
    out: dict[str, int] = {}
    rows = session.exec(
        select(DamageSettlement.kind, DamageSettlement.amount_fen).where(
            col(DamageSettlement.damage_id) == damage_id
        )
    )
    for kind, fen in rows:
        out[kind] = out.get(kind, 0) + fen
    return out


def _damage_lines(ctx: Ctx, case: Case, executed: bool) -> tuple[list[str], list[str]]:
    zh: list[str] = []
    en: list[str] = []
    for d in pay.case_damages(ctx.session, case):
        assessed = d.assessed_value_fen
        if assessed is None:
            continue
        kinds = _settled_by_kind(ctx.session, d.id or 0)
        others = [
            x
            for x in repo.damage_deductions(ctx.session, d.id or 0)
            if not executed or x.case_id != case.id
        ]
        planned = sum(x.due_fen for x in others)
        parts_zh = [f"{_settled_as(k, 'zh')} {format_fen(v)}" for k, v in sorted(kinds.items())]
        parts_en = [f"{_settled_as(k, 'en')} {format_fen(v)}" for k, v in sorted(kinds.items())]
        owed = max(assessed - d.settled_fen - planned, 0)
        text_zh = f"损坏事件 #{d.id}「{d.item}」:评估价 {format_fen(assessed)}"
        text_en = f"Damage #{d.id} ({d.item}): assessed {format_fen(assessed)}"
        text_zh += f" − 已另行结清 {format_fen(d.settled_fen)}"
        text_en += f" − settled outside the payroll {format_fen(d.settled_fen)}"
        if parts_zh:
            text_zh += "(" + "、".join(parts_zh) + ")"
            text_en += " (" + ", ".join(parts_en) + ")"
        if planned:
            text_zh += f" − 其他案件已计划扣回 {format_fen(planned)}"
            text_en += f" − already planned by another case {format_fen(planned)}"
        text_zh += f" = 可从工资扣回 {format_fen(owed)}"
        text_en += f" = {format_fen(owed)} may be recovered from pay"
        if owed == 0:
            text_zh += ",不从工资扣款(不重复追偿)"
            text_en += ": nothing is deducted from pay (no double recovery)"
        zh.append(text_zh + "。")
        en.append(text_en + ".")
    return zh, en


def _proposed(
    ctx: Ctx, case: Case, money: list[tuple[OutcomeKind, int, bool]], ends: bool
) -> list[Obligation]:
    """The obligations executing these outcomes now would create (negative ids: not stored)."""
    staff = staff_repo.get_in_office(ctx.session, case.office_id, case.staff_id)
    start = pay.first_deduction_month(ctx, staff, leaves_now=ends)
    out: list[Obligation] = []
    for kind, fen, _ in money:
        parts: list[tuple[int | None, int]] = [(None, fen)]
        if kind == OutcomeKind.COMPENSATION:
            parts, _ = pay.compensation_parts(ctx.session, case, fen)
        for _, part in parts:
            out.append(
                Obligation(
                    id=-(len(out) + 1),
                    amount_fen=part,
                    start_month=start,
                    label=f"{case.number} {OUTCOME_LABELS_ZH[kind]}",
                )
            )
    return out


def case_pay(ctx: Ctx, case: Case, proposal: Proposal | None) -> CasePay | None:
    """The case's money account and plan in words; None when the case takes no money."""
    if proposal is None:
        return _account(ctx, case, [], ends=False)
    return _account(ctx, case, pay.money_outcomes(proposal), ends=proposal.is_dismissal)


def proposal_notes(ctx: Ctx, case: Case, outcomes: list[Any]) -> dict[str, Any]:
    """What a new proposal says about its money in words (stored with it): the account and
    what pay cannot take, as planned if it were executed today. Empty without money."""
    items = pay.money_items(outcomes)
    if not items:  # most proposals: no query at all
        return {}
    ends = any(isinstance(o, dict) and o.get("kind") in ENDS for o in outcomes)
    money = _account(ctx, case, items, ends=ends)
    if money is None:
        return {}
    return {
        "pay_notes_zh": [*money.lines_zh, *money.notes_zh],
        "pay_notes_en": [*money.lines_en, *money.notes_en],
    }


def _account(
    ctx: Ctx, case: Case, money: list[tuple[OutcomeKind, int, bool]], ends: bool
) -> CasePay | None:
    deductions = repo.case_deductions(ctx.session, case.id or 0)
    executed = bool(deductions)
    extra: list[Obligation] = []
    if not executed:
        if not money:
            return None
        extra = _proposed(ctx, case, money, ends)
    lines_zh, lines_en = _damage_lines(ctx, case, executed)
    ids = [d.id or 0 for d in deductions] if executed else [o.id for o in extra]
    owed = sum(d.due_fen for d in deductions) if executed else sum(o.amount_fen for o in extra)
    try:
        # A dismissal not yet executed ends the employment this month when it is.
        leaves = local_date(ctx.now(), ctx.tz) if ends and not executed else None
        plan: Plan | None = preview(ctx, case.staff_id, extra, leaves_on=leaves)
    except ValidationFailed as exc:  # no minimum wage recorded: say so instead of a plan
        plan = None
        lines_zh.append(f"无法计算扣款计划:{exc}")
        lines_en.append(f"The deduction plan cannot be computed: {exc}")
    notes = plan.notes(ids) if plan is not None and owed else ()
    left = (
        sum(o.remaining_fen for o in plan.schedule.obligations if o.obligation.id in ids)
        if plan is not None
        else owed
    )
    last = plan.last_pay_month if plan is not None else None
    return CasePay(
        executed=executed,
        owed_fen=owed,
        lines_zh=lines_zh,
        lines_en=lines_en,
        notes_zh=[n.text_zh for n in notes],
        notes_en=[n.text_en for n in notes],
        note_keys=[n.key for n in notes],
        unrecovered_fen=left if last is not None else 0,
        last_pay_month=None if last == date.min else last,
    )


def case_money(ctx: Ctx, case_id: int) -> CasePay | None:
    """`case_pay` of a case of the actor's office, by id, with its latest proposal."""
    case = repo.get_case(ctx.session, ctx.actor.office_id, case_id)
    return case_pay(ctx, case, cases_repo.latest_proposal(ctx.session, case_id))


def case_pay_on(
    session: Session, settings: Settings, case: Case, proposal: Proposal | None, today: date
) -> CasePay | None:
    """`case_pay` as of a day (noon, office time), for a document printed from the records."""
    at = datetime.combine(today, time(12), ZoneInfo(settings.timezone)).astimezone(UTC)
    reader = Actor.system("document", case.office_id, Role.HR)
    return case_pay(Ctx(session, reader, FixedClock(at), settings), case, proposal)
