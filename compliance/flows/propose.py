"""Proposing the outcomes of a case from the sanction engine (HR), one case or a backlog.

A proposal says in words what pay can and cannot take of its money, so proposing spans
cases and pay and lives here. `propose_many` makes the same facts and the same engine call
as `propose`, gathered set-based: a fixed
handful of queries whatever the number of cases, bulk inserts, one conditional update per
case sent as one executemany, one audit event for the batch and one commit. Either every
case moves or none does.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel, col, select

from compliance.audit import service as audit
from compliance.cases import lifecycle, transition
from compliance.cases import repository as repo
from compliance.cases.decision import proposal_fields, propose_note, store_proposal
from compliance.cases.lifecycle import Action
from compliance.cases.models import Case, CaseFinding, CaseStatus, Proposal, Statement
from compliance.cases.proposal_facts import EngineInput, chunks, gather, gather_many
from compliance.cases.repository import CONFLICT
from compliance.cases.schemas import CaseRead, ProposeIn
from compliance.context import Ctx
from compliance.errors import Conflict, NotFound, ValidationFailed
from compliance.findings.models import Finding
from compliance.pay import plans
from compliance.permissions import Permission
from compliance.usecase import use_case
from compliance.validation import parse
from policies import ladder
from policies.guardrails import get_profile
from policies.proposal import PriorBreach
from policies.sanction import Severity

_FROM, _TO = CaseStatus.UNDER_REVIEW, CaseStatus.DECISION_PROPOSED


@dataclass(frozen=True)
class BulkItem:
    """One case of the batch and the proposal stored for it."""

    case_id: int
    number: str
    revision: int
    digest: str
    outcomes: tuple[str, ...]


@dataclass(frozen=True)
class BulkResult:
    """What a batch proposal stored: every case in the order given, and its audit event."""

    severity: str
    items: tuple[BulkItem, ...]
    audit_seq: int

    @property
    def count(self) -> int:
        """How many cases were proposed."""
        return len(self.items)


def _ids(case_ids: Sequence[int]) -> list[int]:
    ids = [int(i) for i in case_ids]
    if not ids:
        raise ValidationFailed.one("case_ids", "no cases given")
    twice = sorted(i for i, n in Counter(ids).items() if n > 1)
    if twice:
        raise ValidationFailed.one("case_ids", f"case(s) given twice: {twice}")
    return ids


def _load(ctx: Ctx, ids: list[int]) -> list[Case]:
    """The office's cases in the order given, row-locked (in id order) until the commit."""
    found: dict[int, Case] = {}
    for part in chunks(sorted(ids)):
        stmt = (
            select(Case)
            .where(col(Case.id).in_(part), col(Case.office_id) == ctx.actor.office_id)
            .order_by(col(Case.id))
            .with_for_update()
        )
        found.update((c.id or 0, c) for c in ctx.session.exec(stmt))
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"case(s) {missing[:20]} not found")
    return [found[i] for i in ids]


def _check(ctx: Ctx, cases: Sequence[Case]) -> None:
    """The actor's capacity and the state of every case; the statements recorded."""
    for case in cases:
        lifecycle.check_may(ctx.actor, case.staff_id, Action.PROPOSE)
        lifecycle.targets(case, Action.PROPOSE)  # InvalidTransition (a Conflict) naming it
    with_statement: set[int] = set()
    for part in chunks([c.id or 0 for c in cases]):
        stmt = select(Statement.case_id).where(col(Statement.case_id).in_(part)).distinct()
        with_statement.update(ctx.session.exec(stmt))
    for case in cases:  # the state machine ensures one; refuse rather than trust it
        if case.id not in with_statement:
            raise ValidationFailed.one(
                "statement", f"case {case.number}: no statement, refusal or silence is recorded"
            )


def _findings(session: Session, ids: Sequence[int]) -> dict[int, list[Finding]]:
    """Each case's findings, earliest first."""
    out: dict[int, list[Finding]] = defaultdict(list)
    for part in chunks(sorted(ids)):
        rows = session.exec(
            select(CaseFinding.case_id, Finding)
            .join(Finding, col(Finding.id) == col(CaseFinding.finding_id))
            .where(col(CaseFinding.case_id).in_(part))
            .order_by(col(Finding.occurred_at), col(Finding.id))
        )
        for case_id, finding in rows:
            out[case_id].append(finding)
    return out


def _revisions(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """Each case's latest proposal revision, for those that have one."""
    out: dict[int, int] = {}
    for part in chunks(sorted(ids)):
        rows = session.exec(
            select(Proposal.case_id, func.max(Proposal.revision))
            .where(col(Proposal.case_id).in_(part))
            .group_by(col(Proposal.case_id))
        )
        out.update((case_id, int(rev)) for case_id, rev in rows)
    return out


def _as_sequential(
    engine_in: EngineInput, proposed: set[str], severity: Severity
) -> tuple[PriorBreach, ...]:
    """Prior breaches as one-by-one proposing would see them: an earlier case of the batch
    already carries the batch's severity."""
    return tuple(
        replace(p, severity=severity) if p.case_number in proposed else p
        for p in engine_in.prior_breaches
    )


def _move_all(ctx: Ctx, cases: Sequence[Case], body: ProposeIn) -> None:
    """Conditionally move every case; Conflict naming the cases if any did not move."""
    table = SQLModel.metadata.tables["case_file"]
    stmt = (
        update(table)
        .where(
            table.c.id == bindparam("case_id"),
            table.c.status == _FROM.value,
            table.c.version == bindparam("seen_version"),
        )
        .values(
            status=_TO.value,
            version=table.c.version + 1,
            severity=body.severity.value,
            severity_reason=body.severity_reason,
        )
    )
    params = [{"case_id": c.id, "seen_version": c.version} for c in cases]
    moved = ctx.session.connection().execute(stmt, params).rowcount
    if moved != len(cases):
        raise Conflict(_who_moved_first(ctx, cases))
    for case in cases:
        set_committed_value(case, "status", _TO.value)
        set_committed_value(case, "version", case.version + 1)
        set_committed_value(case, "severity", body.severity.value)
        set_committed_value(case, "severity_reason", body.severity_reason)


def _who_moved_first(ctx: Ctx, cases: Sequence[Case]) -> str:
    """Name the cases someone else changed since they were read (nothing is applied)."""
    now: dict[int, tuple[str, int]] = {}
    for part in chunks([c.id or 0 for c in cases]):
        rows = ctx.session.exec(
            select(Case.id, Case.status, Case.version).where(col(Case.id).in_(part))
        )
        now.update((i or 0, (s, v)) for i, s, v in rows)
    # A case this batch moved is now exactly one version on and in the target state.
    changed = [c.number for c in cases if now.get(c.id or 0) != (_TO.value, c.version + 1)]
    names = ", ".join(changed[:20]) if changed else "some of the cases"
    return f"{CONFLICT} (case {names}); no case of the batch was proposed"


@use_case
def propose_many(
    ctx: Ctx, case_ids: Sequence[int], severity: Severity | str, severity_reason: str
) -> BulkResult:
    """Propose the engine's outcomes for many cases under review with one severity (HR).

    Each proposal is what `propose` would store for the case, taking the cases one
    after another in the order given. All or nothing, in one transaction.
    """
    ctx.require(Permission.PROPOSE)
    body = parse(ProposeIn, {"severity": severity, "severity_reason": severity_reason})
    ids = _ids(case_ids)
    session = ctx.session
    cases = _load(ctx, ids)
    _check(ctx, cases)
    inputs = gather_many(session, cases, _findings(session, ids), ctx.settings.timezone)
    latest = _revisions(session, ids)
    now, by = ctx.now(), ctx.actor.user_id
    guardrails = get_profile(ctx.settings.guardrail_profile)
    proposals: list[dict[str, Any]] = []
    case_steps: list[dict[str, Any]] = []
    items: list[BulkItem] = []
    proposed: set[str] = set()
    for case in cases:
        cid = case.id or 0
        engine_in = inputs[cid]
        try:
            result = ladder.propose(
                engine_in.policy.policy,
                severity=body.severity,
                prior_breaches=_as_sequential(engine_in, proposed, body.severity),
                facts=engine_in.facts,
                params=engine_in.policy.params,
                guardrails=guardrails,
            )
        except ValueError as exc:
            raise ValidationFailed.one("proposal", f"case {case.number}: {exc}") from None
        proposed.add(case.number)
        data = result.to_dict()
        data.update(plans.proposal_notes(ctx, case, data["outcomes"]))  # as propose
        fields = proposal_fields(data["outcomes"], data)
        revision = latest.get(cid, 0) + 1
        kinds = [o.kind.value for o in result.outcomes]
        proposals.append(
            {
                "case_id": cid,
                "revision": revision,
                **fields,
                "amend_reason": "",
                "created_at": now,
                "created_by": by,
            }
        )
        case_steps.append(
            {
                "case_id": cid,
                "action": Action.PROPOSE.value,
                "from_status": case.status,
                "to_status": _TO.value,
                "note": propose_note(revision, kinds, body.severity)[:4000],
                "at": now,
                "actor_id": by,
            }
        )
        items.append(BulkItem(cid, case.number, revision, fields["digest"], tuple(kinds)))
    _move_all(ctx, cases, body)
    # Core inserts (one executemany each): the ORM's per-row bookkeeping is not needed here.
    tables = SQLModel.metadata.tables
    session.execute(insert(tables["proposal"]), proposals)
    session.execute(insert(tables["case_step"]), case_steps)
    event = audit.record(
        ctx,
        "case.propose_many",
        "case_batch",
        audit.sha256_text(",".join(str(i) for i in ids)),
        {
            "severity": body.severity.value,
            "severity_reason": body.severity_reason,
            "from": _FROM.value,
            "to": _TO.value,
            "count": len(items),
            "cases": [
                {
                    "case_id": i.case_id,
                    "number": i.number,
                    "revision": i.revision,
                    "digest": i.digest,
                }
                for i in items
            ],
        },
    )
    return BulkResult(body.severity.value, tuple(items), event.seq)


@use_case
def propose(ctx: Ctx, case_id: int, severity: Severity | str, severity_reason: str) -> CaseRead:
    """Set the severity with its reason and store the engine's proposal (HR)."""
    case = transition.begin(ctx, case_id, Action.PROPOSE)
    body = parse(ProposeIn, {"severity": severity, "severity_reason": severity_reason})
    if repo.statement_of(ctx.session, case.id or 0) is None:  # the state machine ensures it
        raise ValidationFailed.one("statement", "no statement, refusal or silence is recorded")
    findings = repo.findings_of(ctx.session, case.id or 0)
    engine_in = gather(ctx.session, case, findings, ctx.settings.timezone)
    try:
        result = ladder.propose(
            engine_in.policy.policy,
            severity=body.severity,
            prior_breaches=engine_in.prior_breaches,
            facts=engine_in.facts,
            params=engine_in.policy.params,
            guardrails=get_profile(ctx.settings.guardrail_profile),
        )
    except ValueError as exc:
        raise ValidationFailed.one("proposal", str(exc)) from None
    before, _ = transition.move(
        ctx,
        case,
        Action.PROPOSE,
        severity=body.severity.value,
        severity_reason=body.severity_reason,
    )
    data = result.to_dict()
    # What pay can and cannot take of it, in words with the figures (kept with the proposal;
    # replaying the rule ignores it).
    data.update(plans.proposal_notes(ctx, case, data["outcomes"]))
    row = store_proposal(ctx, case, data["outcomes"], data)
    kinds = [o.kind.value for o in result.outcomes]
    transition.record(
        ctx,
        case,
        Action.PROPOSE,
        before,
        propose_note(row.revision, kinds, body.severity),
        {"revision": row.revision, "outcomes": kinds, "digest": row.digest},
    )
    return transition.finish(ctx, case)
