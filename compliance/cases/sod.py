"""Separation of duties: who recorded a case's evidence or raised its findings."""

import json
from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session

from compliance.cases import repository as repo
from compliance.cases.models import Case
from compliance.context import Ctx
from compliance.errors import Forbidden
from compliance.evidence import kinds
from compliance.findings.models import Finding
from compliance.i18n import N_
from policies.vocab import EvidenceKind


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
    (or inspected for) a piece of its evidence, in the findings' office. A few queries, one
    per evidence kind.
    """
    out: dict[int, str] = {}
    for f in findings:
        if f.created_by is not None:
            out.setdefault(f.created_by, f"raised finding #{f.id}")
        if f.triaged_by is not None:
            out.setdefault(f.triaged_by, f"confirmed finding #{f.id}")
    by_office: dict[int, list[Finding]] = defaultdict(list)
    for f in findings:
        by_office[f.office_id].append(f)
    for office_id, mine in sorted(by_office.items()):
        for key, ids in sorted(evidence_refs(mine).items()):
            entry = kinds.get(key)
            if entry is None:
                continue  # a hand-raised finding's own text: its raiser is named above
            for record_id, row in sorted(entry.load(session, office_id, ids).items()):
                user_id = entry.recorder(row)
                if user_id is not None:
                    out.setdefault(int(user_id), f"recorded {entry.noun} #{record_id}")
    return out


def check_separation(ctx: Ctx, case: Case) -> None:
    """Forbidden if the actor recorded the case's evidence or raised or confirmed a finding:
    they may not decide its outcome (approve it, reject it or send it back)."""
    conflicted = recorders(ctx.session, repo.findings_of(ctx.session, case.id or 0))
    why = conflicted.get(ctx.actor.user_id)
    if why is not None:
        raise Forbidden(
            N_(
                "you %(why)s in case %(number)s: whoever recorded the evidence or raised a "
                "finding cannot approve the outcome"
            ),
            why=why,
            number=case.number,
        )
