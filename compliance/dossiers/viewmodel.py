"""Build a dossier's frozen view model (compliance.dossiers.views) for one case.

The case, its rules, proposals, deductions, parties and audit events, with explicit queries
(one per kind of row); the evidence timeline comes from compliance.dossiers.evidence.
"""

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from compliance import i18n
from compliance.accounts.models import User
from compliance.audit.models import AuditEvent
from compliance.cases import repository as case_repo
from compliance.cases.guardrails import dismissal_gates, wrongful_dismissal_cost
from compliance.cases.lifecycle import Action
from compliance.cases.models import Case
from compliance.clock import local_date
from compliance.config import Settings
from compliance.dossiers import codes
from compliance.dossiers.evidence import timeline
from compliance.dossiers.formatting import Fmt, mask_text
from compliance.dossiers.views import (
    AppealView,
    ApprovalView,
    AuditView,
    CaseContent,
    DeductionView,
    DossierView,
    Field,
    FindingView,
    GateView,
    InstalmentView,
    NoticeDocView,
    NoticeView,
    OutcomeView,
    PartyText,
    ProposalView,
    RiskView,
    RuleView,
    SignatureView,
    StepView,
    UnionView,
)
from compliance.notices import service as notices
from compliance.offices.models import Office
from compliance.pay.models import Deduction, Instalment
from compliance.pay.plans import case_pay_on
from compliance.policy_params import service as policy_params
from compliance.staff.models import Staff

# --- the case -----------------------------------------------------------------------------


def _users(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(ids))).all()
    return {uid or 0: name for uid, name in rows}


def _rules(session: Session, case: Case, cited: list[str], fmt: Fmt) -> tuple[RuleView, ...]:
    day = local_date(case.incident_at, fmt.tz)
    timeline = policy_params.timeline(session, case.office_id)
    out = []
    for code in cited:
        eff = policy_params.pick(timeline[code], day)
        if code == case.rule_code:
            # The version the case was judged under, with its own dates: never another
            # version's dates beside this one's number.
            eff = next((v for v in timeline[code] if v.version == case.policy_version), eff)
        if eff is None:
            continue
        p = eff.policy
        out.append(
            RuleView(
                code=p.code,
                article=p.article,
                title=fmt.pick(p.title_zh, p.title_en),
                text=fmt.pick(p.text_zh, p.text_en),
                version=case.policy_version if code == case.rule_code else eff.version,
                effective_from=eff.effective_from.isoformat(),
                published_on=eff.published_on(fmt.tz).isoformat(),  # the version's
                params_digest=case.params_digest if code == case.rule_code else eff.digest,
            )
        )
    return tuple(out)


def _proposal_views(
    proposals: Sequence[Any],
    fmt: Fmt,
    users: dict[int, str],
    versions: dict[str, tuple[str, str]],
) -> tuple[ProposalView, ...]:
    out = []
    for i, p in enumerate(proposals):
        outcomes = json.loads(p.outcomes)
        reasoning = json.loads(p.reasoning)
        out.append(
            ProposalView(
                revision=p.revision,
                current=i == len(proposals) - 1,
                created=fmt.dt(p.created_at),
                created_by=users.get(p.created_by or 0, "—"),
                outcomes=tuple(
                    OutcomeView(
                        label=fmt.outcome(str(o["kind"])),
                        amount=fmt.money(o.get("amount_fen")),
                        legal_risk=bool(o.get("legal_risk")),
                        note=str(o.get("note_zh" if fmt.lang == "zh" else "note_en") or ""),
                    )
                    for o in outcomes
                ),
                explanation=tuple(
                    codes.rule_basis(codes.amend_reason(str(x), fmt.lang), fmt.lang, versions)
                    for x in reasoning.get(f"explanation_{fmt.lang}", [])
                ),
                risks=tuple(
                    RiskView(
                        text=str(r[f"text_{fmt.lang}"]),
                        law=str(r[f"law_{fmt.lang}"]),
                        needs_justification=bool(r.get("requires_justification")),
                    )
                    for r in reasoning.get("legal_risks", [])
                ),
                amend_reason=codes.amend_reason(p.amend_reason, fmt.lang),
            )
        )
    return tuple(out)


def _deductions(session: Session, case_id: int, fmt: Fmt) -> tuple[DeductionView, ...]:
    rows = session.exec(
        select(Deduction).where(col(Deduction.case_id) == case_id).order_by(col(Deduction.id))
    ).all()
    if not rows:
        return ()
    ids = [d.id for d in rows]
    inst = session.exec(
        select(Instalment)
        .where(col(Instalment.deduction_id).in_(ids))
        .order_by(col(Instalment.month), col(Instalment.id))
    ).all()
    out = []
    for d in rows:
        mine = [i for i in inst if i.deduction_id == d.id]
        left = d.due_fen - sum(i.amount_fen for i in mine)
        out.append(
            DeductionView(
                kind=codes.deduction_kind(d.kind, fmt.lang),
                amount=fmt.money(d.amount_fen),
                start_month=d.start_month.strftime("%Y-%m"),
                reason=d.reason,
                legal_risk=d.legal_risk,
                instalments=tuple(
                    InstalmentView(
                        i.month.strftime("%Y-%m"), fmt.money(i.amount_fen), i.status == "taken"
                    )
                    for i in mine
                ),
                unscheduled=fmt.money(max(left, 0)),
            )
        )
    return tuple(out)


def _pay_notes(
    session: Session, settings: Settings, case: Case, latest: Any, lang: str, today: date
) -> tuple[str, ...]:
    """The case's money in words: the account, and what pay cannot take (with figures)."""
    money = case_pay_on(session, settings, case, latest, today)
    if money is None:
        return ()
    if lang == "zh":
        return (*money.lines_zh, *money.notes_zh)
    return (*money.lines_en, *money.notes_en)


def _audit(
    session: Session, case_id: int, fmt: Fmt, users: dict[int, str]
) -> tuple[AuditView, ...]:
    rows = session.exec(
        select(AuditEvent)
        .where(col(AuditEvent.entity) == "case", col(AuditEvent.entity_id) == str(case_id))
        .order_by(col(AuditEvent.seq))
    ).all()
    return tuple(
        AuditView(
            e.seq,
            fmt.dt(e.at),
            users.get(e.actor_id or 0, fmt.code(codes.CAPACITY, e.actor_role)),
            codes.audit_action(e.action, fmt.lang),
            e.hash,
            e.prev_hash,
        )
        for e in rows
    )


def _final_at(steps: Sequence[Any]) -> datetime | None:
    """When the decision became final (生效): its finalize step."""
    return next((s.at for s in reversed(steps) if s.action == Action.FINALIZE.value), None)


def _notice_docs(
    session: Session, case_id: int, fmt: Fmt, users: dict[int, str]
) -> tuple[NoticeDocView, ...]:
    rows = notices.printed(session, case_id)
    names = users | _users(session, {r.created_by for r in rows if r.created_by} - set(users))
    return tuple(
        NoticeDocView(
            title=i18n.gettext(fmt.lang, notices.NAMES[notices.DocKind(r.kind)]),
            version=r.version,
            event=i18n.gettext(fmt.lang, notices.EVENTS[r.event]),
            at=fmt.dt(r.created_at),
            by=names.get(r.created_by or 0, "—"),
            sha256=r.sha256 or "",
        )
        for r in rows
    )


def _signatures(
    fmt: Fmt, staff_name: str, approvals: Sequence[Any], appeal: Any, users: dict[int, str]
) -> tuple[SignatureView, ...]:
    """The staff member, every approver whose approval stands, and the appeal's decider."""
    out = [SignatureView(fmt.L["sign_staff"], staff_name)]
    for a in approvals:
        if a.lapsed_at is None:
            role = fmt.L["sign_approver"].format(capacity=fmt.code(codes.CAPACITY, a.capacity))
            out.append(SignatureView(role, users.get(a.approver_id, "—")))
    if appeal is not None and appeal.decided_by is not None:
        out.append(SignatureView(fmt.L["sign_appeal"], users.get(appeal.decided_by, "—")))
    return tuple(out)


def build_content(
    session: Session, settings: Settings, case: Case, lang: str, today: date
) -> CaseContent:
    """Read everything about the case (explicit queries) and freeze it for printing."""
    fmt = Fmt(lang, ZoneInfo(settings.timezone))
    L = fmt.L
    cid = case.id or 0
    office = session.exec(select(Office).where(col(Office.id) == case.office_id)).one()
    staff = session.exec(select(Staff).where(col(Staff.id) == case.staff_id)).one()
    findings = case_repo.findings_of(session, cid)
    proposals = case_repo.proposals(session, cid)
    approvals = case_repo.approvals(session, cid)
    notices = case_repo.notices(session, cid)
    union = case_repo.union_notice_of(session, cid)
    appeal = case_repo.appeal_of(session, cid)
    statement = case_repo.statement_of(session, cid)
    steps = case_repo.steps(session, cid)
    notes = case_repo.annotations(session, cid)
    audit_actor_ids = set(
        session.exec(
            select(AuditEvent.actor_id).where(
                col(AuditEvent.entity) == "case", col(AuditEvent.entity_id) == str(cid)
            )
        ).all()
    )
    user_ids = {
        *(p.created_by for p in proposals),
        *(a.approver_id for a in approvals),
        *(n.served_by for n in notices),
        *(s.actor_id for s in steps),
        *(a.by for a in notes),
        *audit_actor_ids,
        statement.recorded_by if statement else None,
        union.notified_by if union else None,
        appeal.filed_by if appeal else None,
        appeal.decided_by if appeal else None,
    }
    users = _users(session, {u for u in user_ids if u is not None})

    def name(uid: int | None) -> str:
        return users.get(uid or 0, "—")

    cited = list(dict.fromkeys([case.rule_code, *(f.rule_code for f in findings)]))
    rules = _rules(session, case, cited, fmt)
    versions = {r.code: (r.version, r.effective_from) for r in rules}
    latest = proposals[-1] if proposals else None
    gates: tuple[GateView, ...] = ()
    cost: tuple[str, ...] = ()
    if latest is not None and latest.is_dismissal:
        gates = tuple(
            GateView(
                g.passed, g.blocking, fmt.pick(g.text_zh, g.text_en), fmt.pick(g.law_zh, g.law_en)
            )
            for g in dismissal_gates(session, settings, case)
        )
        c = wrongful_dismissal_cost(session, settings, case, today)
        if c is not None:
            cost = (
                fmt.money(c.amount_fen),
                *(c.explanation_zh if lang == "zh" else c.explanation_en),
            )
    return CaseContent(
        lang=lang,
        office_name=office.name,
        office_code=office.code,
        case_number=case.number,
        staff_name=staff.name,
        staff_fields=(
            Field(L["employee_no"], staff.employee_no),
            Field(L["team"], staff.team),
            Field(L["position"], staff.position),
            Field(L["hire_date"], staff.hire_date.isoformat()),
            Field(
                L["rulebook_ack"],
                fmt.dt(staff.rulebook_ack_at) if staff.rulebook_ack_at else L["not_on_record"],
            ),
        ),
        status=fmt.code(codes.STATUS, case.status),
        severity=fmt.code(codes.SEVERITY, case.severity),
        severity_reason=case.severity_reason,
        rule_codes=", ".join(cited),
        dates=tuple(
            Field(L[k], v)
            for k, v in (
                ("incident", fmt.dt(case.incident_at)),
                ("opened", fmt.dt(case.opened_at)),
                ("statement_due", fmt.day(case.statement_due)),
                ("notified", fmt.dt(case.notified_at)),
                ("service", fmt.dt(case.service_completed_at)),
                ("appeal_deadline", fmt.day(case.appeal_deadline)),
                ("effective_decision", fmt.dt(_final_at(steps) or case.effective_at)),
                *(
                    (("employment_ended", fmt.dt(case.effective_at)),)
                    if case.effective_at is not None and latest is not None and latest.is_dismissal
                    else ()
                ),
                ("closed", fmt.dt(case.closed_at)),
            )
        ),
        rules=rules,
        timeline=timeline(session, settings, fmt, findings),
        statement_kind=fmt.code(codes.STATEMENT_KIND, statement.kind) if statement else "",
        statement=PartyText(
            statement.text, fmt.dt(statement.recorded_at), name(statement.recorded_by)
        )
        if statement
        else None,
        findings=tuple(
            FindingView(
                id=f.id or 0,
                rule=f"{f.rule_code} {L['policy_version']} {f.policy_version}",
                occurred=fmt.dt(f.occurred_at),
                source=fmt.code(codes.FINDING_SOURCE, f.source),
                status=fmt.code(codes.FINDING_STATUS, f.status),
                explanation=mask_text(fmt.pick(f.explanation_zh, f.explanation_en)),
                suggested_severity=fmt.code(codes.SEVERITY, f.suggested_severity),
                triage_reason=f.triage_reason,
            )
            for f in findings
        ),
        proposals=_proposal_views(proposals, fmt, users, versions),
        deductions=_deductions(session, cid, fmt),
        pay_notes=_pay_notes(session, settings, case, latest, lang, today),
        approvals=tuple(
            ApprovalView(
                name(a.approver_id),
                fmt.code(codes.CAPACITY, a.capacity),
                fmt.dt(a.approved_at),
                a.justification,
                f"{L['lapsed']} {fmt.dt(a.lapsed_at)}" if a.lapsed_at else L["valid"],
            )
            for a in approvals
        ),
        notices=tuple(
            NoticeView(
                fmt.code(codes.NOTICE_KIND, n.kind),
                n.content,
                fmt.money(n.amount_fen),
                fmt.dt(n.served_at),
                name(n.served_by),
                f"{fmt.code(codes.ACK, n.ack_kind)} {fmt.dt(n.acknowledged_at)}"
                + (f"({L['witnesses']}:{n.witnesses})" if n.witnesses else "")
                if n.ack_kind
                else L["ack_none"],
            )
            for n in notices
        ),
        union_required=bool(latest is not None and latest.is_dismissal),
        union=UnionView(
            PartyText(union.reasons, fmt.dt(union.notified_at), name(union.notified_by)),
            PartyText(union.reply, fmt.dt(union.reply_at), "") if union.reply_at else None,
        )
        if union
        else None,
        appeal=AppealView(
            PartyText(appeal.grounds, fmt.dt(appeal.filed_at), name(appeal.filed_by)),
            fmt.code(codes.APPEAL_OUTCOME, appeal.outcome) if appeal.outcome else "",
            PartyText(appeal.reasoning, fmt.dt(appeal.decided_at), name(appeal.decided_by))
            if appeal.decided_at
            else None,
        )
        if appeal
        else None,
        gates=gates,
        wrongful_cost=cost,
        steps=tuple(
            StepView(
                fmt.dt(s.at),
                codes.action(s.action, lang),
                f"{fmt.code(codes.STATUS, s.from_status) if s.from_status else '—'} → "
                f"{fmt.code(codes.STATUS, s.to_status)}",
                mask_text(codes.step_note(s.action, s.note, lang)),
                name(s.actor_id),
            )
            for s in steps
        ),
        annotations=tuple(PartyText(a.text, fmt.dt(a.at), name(a.by)) for a in notes),
        audit=_audit(session, cid, fmt, users),
        notice_docs=_notice_docs(session, cid, fmt, users),
        signatures=_signatures(fmt, staff.name, approvals, appeal, users),
    )


def qr_data_url(url: str) -> str:
    """A QR code of the verification address as a PNG data: URL (printed with crisp edges).

    A one-bit PNG costs the PDF renderer far less than the same code as an SVG path.
    """
    import segno

    qr = segno.make(url, error="m")
    out: str = qr.png_data_uri(scale=6, border=2)
    return out


def issue_view(
    content: CaseContent,
    *,
    dossier_number: str,
    issued_at: datetime,
    issued_by: str,
    base_url: str,
    chain_seq: int,
    chain_hash: str,
    tz: ZoneInfo,
) -> DossierView:
    """Add the issuance details (number, time, QR code, chain head) to the content."""
    verify_url = f"{base_url.rstrip('/')}/dossiers/verify?number={dossier_number}"
    return DossierView(
        content=content,
        dossier_number=dossier_number,
        issued_at=issued_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
        issued_by=issued_by,
        verify_url=verify_url,
        qr_data_url=qr_data_url(verify_url),
        fingerprint=content.digest(),
        chain_seq=chain_seq,
        chain_hash=chain_hash,
    )
