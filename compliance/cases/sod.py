"""Separation of duties: who recorded a case's evidence or raised its findings."""

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.damages.models import DamageIncident
from compliance.feedback.models import Feedback
from compliance.findings.models import Finding
from compliance.inspections.models import SpotCheck, SpotCheckItem
from compliance.overtime.models import OvertimeRequest
from compliance.tips.models import TipLine
from compliance.visits.models import Visit
from policies.vocab import EvidenceKind

# Evidence kind → (table, column naming the user who recorded it).
_RECORDED_BY: dict[EvidenceKind, tuple[Any, Any, str]] = {
    EvidenceKind.FEEDBACK: (Feedback.id, Feedback.created_by, "feedback"),
    EvidenceKind.INSPECTION: (SpotCheck.id, SpotCheck.inspector_id, "spot check"),
    EvidenceKind.VISIT: (Visit.id, Visit.created_by, "visit"),
    EvidenceKind.TIP_LINE: (TipLine.id, TipLine.created_by, "tip ledger line"),
    EvidenceKind.DAMAGE: (DamageIncident.id, DamageIncident.created_by, "damage incident"),
    EvidenceKind.ATTENDANCE: (AttendanceEvent.id, AttendanceEvent.created_by, "attendance punch"),
    EvidenceKind.ROSTER: (RosterShift.id, RosterShift.created_by, "roster shift"),
    EvidenceKind.OVERTIME: (OvertimeRequest.id, OvertimeRequest.created_by, "overtime request"),
}


def evidence_refs(findings: Sequence[Finding]) -> dict[EvidenceKind, set[int]]:
    """Every evidence record the findings rely on, by kind."""
    refs: dict[EvidenceKind, set[int]] = defaultdict(set)
    for f in findings:
        for ref in json.loads(f.evidence or "[]"):
            try:
                refs[EvidenceKind(ref["kind"])].add(int(ref["id"]))
            except (KeyError, TypeError, ValueError):
                continue  # a malformed reference names nobody; the finding itself still does
    return refs


def recorders(session: Session, findings: Sequence[Finding]) -> dict[int, str]:
    """User id → why that user may not approve: raised or triaged a finding, or recorded
    (or inspected for) a piece of its evidence. A few queries, one per evidence kind.
    """
    out: dict[int, str] = {}
    for f in findings:
        if f.created_by is not None:
            out.setdefault(f.created_by, f"raised finding #{f.id}")
        if f.triaged_by is not None:
            out.setdefault(f.triaged_by, f"confirmed finding #{f.id}")
    refs = evidence_refs(findings)
    for kind, ids in sorted(refs.items()):
        if kind in _RECORDED_BY:
            id_col, user_col, label = _RECORDED_BY[kind]
            rows = session.exec(select(id_col, user_col).where(col(id_col).in_(sorted(ids))))
        elif kind is EvidenceKind.SPOT_CHECK_ITEM:
            label = "spot check"
            rows = session.exec(
                select(SpotCheckItem.id, SpotCheck.inspector_id)
                .join(SpotCheck, col(SpotCheck.id) == col(SpotCheckItem.spot_check_id))
                .where(col(SpotCheckItem.id).in_(sorted(ids)))
            )
        else:
            continue
        for record_id, user_id in rows:
            if user_id is not None:
                out.setdefault(int(user_id), f"recorded {label} #{record_id}")
    return out
