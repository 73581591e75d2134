"""The records behind a case's findings, one query per kind of record (compliance.evidence),
in time order."""

from collections import defaultdict
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session

from compliance.evidence import kinds
from compliance.findings.schemas import FindingRead


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


def _rows(session: Session, kind: str, ids: list[int], office_id: int) -> dict[int, EvidenceItem]:
    entry = kinds.get(kind)
    if entry is None:
        return {}
    out: dict[int, EvidenceItem] = {}
    for id_, row in entry.load(session, office_id, ids).items():
        shown = entry.show(row)
        out[id_] = EvidenceItem(
            kind=kind, id=id_, at=shown.at, detail=shown.detail, code=shown.code
        )
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
