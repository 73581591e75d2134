"""The records behind a case's findings, one query per kind of record, in time order."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import Session, col

from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.damages.models import DamageIncident
from compliance.feedback.models import Feedback
from compliance.findings.schemas import FindingRead
from compliance.inspections.models import SpotCheck, SpotCheckItem
from compliance.money import format_fen
from compliance.overtime.models import OvertimeRequest
from compliance.tips.models import TipLine
from compliance.visits.models import Visit


class EvidenceItem(BaseModel):
    """One record a finding relies on: its kind, id, when it happened and what it says."""

    kind: str
    id: int
    at: datetime | None
    detail: str
    found: bool = True
    # A stored code the page shows as words in its language, as (label kind, code): the
    # feedback's category, ("category", "attitude"). The detail holds the rest.
    code: tuple[str, str] | None = None


class FindingEvidence(BaseModel):
    """A finding of the case with its evidence records, earliest first."""

    finding: FindingRead
    items: list[EvidenceItem]


def _money(fen: int | None) -> str:
    return format_fen(fen) if fen is not None else ""


def _rows(session: Session, kind: str, ids: list[int], office_id: int) -> dict[int, EvidenceItem]:
    out: dict[int, EvidenceItem] = {}
    rows: Iterable[Any]
    if kind == "feedback":
        rows = session.execute(
            select(Feedback).where(col(Feedback.id).in_(ids), col(Feedback.office_id) == office_id)
        ).scalars()
        for r in rows:
            text = " · ".join(
                x for x in (r.text, _money(r.amount_fen) if r.amount_fen else "") if x
            )
            out[r.id] = EvidenceItem(
                kind=kind, id=r.id, at=r.occurred_at, detail=text, code=("category", r.category)
            )
    elif kind == "spot_check_item":
        rows = session.execute(
            select(SpotCheckItem, SpotCheck)
            .join(SpotCheck, col(SpotCheck.id) == col(SpotCheckItem.spot_check_id))
            .where(col(SpotCheckItem.id).in_(ids), col(SpotCheck.office_id) == office_id)
        )
        for item, check in rows:
            obs = f" ({item.observed})" if item.observed is not None else ""
            text = f"{item.item_key}: {item.result}{obs} {item.note}".strip()
            out[item.id] = EvidenceItem(kind=kind, id=item.id, at=check.checked_at, detail=text)
    elif kind == "inspection":
        rows = session.execute(
            select(SpotCheck).where(
                col(SpotCheck.id).in_(ids), col(SpotCheck.office_id) == office_id
            )
        ).scalars()
        for r in rows:
            text = " ".join(x for x in (r.area, r.notes) if x)
            out[r.id] = EvidenceItem(kind=kind, id=r.id, at=r.checked_at, detail=text)
    elif kind == "tip_line":
        rows = session.execute(
            select(TipLine).where(col(TipLine.id).in_(ids), col(TipLine.office_id) == office_id)
        ).scalars()
        for r in rows:
            receipt = r.receipt_no or "—"
            text = f"{_money(r.amount_fen)} · {receipt}"
            out[r.id] = EvidenceItem(kind=kind, id=r.id, at=r.received_at, detail=text)
    elif kind == "damage":
        rows = session.execute(
            select(DamageIncident).where(
                col(DamageIncident.id).in_(ids), col(DamageIncident.office_id) == office_id
            )
        ).scalars()
        for r in rows:
            text = f"{r.item} · {_money(r.assessed_value_fen)} {r.description}".strip()
            out[r.id] = EvidenceItem(kind=kind, id=r.id, at=r.occurred_at, detail=text)
    elif kind == "visit":
        rows = session.execute(
            select(Visit).where(col(Visit.id).in_(ids), col(Visit.office_id) == office_id)
        ).scalars()
        for r in rows:
            text = f"{r.kind} · {r.description}".strip(" ·")
            out[r.id] = EvidenceItem(
                kind=kind, id=r.id, at=r.arrived_at or r.requested_at, detail=text
            )
    elif kind == "attendance":
        rows = session.execute(
            select(AttendanceEvent).where(
                col(AttendanceEvent.id).in_(ids), col(AttendanceEvent.office_id) == office_id
            )
        ).scalars()
        for r in rows:
            out[r.id] = EvidenceItem(kind=kind, id=r.id, at=r.at, detail=f"{r.kind} ({r.source})")
    elif kind == "roster":  # R02 and R09 cite the shift a day was judged against
        rows = session.execute(
            select(RosterShift).where(
                col(RosterShift.id).in_(ids), col(RosterShift.office_id) == office_id
            )
        ).scalars()
        for r in rows:
            out[r.id] = EvidenceItem(
                kind=kind, id=r.id, at=r.start_at, detail=f"{r.work_date.isoformat()}"
            )
    elif kind == "overtime":
        rows = session.execute(
            select(OvertimeRequest).where(
                col(OvertimeRequest.id).in_(ids), col(OvertimeRequest.office_id) == office_id
            )
        ).scalars()
        for r in rows:
            text = f"{r.decision} · {r.reason}".strip(" ·")
            out[r.id] = EvidenceItem(kind=kind, id=r.id, at=r.requested_at, detail=text)
    return out


def timeline(
    session: Session, office_id: int, findings: list[FindingRead]
) -> list[FindingEvidence]:
    """The findings with their evidence records resolved, both in time order."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for f in findings:
        for ref in f.evidence:
            wanted[str(ref.get("kind"))].add(int(str(ref.get("id", 0))))
    found: dict[tuple[str, int], EvidenceItem] = {}
    for kind, ids in wanted.items():
        for id_, item in _rows(session, kind, sorted(ids), office_id).items():
            found[(kind, id_)] = item
    out = []
    for f in sorted(findings, key=lambda x: (x.occurred_at, x.id)):
        items = []
        for ref in f.evidence:
            kind, id_ = str(ref.get("kind")), int(str(ref.get("id", 0)))
            items.append(
                found.get((kind, id_))
                or EvidenceItem(kind=kind, id=id_, at=None, detail="", found=False)
            )
        items.sort(key=lambda i: (i.at is None, i.at or f.occurred_at, i.id))
        out.append(FindingEvidence(finding=f, items=items))
    return out
