"""Checking a printed dossier: a PDF against the audit chain, or a dossier number read off
paper, on the public verification page and the command line."""

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from compliance.accounts.models import User
from compliance.audit import anchor
from compliance.audit import service as audit
from compliance.audit.models import AuditEvent, AuditHead
from compliance.cases.models import Case
from compliance.dossiers.models import Dossier
from compliance.dossiers.service import issued_events


@dataclass(frozen=True)
class Verification:
    """Whether a PDF is one the office issued.

    Genuine only when the dossier table and the `dossier.issued` event in the audit chain
    agree on its SHA-256; `disagreement` says how they differ when they do not.
    """

    ok: bool
    sha256: str
    dossier_number: str = ""
    case_number: str = ""
    case_id: int | None = None
    issued_at: datetime | None = None
    issued_by: str = ""
    language: str = ""
    disagreement: str = ""

    def message(self) -> str:
        """One line for people."""
        if self.disagreement:
            return f"altered records: {self.disagreement}"
        if not self.ok:
            return f"altered/unknown: no dossier with SHA-256 {self.sha256} was issued"
        when = self.issued_at.isoformat() if self.issued_at else "?"
        return (
            f"genuine: dossier {self.dossier_number} of case {self.case_number}, issued {when}"
            f" by {self.issued_by or '?'}"
        )


def _issued_with_hash(session: Session, digest: str) -> tuple[int, dict[str, Any]] | None:
    """The `dossier.issued` event that recorded this SHA-256, whatever the table says."""
    rows = session.exec(
        select(AuditEvent.entity_id, AuditEvent.payload).where(
            col(AuditEvent.action) == "dossier.issued",
            col(AuditEvent.payload).contains(f'"sha256":"{digest}"'),
        )
    ).all()
    for entity_id, payload in rows:
        data = json.loads(payload)
        if data.get("sha256") == digest:
            return int(entity_id), data
    return None


def verify_pdf(session: Session, data: bytes) -> Verification:
    """Look a PDF's SHA-256 up among issued dossiers and in the audit chain's
    `dossier.issued` events: genuine (which case, when) only when both agree."""
    digest = hashlib.sha256(data).hexdigest()
    row = session.exec(
        select(Dossier, Case.number, User.display_name)
        .join(Case, col(Case.id) == col(Dossier.case_id))
        .outerjoin(User, col(User.id) == col(Dossier.issued_by))
        .where(col(Dossier.sha256) == digest)
        .order_by(col(Dossier.id))
        .limit(1)
    ).one_or_none()
    if row is None:
        issued = _issued_with_hash(session, digest)
        if issued is None:
            return Verification(ok=False, sha256=digest)
        dossier_id, event = issued
        return Verification(
            ok=False,
            sha256=digest,
            dossier_number=str(event.get("number", "")),
            case_number=str(event.get("case_number", "")),
            disagreement=(
                f"the audit chain records this PDF as dossier {event.get('number')} "
                f"(id {dossier_id}), but the dossier table no longer holds its SHA-256"
            ),
        )
    dossier, case_number, issued_by = row
    found = issued_events(session, [dossier.id or 0]).get(dossier.id or 0)
    disagreement = ""
    if found is None:
        disagreement = f"dossier {dossier.number} has no dossier.issued event in the audit chain"
    elif found.get("sha256") != digest:
        disagreement = (
            f"the dossier table says dossier {dossier.number} has SHA-256 {digest}, but its "
            f"dossier.issued event in the audit chain says {found.get('sha256')}"
        )
    return Verification(
        ok=not disagreement,
        sha256=digest,
        dossier_number=dossier.number,
        case_number=case_number,
        case_id=dossier.case_id,
        issued_at=dossier.issued_at,
        issued_by=issued_by or "",
        language=dossier.language,
        disagreement=disagreement,
    )


@dataclass(frozen=True)
class PaperCheck:
    """What the office holds for a dossier number (the QR code's page): nothing uploaded."""

    number: str
    found: bool
    sha256: str = ""
    content_digest: str = ""
    issued_at: datetime | None = None
    issued_by: str = ""
    chain_seq: int = 0
    chain_hash: str = ""
    head_held: bool = False  # the chain head printed on the dossier is still in the chain
    chain_ok: bool = False
    disagreement: str = ""

    @property
    def ok(self) -> bool:
        """Issued, recorded alike in the table and the chain, and the chain verifies."""
        return self.found and self.chain_ok and self.head_held and not self.disagreement


# The public page walks the whole chain; one walk a minute per head is enough for it.
_CHAIN_TTL_S = 60.0


_chain_seen: dict[tuple[str, int, str], tuple[float, bool]] = {}


def _chain_ok(session: Session) -> bool:
    head = session.exec(select(AuditHead).where(col(AuditHead.id) == 1)).one()
    key = (str(session.get_bind().engine.url), head.seq, head.hash)
    now = time.monotonic()
    seen = _chain_seen.get(key)
    if seen is not None and now - seen[0] < _CHAIN_TTL_S:
        return seen[1]
    ok = audit.verify(session).ok
    if len(_chain_seen) > 64:
        _chain_seen.clear()
    _chain_seen[key] = (now, ok)
    return ok


def check_number(session: Session, number: str) -> PaperCheck:
    """For a printed dossier number: its stored fingerprint, issue time and issuer, whether
    the dossier table agrees with its `dossier.issued` event, and whether the chain holds."""
    number = number.strip()[:32]
    if not number:
        return PaperCheck(number=number, found=False)
    row = session.exec(
        select(Dossier, User.display_name)
        .outerjoin(User, col(User.id) == col(Dossier.issued_by))
        .where(col(Dossier.number) == number)
        .order_by(col(Dossier.id))
        .limit(1)
    ).one_or_none()
    if row is None:
        return PaperCheck(number=number, found=False)
    dossier, issued_by = row
    event = issued_events(session, [dossier.id or 0]).get(dossier.id or 0)
    disagreement = ""
    if event is None:
        disagreement = "no dossier.issued event in the audit chain"
    else:
        for field_name in ("number", "sha256", "content_digest", "chain_seq", "chain_hash"):
            if event.get(field_name) != getattr(dossier, field_name):
                disagreement = (
                    f"{field_name}: table {getattr(dossier, field_name)}, "
                    f"audit chain {event.get(field_name)}"
                )
                break
    chain_seq = int(event.get("chain_seq", dossier.chain_seq)) if event else dossier.chain_seq
    chain_hash = str(event.get("chain_hash", dossier.chain_hash)) if event else dossier.chain_hash
    held = anchor.check_expected(session.connection(), f"{chain_seq}:{chain_hash}") is None
    return PaperCheck(
        number=number,
        found=True,
        chain_seq=chain_seq,
        chain_hash=chain_hash,
        head_held=held,
        sha256=str(event.get("sha256")) if event else dossier.sha256,
        content_digest=str(event.get("content_digest")) if event else dossier.content_digest,
        issued_at=dossier.issued_at,
        issued_by=issued_by or "",
        chain_ok=_chain_ok(session),
        disagreement=disagreement,
    )
