"""Row seals: every business row the app writes is witnessed by its canonical hash.

How it works, with no use case having to take part:

- Every INSERT, UPDATE or DELETE the app sends to a sealed table passes `_track` (a Core
  `before_execute` listener on every engine, so the ORM's unit of work, `session.execute`
  of a conditional UPDATE and `session.connection().execute` are all seen). It notes, on the
  connection, which rows the statement touches: for an UPDATE or DELETE the ids its WHERE
  clause selects just before it runs (read straight from the parameters when the clause is
  `id = :param`, as the unit of work writes it); for an INSERT the table's highest id before
  it, so that every row above it is this transaction's.
- When the session commits (`before_commit`, also for a test's savepoint; a transaction
  committed on its Connection is sealed by the Connection's `commit` event), the touched rows
  are read back as they now stand and one link is appended to the seal chain (`row_seal`):
  for each row its table, id and the SHA-256 of its canonical JSON, or null if it is gone.
  The link records the audit head it was sealed under and is chained by an HMAC under the
  anchor log's key (never in the database), so one who can only write the database cannot
  add a link that re-seals his edit; `audit_head` keeps both heads and the anchor log
  (anchor.py) witnesses both.
- Why a chain of its own rather than an audit event per transaction: the audit trail stays
  one event per thing a person did (its readers and its counts are unchanged), while a seal
  link may carry thousands of rows (an import); both heads are anchored together.
- `verify_rows` (seal_check.py) reads the latest seal of every row and recomputes every
  current row of the sealed tables: a different hash is a change made outside the app, a
  sealed row that is missing was deleted outside the app, a row never sealed was written
  outside the app (or before sealing began: `compliance audit seal-baseline` seals those
  once).

Writes from outside the app (a SQL shell, another program) pass none of this, so they leave
no seal and are reported.
"""

import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    Table,
    bindparam,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql.dml import Delete, Insert, Update
from sqlalchemy.sql.elements import BinaryExpression, BindParameter
from sqlalchemy.sql.operators import eq

from compliance.audit.canonical import canonical_json
from compliance.audit.models import (
    AuditHead,
    RowSeal,
    RowSealLatest,
)
from compliance.config import Settings, get_settings

# The business records (SPEC §7): evidence, findings, cases and everything that hangs off
# them, deductions and instalments, dossiers, policy versions, users, staff and wages.
SEALED_TABLES: tuple[str, ...] = (
    "annotation",
    "appeal",
    "approval",
    "attendance_event",
    "case_attachment",
    "case_file",
    "case_finding",
    "case_step",
    "damage_incident",
    "damage_photo",
    "damage_settlement",
    "deduction",
    "dossier",
    "emergency_report",
    "fee_bill",
    "fee_contact",
    "fee_payment",
    "feedback",
    "finding",
    "import_profile",
    "instalment",
    "lobby_notice",
    "minimum_wage",
    "notice",
    "notice_document",
    "office",
    "overtime_request",
    "policy_version",
    "proposal",
    "return_visit",
    "roster_shift",
    "service_call",
    "service_event",
    "service_hop",
    "service_order",
    "spot_check",
    "spot_check_item",
    "spot_check_photo",
    "staff",
    "staff_wage",
    "statement",
    "stored_file",
    "tip_line",
    "union_notice",
    "user",
    "visit",
)
SEALED = frozenset(SEALED_TABLES)

_TOUCHED = "compliance_seal_touched"  # conn.info: {table: {id, ...}}
_ABOVE = "compliance_seal_inserted_above"  # conn.info: {table: highest id before an INSERT}
CHUNK = 500


def _table_of(stmt: Insert | Update | Delete) -> Table | None:
    table = stmt.table
    name = getattr(table, "name", None)
    if name not in SEALED or not isinstance(table, Table):
        return None
    return table


def _param_sets(multiparams: Any, params: Any) -> list[Mapping[str, Any]]:
    if multiparams:
        if len(multiparams) == 1 and isinstance(multiparams[0], list | tuple):
            return list(multiparams[0])
        return [p for p in multiparams if isinstance(p, Mapping)]
    return [params] if params else []


def _ids_from_params(
    table: Table, where: Any, sets: Sequence[Mapping[str, Any]]
) -> list[int] | None:
    """The ids of `WHERE id = :param` (the unit of work's form) without a query."""
    if not isinstance(where, BinaryExpression) or where.operator is not eq:
        return None
    left, right = where.left, where.right
    pk = table.primary_key.columns.values()[0]
    left_table = getattr(left, "table", None)
    if getattr(left, "name", None) != pk.name or getattr(left_table, "name", None) != table.name:
        return None
    if not isinstance(right, BindParameter):
        return None
    if not sets:
        return [right.value] if isinstance(right.value, int) else None
    ids = [s.get(right.key) for s in sets]
    return ids if all(isinstance(i, int) for i in ids) else None  # type: ignore[return-value]


@cache
def _max_id(table: Table) -> Select[Any]:
    return select(func.max(table.primary_key.columns.values()[0]))


@event.listens_for(Engine, "before_execute")
def _track(
    conn: Connection,
    clauseelement: Any,
    multiparams: Any,
    params: Any,
    execution_options: Any,
) -> None:
    if not isinstance(clauseelement, Insert | Update | Delete):
        return
    table = _table_of(clauseelement)
    if table is None:
        return
    pk = table.primary_key.columns.values()[0]
    if isinstance(clauseelement, Insert):
        above: dict[str, int] = conn.info.setdefault(_ABOVE, {})
        if table.name not in above:
            highest = conn.execute(_max_id(table)).scalar()
            above[table.name] = int(highest or 0)
        return
    where = clauseelement.whereclause
    sets = _param_sets(multiparams, params)
    ids = _ids_from_params(table, where, sets)
    if ids is None:
        query = select(pk) if where is None else select(pk).where(where)
        found: set[int] = set()
        for one in sets or [{}]:
            found.update(conn.execute(query, dict(one)).scalars())
        ids = list(found)
    touched: dict[str, set[int]] = conn.info.setdefault(_TOUCHED, {})
    touched.setdefault(table.name, set()).update(ids)


@event.listens_for(Engine, "commit")
def _seal_left_over(conn: Connection) -> None:
    """A transaction committed on its Connection (not through a Session's commit, e.g. an
    outer transaction around savepoint sessions) seals what it still holds, just before."""
    if conn.info.get(_TOUCHED) or conn.info.get(_ABOVE):
        seal_pending(conn)


@event.listens_for(Engine, "rollback")
def _forget(conn: Connection) -> None:
    conn.info.pop(_TOUCHED, None)
    conn.info.pop(_ABOVE, None)


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return _norm(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, float):
        return repr(value)
    return value


def row_hash(table: str, row: Mapping[str, Any] | Any) -> str:
    """SHA-256 of the row's canonical JSON: every column, typed values normalised (UTC ISO
    datetimes, ISO dates, ints, text), with the table's name."""
    body = canonical_json({"table": table, "row": {str(k): _norm(v) for k, v in row.items()}})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def tables_named(names: Iterable[str]) -> Iterator[Table]:
    """The sealed tables of these names, every model loaded into the metadata."""
    from sqlmodel import SQLModel

    import compliance.models_all  # noqa: F401  (every table in the metadata)

    for name in names:
        yield SQLModel.metadata.tables[name]


@cache
def _by_ids(table: Table) -> Select[Any]:
    pk = table.primary_key.columns.values()[0]
    return select(table).where(pk.in_(bindparam("ids", expanding=True)))


@cache
def _above_id(table: Table) -> Select[Any]:
    pk = table.primary_key.columns.values()[0]
    return select(table).where(pk > bindparam("above"))


def current_hashes(conn: Connection, table: Table, ids: Sequence[int]) -> dict[int, str]:
    """The row hash of each of these rows as it now stands (absent: deleted)."""
    pk = table.primary_key.columns.values()[0].name
    out: dict[int, str] = {}
    for i in range(0, len(ids), CHUNK):
        for row in conn.execute(_by_ids(table), {"ids": list(ids[i : i + CHUNK])}):
            m = row._mapping
            out[m[pk]] = row_hash(table.name, m)
    return out


def _above(conn: Connection, table: Table, highest: int) -> dict[int, str]:
    pk = table.primary_key.columns.values()[0].name
    out: dict[int, str] = {}
    for row in conn.execute(_above_id(table), {"above": highest}):
        m = row._mapping
        out[m[pk]] = row_hash(table.name, m)
    return out


@cache
def _key_for(audit_key: str, data_dir: str) -> bytes:
    from compliance.audit.anchor import audit_key as read_key

    return read_key(Settings(audit_key=audit_key, data_dir=Path(data_dir)))


def seal_key() -> bytes:
    """The key seal links are keyed with: the anchor log's key (COMPLIANCE_AUDIT_KEY, or
    `audit.key` beside the data folder), never stored in the database."""
    settings = get_settings()
    return _key_for(settings.audit_key, str(settings.data_dir))


def seal_hash(
    *, seq: int, at: datetime, audit_seq: int, payload: str, prev_hash: str, key: bytes
) -> str:
    """HMAC-SHA256, under a key outside the database, over every field of a seal link and
    the previous link's hash: one who can only write the database cannot add a link."""
    body = canonical_json(
        {"seq": seq, "at": at, "audit_seq": audit_seq, "payload": payload, "prev_hash": prev_hash}
    )
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


_HEAD = AuditHead.__table__  # type: ignore[attr-defined]
_HEAD_FOR_UPDATE = (
    select(_HEAD.c.seq, _HEAD.c.seal_seq, _HEAD.c.seal_hash)
    .where(_HEAD.c.id == 1)
    .with_for_update()
)
_INSERT_SEAL = insert(RowSeal.__table__)  # type: ignore[attr-defined]
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seal_seq=bindparam("new_seq"), seal_hash=bindparam("new_hash"))
)


def append_seal(conn: Connection, entries: list[list[Any]], at: datetime | None = None) -> int:
    """Append one link sealing `entries` ([table, id, hash or None]); its sequence number."""
    head = conn.execute(_HEAD_FOR_UPDATE).one()
    seq = int(head.seal_seq) + 1
    at = at or datetime.now(UTC)
    payload = canonical_json(sorted(entries, key=lambda e: (e[0], e[1])))
    digest = seal_hash(
        seq=seq,
        at=at,
        audit_seq=head.seq,
        payload=payload,
        prev_hash=head.seal_hash,
        key=seal_key(),
    )
    conn.execute(
        _INSERT_SEAL,
        {
            "seq": seq,
            "at": at,
            "audit_seq": head.seq,
            "payload": payload,
            "prev_hash": head.seal_hash,
            "hash": digest,
        },
    )
    conn.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": digest})
    _keep_latest(conn, entries, seq, int(head.seq))
    return seq


def latest_mac(key: bytes, table: str, row_id: int, digest: str | None, seal_seq: int) -> str:
    """The MAC, under the key, of the latest seal kept for one row."""
    body = canonical_json([table, row_id, digest, seal_seq])
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def _keep_latest(conn: Connection, entries: list[list[Any]], seq: int, audit_seq: int) -> None:
    key = seal_key()
    table = RowSealLatest.__table__  # type: ignore[attr-defined]
    rows = [
        {
            "table_name": t,
            "row_id": i,
            "hash": h,
            "seal_seq": seq,
            "audit_seq": audit_seq,
            "mac": latest_mac(key, t, i, h, seq),
        }
        for t, i, h in entries
    ]
    if conn.dialect.name == "postgresql":
        stmt: Any = pg_insert(table)
    else:
        stmt = sqlite_insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["table_name", "row_id"],
        set_={c: stmt.excluded[c] for c in ("hash", "seal_seq", "audit_seq", "mac")},
    )
    for i in range(0, len(rows), CHUNK):
        conn.execute(stmt, rows[i : i + CHUNK])


def seal_pending(conn: Connection) -> int | None:
    """Seal the rows this connection's transaction touched (None if it touched none)."""
    touched: dict[str, set[int]] = conn.info.pop(_TOUCHED, None) or {}
    above: dict[str, int] = conn.info.pop(_ABOVE, None) or {}
    if not touched and not above:
        return None
    entries: list[list[Any]] = []
    for table in tables_named(sorted(set(touched) | set(above))):
        ids = sorted(touched.get(table.name, ()))
        now = current_hashes(conn, table, ids) if ids else {}
        if table.name in above:
            now.update(_above(conn, table, above[table.name]))
        for row_id in sorted(set(ids) | set(now)):
            entries.append([table.name, row_id, now.get(row_id)])
    if not entries:
        return None
    return append_seal(conn, entries)


@event.listens_for(OrmSession, "before_commit")
def _seal_on_commit(session: OrmSession) -> None:
    if session.get_transaction() is None:
        return
    session.flush()
    conn = session.connection()
    if conn.info.get(_TOUCHED) or conn.info.get(_ABOVE):
        seal_pending(conn)
