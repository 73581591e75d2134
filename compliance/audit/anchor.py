"""The audit heads anchored outside the database.

The app appends the head of the audit chain and of the row-seal chain to a log file in a
folder of its own (COMPLIANCE_ANCHOR_DIR, default `anchors` beside the data folder), at least
nightly and whenever a dossier or report is printed. Each line carries an HMAC-SHA256 under a
key that is not in the database (COMPLIANCE_AUDIT_KEY, or `audit.key` beside the data folder,
generated on first use with mode 0600). Someone who can rewrite the database can recompute
every hash of both chains, but cannot make them agree with a head anchored before, and
cannot forge a new anchor line without the key.
"""

import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, text
from sqlmodel import Session, col

from compliance.audit.canonical import canonical_json
from compliance.audit.models import AuditEvent, AuditHead, RowSeal
from compliance.config import Settings

ANCHOR_FILE = "anchors.log"
KEY_FILE = "audit.key"


def anchor_dir(settings: Settings) -> Path:
    """The anchor log's folder."""
    return settings.anchor_dir or settings.data_dir.parent / "anchors"


def audit_key(settings: Settings) -> bytes:
    """The HMAC key: COMPLIANCE_AUDIT_KEY, else the key file (made on first use, 0600)."""
    if settings.audit_key:
        return settings.audit_key.encode("utf-8")
    path = settings.data_dir.parent / KEY_FILE
    try:
        return path.read_text(encoding="ascii").strip().encode("ascii")
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip().encode("ascii")
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
        f.flush()
        os.fsync(f.fileno())
    return key.encode("ascii")


def _mac(key: bytes, body: dict[str, Any]) -> str:
    return hmac.new(key, canonical_json(body).encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """One anchored head."""

    at: str
    seq: int
    hash: str
    seal_seq: int
    seal_hash: str
    why: str
    # The highest dossier number issued, by "OFFICE_ID/YEAR" (lines written before this
    # was recorded carry none, and their HMAC covers only the fields above).
    dossiers: dict[str, int] | None = None


def numbers_key(office_id: int, year: int) -> str:
    """The key of an office's dossier numbers of a year in an anchor line."""
    return f"{office_id}/{year}"


# Concurrent writers may append their lines out of order: the highest numbers are looked for
# among this many of the last lines that carry them (every line carries all of them), read
# from the end of the log only.
_NUMBERS_WINDOW = 64
_TAIL_BYTES = 256 * 1024


def _tail_lines(settings: Settings) -> list[str]:
    """The whole lines in the last _TAIL_BYTES of the log."""
    try:
        with open(anchor_dir(settings) / ANCHOR_FILE, "rb") as f:
            size = f.seek(0, os.SEEK_END)
            f.seek(max(0, size - _TAIL_BYTES))
            data = f.read()
    except FileNotFoundError:
        return []
    lines = data.decode("utf-8", errors="replace").splitlines()
    return lines[1:] if size > _TAIL_BYTES else lines


def anchored_numbers(settings: Settings) -> dict[str, int]:
    """The highest dossier number anchored, by `numbers_key`: numbers at or below it were
    printed once and are never issued again, even if the database was restored from an
    older backup. Only lines carrying the office's key count."""
    key, seen = audit_key(settings), 0
    found: dict[str, int] = {}
    for line in reversed(_tail_lines(settings)):
        if seen >= _NUMBERS_WINDOW:
            break
        try:
            data = json.loads(line)
            mac = data.pop("mac")
            numbers = data.get("dossiers")
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
        if not isinstance(numbers, dict) or not hmac.compare_digest(str(mac), _mac(key, data)):
            continue
        seen += 1
        for k, v in numbers.items():
            if isinstance(v, int) and v > found.get(k, 0):
                found[k] = v
    return found


def _dossier_numbers(conn: Connection, settings: Settings) -> dict[str, int]:
    """The dossier numbers the database has taken, merged with those anchored before."""
    merged = anchored_numbers(settings)
    rows = conn.execute(
        text("SELECT office_id, year, value FROM counter WHERE name = 'dossier'")
    ).all()
    for office_id, year, value in rows:
        k = numbers_key(int(office_id), int(year))
        merged[k] = max(merged.get(k, 0), int(value))
    return dict(sorted(merged.items()))


def write_anchor(conn: Connection, settings: Settings, at: datetime, why: str) -> Anchor:
    """Append the committed heads (as this connection sees them) to the anchor log."""
    head = conn.execute(
        select(AuditHead.seq, AuditHead.hash, AuditHead.seal_seq, AuditHead.seal_hash).where(  # type: ignore[call-overload]
            AuditHead.id == 1
        )
    ).one()
    body = {
        "at": canonical_json(at).strip('"'),
        "seq": head.seq,
        "hash": head.hash,
        "seal_seq": head.seal_seq,
        "seal_hash": head.seal_hash,
        "why": why,
        "dossiers": _dossier_numbers(conn, settings),
    }
    line = canonical_json({**body, "mac": _mac(audit_key(settings), body)}) + "\n"
    folder = anchor_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / ANCHOR_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return Anchor(**body)


def _lines(settings: Settings) -> list[str]:
    try:
        text = (anchor_dir(settings) / ANCHOR_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return text.splitlines()


def read_anchors(settings: Settings) -> tuple[list[Anchor], list[str]]:
    """The anchors whose HMAC holds, and a problem line for every one that does not."""
    key, good, bad = audit_key(settings), [], []
    for n, line in enumerate(_lines(settings), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            mac = data.pop("mac")
            anchor = Anchor(**data)
        except (ValueError, TypeError, KeyError):
            bad.append(f"anchor line {n} is not an anchor (damaged)")
            continue
        if not hmac.compare_digest(mac, _mac(key, data)):
            bad.append(f"anchor line {n} does not carry the office's key (forged or damaged)")
            continue
        good.append(anchor)
    return good, bad


def _event_hash(conn: Connection, seq: int) -> str | None:
    if seq == 0:
        return "0" * 64
    found = conn.execute(select(col(AuditEvent.hash)).where(col(AuditEvent.seq) == seq)).scalar()
    return None if found is None else str(found)


def _seal_hash(conn: Connection, seq: int) -> str | None:
    if seq == 0:
        return "0" * 64
    found = conn.execute(select(col(RowSeal.hash)).where(col(RowSeal.seq) == seq)).scalar()
    return None if found is None else str(found)


def check_anchors(conn: Connection, settings: Settings) -> tuple[int, list[str]]:
    """How many anchors were checked, and what disagrees between them and the database."""
    anchors, problems = read_anchors(settings)
    head = conn.execute(
        select(AuditHead.seq, AuditHead.seal_seq).where(AuditHead.id == 1)  # type: ignore[call-overload]
    ).one()
    for a in anchors:
        when = f"anchored {a.at} ({a.why})"
        if a.seq > head.seq:
            problems.append(
                f"audit event {a.seq} was {when} but the chain now ends at {head.seq} (truncated)"
            )
        elif _event_hash(conn, a.seq) != a.hash:
            problems.append(
                f"audit event {a.seq} differs from its hash {when} (the chain was rewritten)"
            )
        if a.seal_seq > head.seal_seq:
            problems.append(
                f"seal {a.seal_seq} was {when} but the seal chain now ends at"
                f" {head.seal_seq} (truncated)"
            )
        elif _seal_hash(conn, a.seal_seq) != a.seal_hash:
            problems.append(
                f"seal {a.seal_seq} differs from its hash {when} (the seal chain was rewritten)"
            )
    return len(anchors), problems


def check_expected(conn: Connection, expected: str) -> str | None:
    """Check a head printed on paper, `SEQ:HASH`: None if the chain holds it, else why not."""
    seq_text, _, digest = expected.partition(":")
    try:
        seq = int(seq_text)
    except ValueError:
        return f"--expect must be SEQ:HASH (got {expected!r})"
    digest = digest.strip().lower()
    if seq < 0 or len(digest) != 64:
        return f"--expect must be SEQ:HASH with a 64-digit hash (got {expected!r})"
    found = _event_hash(conn, seq)
    if found is None:
        head = conn.execute(select(AuditHead.seq).where(AuditHead.id == 1)).scalar()  # type: ignore[call-overload]
        return f"audit event {seq} is not in the chain (it ends at {head}: truncated)"
    if found != digest:
        return f"audit event {seq} has hash {found}, not {digest} (the chain was rewritten)"
    return None


def anchor_committed(session: Session, settings: Settings, at: datetime, why: str) -> Anchor | None:
    """Anchor the heads just committed, reading them in a short read-only transaction (no
    write lock held on SQLite), which is ended before returning."""
    from compliance.db import begin_read

    try:
        begin_read(session)
        return anchor_quietly(session.connection(), settings, at, why)
    except Exception:
        logging.getLogger(__name__).exception("could not read the heads to anchor them")
        return None
    finally:
        session.rollback()


def anchor_quietly(conn: Connection, settings: Settings, at: datetime, why: str) -> Anchor | None:
    """Anchor after something was printed or the night's work committed; a folder that
    cannot be written is logged (the print itself is kept) and `audit verify` still works."""
    try:
        return write_anchor(conn, settings, at, why)
    except Exception:  # never undo what was printed; `audit anchor` can be run by hand
        logging.getLogger(__name__).exception("could not append to the audit anchor log")
        return None
