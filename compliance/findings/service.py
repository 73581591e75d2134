"""Use cases for findings: store rule decisions, raise by hand, triage."""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session, col

from compliance.audit import service as audit
from compliance.context import Ctx
from compliance.errors import Conflict, ValidationFailed
from compliance.evidence import kinds
from compliance.findings import repository
from compliance.findings.models import Finding, FindingSource, FindingStatus
from compliance.findings.schemas import FindingRead, FindingRow, ManualFindingCreate, TriageIn
from compliance.i18n import N_
from compliance.inspections.models import SpotCheck, SpotCheckItem
from compliance.names import coded
from compliance.permissions import Permission
from compliance.policy_params import service as policy_params
from compliance.policy_params.service import EffectivePolicy
from compliance.staff.repository import get_in_office
from compliance.usecase import use_case
from compliance.validation import not_in_future, parse
from policies import registry
from policies.base import Decision, Outcome
from policies.facts import ChecklistAnswer
from policies.vocab import EvidenceKind, ItemResult


def _evidence_json(decision: Decision) -> str:
    return json.dumps([{"kind": e.kind.value, "id": e.id} for e in decision.evidence])


def _row(
    ctx: Ctx, d: Decision, eff: EffectivePolicy, source: FindingSource, run_id: int | None
) -> dict[str, Any]:
    if d.staff_id is None or d.occurred_at is None:
        raise ValueError(f"{d.rule_code} decision without staff or time: {d.dedupe_key}")
    return {
        "office_id": ctx.actor.office_id,
        "staff_id": d.staff_id,
        "rule_code": d.rule_code,
        "policy_version": eff.version,
        "params_digest": eff.digest,
        "input_digest": d.input_digest,
        "source": source.value,
        "detector": d.detector,
        "dedupe_key": d.dedupe_key,
        "occurred_at": d.occurred_at,
        "explanation_zh": d.explanation_zh[:2000],
        "explanation_en": d.explanation_en[:2000],
        "evidence": _evidence_json(d),
        "suggested_severity": d.suggested_severity.value if d.suggested_severity else None,
        "status": FindingStatus.OPEN.value,
        "triage_reason": "",
        "detection_run_id": run_id,
        "created_at": ctx.now(),
        "created_by": ctx.actor.user_id,
    }


def store_decisions(
    ctx: Ctx,
    decisions: Sequence[Decision],
    eff: EffectivePolicy,
    source: FindingSource,
    run_id: int | None = None,
) -> tuple[list[str], int]:
    """Insert findings for breach/error decisions not seen before; flushes, never commits.

    Returns the new dedupe keys and how many already existed. The unique constraint on
    (office, rule, dedupe key) backs this up if two runs race.
    """
    wanted = [d for d in decisions if d.outcome in (Outcome.BREACH, Outcome.ERROR)]
    if not wanted:
        return [], 0
    by_key = {d.dedupe_key: d for d in wanted}
    seen = repository.existing_keys(ctx.session, ctx.actor.office_id, eff.policy.code, by_key)
    if seen:
        _refresh_untriaged(ctx, eff.policy.code, {k: by_key[k] for k in seen})
    rows = [_row(ctx, d, eff, source, run_id) for k, d in by_key.items() if k not in seen]
    if rows:
        # Core insert of the table: the ORM's bulk path splits rows by their None pattern.
        ctx.session.execute(insert(Finding.__table__), rows)  # type: ignore[attr-defined]
    return [r["dedupe_key"] for r in rows], len(seen)


def _refresh_untriaged(ctx: Ctx, rule_code: str, decisions: dict[str, Decision]) -> None:
    """An open finding judged again on facts that have changed since (a damage valued after
    it was first judged, say) takes the new explanation and suggested severity: nobody has
    decided on it yet, so it must say what the records say now. A triaged finding keeps
    what was decided on."""
    current = ctx.session.execute(
        select(
            col(Finding.id),
            col(Finding.dedupe_key),
            col(Finding.explanation_zh),
            col(Finding.suggested_severity),
        ).where(
            col(Finding.office_id) == ctx.actor.office_id,
            col(Finding.rule_code) == rule_code,
            col(Finding.status) == FindingStatus.OPEN.value,
            col(Finding.dedupe_key).in_(list(decisions)),
        )
    ).all()
    for finding_id, key, explanation_zh, severity in current:
        d = decisions[key]
        new_severity = d.suggested_severity.value if d.suggested_severity else None
        new_zh = d.explanation_zh[:2000]
        if (explanation_zh, severity) == (new_zh, new_severity):
            continue
        changed = ctx.session.execute(
            update(Finding)
            .where(
                col(Finding.id) == finding_id,
                col(Finding.status) == FindingStatus.OPEN.value,
            )
            .values(
                explanation_zh=new_zh,
                explanation_en=d.explanation_en[:2000],
                suggested_severity=new_severity,
                input_digest=d.input_digest,
                evidence=_evidence_json(d),
            )
        )
        if changed.rowcount:  # type: ignore[attr-defined]
            audit.record(
                ctx,
                "finding.refreshed",
                "finding",
                finding_id,
                {
                    "before": {"explanation_zh": explanation_zh, "suggested_severity": severity},
                    "after": {"explanation_zh": new_zh, "suggested_severity": new_severity},
                },
            )


def decide_spot_check_items(
    ctx: Ctx, spot_check: SpotCheck, items: Sequence[SpotCheckItem]
) -> list[tuple[Decision, list[str]]]:
    """Judge every checklist answer under the version in force that day and store a finding
    for each failed one not stored before; each decision with the keys it newly stored."""
    assert spot_check.id is not None
    versions = policy_params.timeline(ctx.session, ctx.actor.office_id)
    out: list[tuple[Decision, list[str]]] = []
    for item in items:
        policy, _ = registry.find_item(item.item_key)
        eff = policy_params.pick(versions[policy.code], spot_check.work_date)
        if eff is None:
            continue
        answer = ChecklistAnswer(
            item_key=item.item_key,
            result=ItemResult(item.result),
            observed=item.observed,
            id=item.id,
            staff_id=spot_check.staff_id,
            occurred_at=spot_check.checked_at,
        )
        decision = policy.check_item(answer, eff.params)
        new, _ = store_decisions(ctx, [decision], eff, FindingSource.SPOT_CHECK)
        out.append((decision, new))
    return out


def raise_from_spot_check(
    ctx: Ctx, spot_check: SpotCheck, items: Sequence[SpotCheckItem]
) -> list[Finding]:
    """Turn every failed checklist item into a finding at once (same transaction)."""
    keys = [k for _, new in decide_spot_check_items(ctx, spot_check, items) for k in new]
    if not keys:
        return []
    return list(
        ctx.session.execute(
            select(Finding).where(
                col(Finding.office_id) == ctx.actor.office_id,
                col(Finding.dedupe_key).in_(keys),
            )
        ).scalars()
    )


def finding_ids(ctx: Ctx, rule_code: str, keys: Sequence[str]) -> dict[str, int]:
    """The ids of the office's findings of one rule by dedupe key (those that exist)."""
    if not keys:
        return {}
    rows = ctx.session.execute(
        select(col(Finding.dedupe_key), col(Finding.id)).where(
            col(Finding.office_id) == ctx.actor.office_id,
            col(Finding.rule_code) == rule_code,
            col(Finding.dedupe_key).in_(list(keys)),
        )
    )
    return {key: id_ for key, id_ in rows}


def _evidence_exists(session: Session, office_id: int, kind: EvidenceKind, id_: int) -> bool:
    if kind == EvidenceKind.MANUAL:
        return True
    entry = kinds.get(kind.value)
    return entry is not None and bool(entry.load(session, office_id, [id_]))


@use_case
def raise_manual(ctx: Ctx, data: ManualFindingCreate | dict[str, Any]) -> FindingRead:
    """Raise a finding by hand from any record; the same evidence cannot be raised twice."""
    ctx.require(Permission.TRIAGE_FINDINGS)
    body = parse(ManualFindingCreate, data)
    try:
        policy = registry.get(body.rule_code)
    except KeyError:
        raise ValidationFailed.one("rule_code", f"unknown rule {body.rule_code}") from None
    get_in_office(ctx.session, ctx.actor.office_id, body.staff_id)
    not_in_future("occurred_at", body.occurred_at, ctx.now())
    for i, ev in enumerate(body.evidence):
        if not _evidence_exists(ctx.session, ctx.actor.office_id, ev.kind, ev.id):
            raise ValidationFailed.one(f"evidence.{i}", f"no {ev.kind.value} record {ev.id}")
    day = body.occurred_at.astimezone(ctx.tz).date()
    eff = policy_params.in_force(ctx.session, ctx.actor.office_id, policy.code, day)
    if eff is None:
        raise ValidationFailed.one("occurred_at", f"{policy.code} was not in force on {day}")
    refs = sorted(f"{e.kind.value}:{e.id}" for e in body.evidence)
    key = "manual:" + (
        ",".join(refs) if refs else f"{body.staff_id}:{body.occurred_at.isoformat()}"
    )
    if repository.existing_keys(ctx.session, ctx.actor.office_id, policy.code, [key]):
        raise Conflict(f"a {policy.code} finding on this evidence already exists")
    row = Finding(
        office_id=ctx.actor.office_id,
        staff_id=body.staff_id,
        rule_code=policy.code,
        policy_version=eff.version,
        params_digest=eff.digest,
        input_digest=audit.sha256_text(key + body.note),
        source=FindingSource.MANUAL.value,
        detector="manual",
        dedupe_key=key[:120],
        occurred_at=body.occurred_at,
        explanation_zh=body.note,
        explanation_en=body.note,
        evidence=json.dumps([e.model_dump(mode="json") for e in body.evidence]),
        created_at=ctx.now(),
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(ctx, "finding.raised", "finding", row.id, body.model_dump(mode="json"))
    return FindingRead.model_validate(row)


def _triage(ctx: Ctx, finding_id: int, to: FindingStatus, reason: str) -> FindingRead:
    row = repository.get(ctx.session, ctx.actor.office_id, finding_id)
    now: datetime = ctx.now()
    done = ctx.session.execute(
        update(Finding)
        .where(
            col(Finding.id) == finding_id,
            col(Finding.status) == FindingStatus.OPEN.value,
        )
        .values(status=to.value, triaged_by=ctx.actor.user_id, triaged_at=now, triage_reason=reason)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        # Name the state the finding is in now, not the one read before the update lost.
        current = ctx.session.execute(
            select(col(Finding.status)).where(col(Finding.id) == finding_id)
        ).scalar_one()
        raise Conflict(
            N_("finding %(id)s was already triaged; it is now %(now)s"),
            id=finding_id,
            now=coded("finding_triage", current),
        )
    audit.record(ctx, f"finding.{to.value}", "finding", finding_id, {"reason": reason})
    ctx.session.refresh(row)
    return FindingRead.model_validate(row)


@use_case
def confirm(
    ctx: Ctx, finding_id: int, data: TriageIn | dict[str, Any] | None = None
) -> FindingRead:
    """Confirm an open finding (a case is opened from it in the cases module, in the same
    use case: cases.confirm_into_case)."""
    ctx.require(Permission.TRIAGE_FINDINGS)
    body = parse(TriageIn, data or {})
    return _triage(ctx, finding_id, FindingStatus.CONFIRMED, body.reason)


@use_case
def dismiss(ctx: Ctx, finding_id: int, data: TriageIn | dict[str, Any]) -> FindingRead:
    """Dismiss an open finding; the reason is required and kept."""
    ctx.require(Permission.TRIAGE_FINDINGS)
    body = parse(TriageIn, data)
    if not body.reason:
        raise ValidationFailed.one("reason", "a reason is required to dismiss a finding")
    return _triage(ctx, finding_id, FindingStatus.DISMISSED, body.reason)


def list_mine(ctx: Ctx) -> list[FindingRead]:
    """Findings about the signed-in staff member, newest first (filtered in the query)."""
    ctx.require(Permission.VIEW_OWN_RECORD)
    if ctx.actor.staff_id is None:
        return []
    rows = repository.list_findings(ctx.session, ctx.actor.office_id, staff_id=ctx.actor.staff_id)
    return [FindingRead.model_validate(f) for f in rows]


def triage_queue(
    ctx: Ctx,
    *,
    status: str | None = "open",
    rule_code: str | None = None,
    staff_id: int | None = None,
    limit: int = 200,
) -> list[FindingRow]:
    """The office's findings (open ones by default), newest first, with staff names."""
    ctx.require(Permission.TRIAGE_FINDINGS)
    rows = repository.list_with_staff(
        ctx.session, ctx.actor.office_id, status=status, rule_code=rule_code,
        staff_id=staff_id, limit=limit,
    )  # fmt: skip
    return [
        FindingRow(**FindingRead.model_validate(f).model_dump(), staff_name=name, employee_no=no)
        for f, name, no in rows
    ]
