"""What a case's notices are drafted from, read once: the parties, the confirmed facts with
their dates and places, the rule as the case applies it, the outcome, its money and
instalments, the appeal window and the legal citations the domain names.

Everything here is already in the office's zone and in Chinese words; drafting (draft.py) only
puts it into sentences.
"""

import json
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, select

from compliance.cases import repository as case_repo
from compliance.cases.deadlines import APPEAL_WINDOW_DAYS
from compliance.cases.guardrails import dismissal_gates
from compliance.cases.models import Case, Proposal
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.evidence import kinds, printing
from compliance.findings.models import Finding, FindingStatus
from compliance.money import format_fen
from compliance.offices.models import Office
from compliance.pay import plans
from compliance.pay import repository as pay_repo
from compliance.pay.models import Deduction, Instalment
from compliance.pay.schedule import preview
from compliance.policy_params import service as policy_params
from compliance.staff.models import Staff
from policies import registry
from policies.guardrails.cn import disciplinary_deduction_risk
from policies.sanction import OutcomeKind, outcome_label

# The deduction cap and floor, as the guardrails and payroll cite them.
WAGE_RULES = "《工资支付暂行规定》第十六条"
UNION_LAW = "《劳动合同法》第四十三条"
RULEBOOK_LAW = "《劳动合同法》第四条"
# Outcomes that take money from pay.
MONEY = frozenset(
    k.value for k in (OutcomeKind.COMPENSATION, OutcomeKind.RESTITUTION, OutcomeKind.WAGE_DEDUCTION)
)


def cn_day(value: date | datetime, tz: object = None) -> str:
    """A day as a Chinese document writes it: 2026年3月31日."""
    d = value if not isinstance(value, datetime) else local_date(value, tz)  # type: ignore[arg-type]
    return f"{d.year}年{d.month}月{d.day}日"


def cn_month(value: date) -> str:
    """A pay month: 2026年4月."""
    return f"{value.year}年{value.month}月"


def cn_time(value: datetime, tz: object) -> str:
    """A moment in the office's zone: 2026年3月31日 12:00."""
    local = value.astimezone(tz)  # type: ignore[arg-type]
    return f"{cn_day(local.date())} {local:%H:%M}"


@dataclass(frozen=True)
class Fact:
    """One confirmed finding: when, where, what."""

    at: str
    place: str
    text: str
    evidence: str  # the kinds of record it rests on, in words


@dataclass(frozen=True)
class Outcome:
    """One outcome of the decision, its amount in ¥ (empty for none)."""

    kind: str
    label: str
    amount_fen: int | None
    note: str


@dataclass(frozen=True)
class Month:
    """One month's instalment of the deductions."""

    month: str
    amount_fen: int


@dataclass(frozen=True)
class NoticeFacts:
    """A case as its notices state it."""

    office: str
    case_number: str
    staff_name: str
    employee_no: str
    team: str
    position: str
    facts: tuple[Fact, ...]
    statement: str
    rule_code: str
    article: int
    rule_title: str
    rule_text: str
    policy_version: str
    effective_from: str
    published_on: str
    severity_reason: str
    outcomes: tuple[Outcome, ...]
    deduct_fen: int
    months: tuple[Month, ...]
    pay_notes: tuple[str, ...]
    dismissal: bool
    served_on: str
    appeal_deadline: str
    appeal_days: int
    citations: tuple[str, ...]
    union_reasons: str
    today: str


def _places(ctx: Ctx, findings: list[Finding]) -> dict[int, tuple[str, str]]:
    """Per finding: where it happened (units or areas of its records) and the kinds cited."""
    refs: dict[str, set[int]] = {}
    for f in findings:
        for ref in json.loads(f.evidence):
            refs.setdefault(str(ref["kind"]), set()).add(int(ref["id"]))
    loaded = {}
    unit_ids: set[int] = set()
    for key, ids in refs.items():
        kind = kinds.get(key)
        if kind is None:
            continue
        rows = kind.load(ctx.session, ctx.actor.office_id, ids)
        loaded[key] = rows
        for row in rows.values():
            for rec in row if isinstance(row, tuple) else (row,):
                if getattr(rec, "unit_id", None):
                    unit_ids.add(rec.unit_id)
    units = printing.units(ctx.session, unit_ids)
    out: dict[int, tuple[str, str]] = {}
    for f in findings:
        where: list[str] = []
        what: list[str] = []
        for ref in json.loads(f.evidence):
            kind = kinds.get(str(ref["kind"]))
            row = loaded.get(str(ref["kind"]), {}).get(int(ref["id"]))
            if kind is None or row is None:
                continue
            for rec in row if isinstance(row, tuple) else (row,):
                unit = getattr(rec, "unit_id", None)
                place = units[unit][0] if unit in units else str(getattr(rec, "area", "") or "")
                if place and place not in where:
                    where.append(place)
            label = kind.label("zh")
            if label not in what:
                what.append(label)
        out[f.id or 0] = ("、".join(where), "、".join(what))
    return out


def _rule(ctx: Ctx, case: Case) -> tuple[int, str, str, str, str]:
    """Article, title, text, in force from, published: of the version the case applies."""
    versions = policy_params.timeline(ctx.session, case.office_id).get(case.rule_code, [])
    chosen = next((v for v in versions if v.version == case.policy_version), None)
    if chosen is None:
        chosen = policy_params.pick(versions, local_date(case.incident_at, ctx.tz))
    policy = chosen.policy if chosen is not None else registry.get(case.rule_code)
    eff = chosen.effective_from if chosen is not None else policy.effective_from
    pub = chosen.published_on(ctx.tz) if chosen is not None else policy.published_on
    return policy.article, policy.title_zh, policy.text_zh, cn_day(eff), cn_day(pub)


def _outcomes(proposal: Proposal | None) -> tuple[Outcome, ...]:
    if proposal is None:
        return ()
    out = []
    for o in json.loads(proposal.outcomes):
        kind = str(o.get("kind"))
        if kind in MONEY and not o.get("amount_fen"):
            continue  # nothing to hand over or pay (a tip already handed over): not imposed
        # A note HR typed is stored alike in both languages and is said to the staff member;
        # the sanction engine's notes differ by language and are for the approver only.
        zh, en = str(o.get("note_zh") or ""), str(o.get("note_en") or "")
        note = zh.rstrip("。") if zh and zh == en else ""
        out.append(Outcome(kind, outcome_label(kind, "zh"), o.get("amount_fen"), note))
    return tuple(out)


def _months(ctx: Ctx, case: Case, proposal: Proposal | None) -> tuple[Month, ...]:
    """The case's instalments by month: as scheduled once executed, else as planned today."""
    deductions = pay_repo.case_deductions(ctx.session, case.id or 0)
    by_month: dict[date, int] = {}
    if deductions:
        rows = ctx.session.exec(
            select(Instalment).where(col(Instalment.deduction_id).in_([d.id for d in deductions]))
        ).all()
        for row in rows:
            by_month[row.month] = by_month.get(row.month, 0) + row.amount_fen
    elif proposal is not None:
        from compliance.pay import service as pay

        money = pay.money_outcomes(proposal)
        if not money:
            return ()
        extra = plans._proposed(ctx, case, money, proposal.is_dismissal)
        leaves = local_date(ctx.now(), ctx.tz) if proposal.is_dismissal else None
        try:
            plan = preview(ctx, case.staff_id, extra, leaves_on=leaves)
        except ValidationFailed:  # no minimum wage recorded: the notes say so
            return ()
        ids = {o.id for o in extra}
        for op in plan.schedule.obligations:
            if op.obligation.id in ids:
                for planned in op.instalments:
                    by_month[planned.month] = by_month.get(planned.month, 0) + planned.amount_fen
    return tuple(Month(cn_month(m), fen) for m, fen in sorted(by_month.items()) if fen)


def _citations(ctx: Ctx, case: Case, proposal: Proposal | None) -> tuple[str, ...]:
    """The laws the proposal's risks and (for a dismissal) its gates cite, in order, once."""
    laws = [RULEBOOK_LAW]
    if proposal is not None:
        reasoning = json.loads(proposal.reasoning)
        laws += [str(r["law_zh"]) for r in reasoning.get("legal_risks", []) if r.get("law_zh")]
        if proposal.is_dismissal:
            laws += [g.law_zh for g in dismissal_gates(ctx.session, ctx.settings, case)]
    return merge_laws(laws)


_LAW = re.compile(r"(《[^》]+》)(.*)")
# A gloss in parentheses ("(用人单位对解除事由负举证责任)"), not an item number ("(二)").
_GLOSS = re.compile(r"\([^()]{4,}\)")


def merge_laws(texts: list[str]) -> tuple[str, ...]:
    """Citations grouped by law, each article once, in the order first cited:
    ('《劳动合同法》第四条、第三十九条', '《工资支付暂行规定》第十六条')."""
    by_law: dict[str, list[str]] = {}
    for text in texts:
        for part in text.split(";"):
            m = _LAW.match(part.strip())
            if m is None:
                continue
            articles = by_law.setdefault(m[1], [])
            for art in _GLOSS.sub("", m[2]).split("、"):
                if art.strip() and art.strip() not in articles:
                    articles.append(art.strip())
    return tuple(law + "、".join(arts) for law, arts in by_law.items())


def deduction_citations(outcomes: tuple[Outcome, ...]) -> tuple[str, ...]:
    """What the deduction notice cites: the cap and floor; for a disciplinary deduction, the
    grounds the guardrails name for it as well."""
    laws = [WAGE_RULES]
    if any(o.kind == OutcomeKind.WAGE_DEDUCTION.value for o in outcomes):
        laws.insert(0, disciplinary_deduction_risk().law_zh)
    return merge_laws(laws)


def gather(ctx: Ctx, case: Case) -> NoticeFacts:
    """Read the case once for its notices."""
    session, tz = ctx.session, ctx.tz
    cid = case.id or 0
    office = session.exec(select(Office).where(col(Office.id) == case.office_id)).one()
    staff = session.exec(select(Staff).where(col(Staff.id) == case.staff_id)).one()
    findings = [
        f for f in case_repo.findings_of(session, cid) if f.status == FindingStatus.CONFIRMED.value
    ]
    places = _places(ctx, findings)
    proposal = case_repo.latest_proposal(session, cid)
    statement = case_repo.statement_of(session, cid)
    union = case_repo.union_notice_of(session, cid)
    article, title, text, eff, pub = _rule(ctx, case)
    outcomes = _outcomes(proposal)
    deductions = session.exec(select(Deduction).where(col(Deduction.case_id) == cid)).all()
    deduct = sum(d.due_fen for d in deductions) or sum(
        o.amount_fen or 0 for o in outcomes if o.kind in MONEY
    )
    money = plans.case_pay(ctx, case, proposal)
    said = {
        "statement": "你已提交书面申辩",
        "refused": "你拒绝申辩",
        "silent": "你在申辩期限内未提交申辩",
    }
    return NoticeFacts(
        office=office.name,
        case_number=case.number,
        staff_name=staff.name,
        employee_no=staff.employee_no,
        team=staff.team,
        position=staff.position,
        facts=tuple(
            Fact(
                cn_time(f.occurred_at, tz),
                places.get(f.id or 0, ("", ""))[0],
                f.explanation_zh.rstrip("。"),
                places.get(f.id or 0, ("", ""))[1],
            )
            for f in sorted(findings, key=lambda f: f.occurred_at)
        ),
        statement=(
            f"{said.get(statement.kind, '你已提交申辩')}({cn_day(statement.recorded_at, tz)})"
            if statement
            else ""
        ),
        rule_code=case.rule_code,
        article=article,
        rule_title=title,
        rule_text=text,
        policy_version=case.policy_version,
        effective_from=eff,
        published_on=pub,
        severity_reason=case.severity_reason,
        outcomes=outcomes,
        deduct_fen=deduct,
        months=_months(ctx, case, proposal),
        pay_notes=tuple(money.notes_zh) if money else (),
        dismissal=bool(proposal and proposal.is_dismissal),
        served_on=cn_day(case.service_completed_at, tz) if case.service_completed_at else "",
        appeal_deadline=cn_day(case.appeal_deadline) if case.appeal_deadline else "",
        appeal_days=APPEAL_WINDOW_DAYS,
        citations=_citations(ctx, case, proposal),
        union_reasons=union.reasons if union else "",
        today=cn_day(ctx.now(), tz),
    )


def money_text(fen: int | None) -> str:
    """¥ with two decimals."""
    return format_fen(fen) if fen is not None else ""
