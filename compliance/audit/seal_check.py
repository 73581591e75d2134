"""Checking the row seals: every current row of a sealed table against its latest seal,
the seal chain's MACs, and the one-off baseline for rows written before sealing began."""

import hmac
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    select,
)

from compliance.audit.models import (
    GENESIS_HASH,
    AuditHead,
    RowSeal,
    RowSealLatest,
    SealBaseline,
)
from compliance.audit.seals import (
    CHUNK,
    SEALED,
    SEALED_TABLES,
    append_seal,
    current_hashes,
    latest_mac,
    row_hash,
    seal_hash,
    seal_key,
    tables_named,
)


@dataclass(frozen=True)
class RowProblem:
    """One row that does not match its seal."""

    table: str
    row_id: int
    kind: str  # "changed", "deleted" or "unsealed"
    audit_seq: int | None  # the audit head when the row was last written by the app
    seal_seq: int | None

    def describe(self) -> str:
        """One line for people."""
        lawful = (
            f"last lawful write under audit event {self.audit_seq} (seal {self.seal_seq})"
            if self.seal_seq is not None
            else "never written by the app"
        )
        what = {
            "changed": "changed outside the app",
            "deleted": "deleted outside the app",
            "unsealed": "written outside the app (no seal)",
        }[self.kind]
        return f"{self.table} {self.row_id}: {what}; {lawful}"


@dataclass
class RowsReport:
    """Result of checking every sealed table against its seals."""

    ok: bool = True
    links: int = 0
    rows: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    chain_error: str = ""
    problems: list[RowProblem] = field(default_factory=list)


def _walk(conn: Connection) -> Iterator[RowSeal]:
    stmt = (
        select(RowSeal)
        .order_by(RowSeal.seq)  # type: ignore[arg-type]
        .execution_options(yield_per=1000)
    )
    for row in conn.execute(stmt):
        yield RowSeal.model_validate(row._mapping)


def verify_rows(conn: Connection, *, limit: int = 1000) -> RowsReport:
    """Walk the seal chain, then recompute every current row of every sealed table."""
    key = seal_key()
    head = conn.execute(
        select(AuditHead.seal_seq, AuditHead.seal_hash).where(AuditHead.id == 1)  # type: ignore[call-overload]
    ).one()
    report = RowsReport(head_seq=head.seal_seq, head_hash=head.seal_hash)
    latest: dict[str, dict[int, tuple[str | None, int, int]]] = defaultdict(dict)
    expected, prev = 1, GENESIS_HASH
    for link in _walk(conn):
        if link.seq != expected:
            report.chain_error = f"seal {expected} is missing (next found is {link.seq})"
            break
        recomputed = seal_hash(
            seq=link.seq,
            at=link.at,
            audit_seq=link.audit_seq,
            payload=link.payload,
            prev_hash=link.prev_hash,
            key=key,
        )
        if link.prev_hash != prev or not hmac.compare_digest(recomputed, link.hash):
            report.chain_error = (
                f"seal {link.seq} does not match its keyed hash (edited, or made without the"
                " office's key)"
            )
            break
        for table, row_id, digest in json.loads(link.payload):
            latest[table][row_id] = (digest, link.audit_seq, link.seq)
        prev, expected, report.links = link.hash, expected + 1, report.links + 1
    if not report.chain_error and (head.seal_seq != expected - 1 or head.seal_hash != prev):
        report.chain_error = (
            f"seal chain ends at {expected - 1} but the head says {head.seal_seq} "
            "(truncated or rewritten)"
        )

    def problem(p: RowProblem) -> None:
        report.ok = False
        if len(report.problems) < limit:
            report.problems.append(p)

    for table in tables_named(SEALED_TABLES):
        seals = latest.get(table.name, {})
        seen: set[int] = set()
        pk = table.primary_key.columns.values()[0]
        stmt = select(table).order_by(pk).execution_options(yield_per=2000)
        for row in conn.execute(stmt):
            m = row._mapping
            row_id = m[pk.name]
            seen.add(row_id)
            report.rows += 1
            sealed = seals.get(row_id)
            if sealed is None:
                problem(RowProblem(table.name, row_id, "unsealed", None, None))
            elif sealed[0] is None or sealed[0] != row_hash(table.name, m):
                problem(RowProblem(table.name, row_id, "changed", sealed[1], sealed[2]))
        for row_id, (digest, audit_seq, seal_seq) in sorted(seals.items()):
            if digest is not None and row_id not in seen:
                problem(RowProblem(table.name, row_id, "deleted", audit_seq, seal_seq))
    if report.chain_error:
        report.ok = False
    return report


def seal_baseline(conn: Connection) -> int:
    """Seal, once, the rows that existed before sealing began (ids up to the baseline the
    migration recorded) and have no seal yet; how many rows were sealed."""
    marks = {
        r.table_name: r.max_id
        for r in conn.execute(select(SealBaseline.table_name, SealBaseline.max_id))  # type: ignore[call-overload]
    }
    if not marks:
        return 0
    sealed: dict[str, set[int]] = defaultdict(set)
    for link in _walk(conn):
        for table, row_id, _digest in json.loads(link.payload):
            sealed[table].add(row_id)
    entries: list[list[Any]] = []
    for table in tables_named(name for name in SEALED_TABLES if marks.get(name, 0) > 0):
        pk = table.primary_key.columns.values()[0]
        for row in conn.execute(select(table).where(pk <= marks[table.name])):
            m = row._mapping
            if m[pk.name] not in sealed[table.name]:
                entries.append([table.name, m[pk.name], row_hash(table.name, m)])
    conn.execute(SealBaseline.__table__.delete())  # type: ignore[attr-defined]
    if entries:
        append_seal(conn, entries)
    return len(entries)


def check_rows(conn: Connection, wanted: Mapping[str, Iterable[int]]) -> list[RowProblem]:
    """Check these rows against their latest seals (a dossier's rows, before printing):
    each changed, deleted or unsealed one, as `verify_rows` would report it."""
    key = seal_key()
    latest = RowSealLatest.__table__  # type: ignore[attr-defined]
    problems: list[RowProblem] = []
    for name, ids in sorted(wanted.items()):
        want = sorted(set(ids))
        if name not in SEALED or not want:
            continue
        (table,) = tables_named([name])
        now = current_hashes(conn, table, want)
        seals: dict[int, Any] = {}
        for i in range(0, len(want), CHUNK):
            for r in conn.execute(
                select(latest).where(
                    latest.c.table_name == name, latest.c.row_id.in_(want[i : i + CHUNK])
                )
            ):
                ok = hmac.compare_digest(r.mac, latest_mac(key, name, r.row_id, r.hash, r.seal_seq))
                seals[r.row_id] = r if ok else None
        for row_id in want:
            sealed = seals.get(row_id)
            current = now.get(row_id)
            if sealed is None:
                if current is not None:
                    problems.append(RowProblem(name, row_id, "unsealed", None, None))
            elif current is None:
                if sealed.hash is not None:
                    problems.append(
                        RowProblem(name, row_id, "deleted", sealed.audit_seq, sealed.seal_seq)
                    )
            elif current != sealed.hash:
                problems.append(
                    RowProblem(name, row_id, "changed", sealed.audit_seq, sealed.seal_seq)
                )
    return problems
