"""Engine, session and unit of work; SQLite is tuned for safe concurrent writes."""

import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

from compliance.config import Settings, get_settings
from compliance.errors import Conflict
from compliance.i18n import N_


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: store timezone-aware UTC")
        value = value.astimezone(UTC)
        # SQLite stores text; keep it naive-UTC so that ordering by text is ordering by time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        """On SQLite parse the stored text in one C call (the generic path is a regex)."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def parse(value: str | None) -> datetime | None:
            return None if value is None else datetime.fromisoformat(value + "+00:00")

        return parse

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Execution option of engines and connections whose transactions only read (see read_only).
READ_ONLY = "compliance_read_only"
_QUERY_ONLY = "compliance_query_only"  # in a pooled connection's info: its query_only pragma


_HOLDS_TURN = "compliance_holds_write_turn"  # in a pooled connection's info


class WriteTurns:
    """One write transaction at a time per engine in this process, in order of arrival.

    SQLite admits one writer; the others retry on its busy handler, which sleeps longer and
    longer between tries (up to 100 ms), so newcomers overtake those who have waited longest
    and, with 20 writers at once, some wait out the whole busy timeout and fail. Waiting in
    line here first hands the database to the next writer the moment the last one is done.
    Writers in other processes still meet at SQLite's own lock.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._line: deque[threading.Event] = deque()
        self._taken = False

    def acquire(self, timeout_s: float) -> bool:
        """Wait for our turn (False after timeout_s)."""
        with self._mutex:
            if not self._taken:
                self._taken = True
                return True
            turn = threading.Event()
            self._line.append(turn)
        if turn.wait(timeout_s):
            return True
        with self._mutex:
            if turn.is_set():  # handed over just as we gave up: it is ours
                return True
            self._line.remove(turn)
            return False

    @property
    def waiting(self) -> int:
        """How many are in line."""
        with self._mutex:
            return len(self._line)

    def release(self) -> None:
        """Hand the turn straight to the next in line, if anyone is waiting."""
        with self._mutex:
            if self._line:
                self._line.popleft().set()
            else:
                self._taken = False


def _sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    turns = WriteTurns()

    def take_turn(conn: Any) -> None:
        if conn.info.get(_HOLDS_TURN):
            return  # a later transaction on a connection that has not gone back to the pool
        if not turns.acquire(busy_timeout_ms / 1000):
            raise _busy()
        conn.info[_HOLDS_TURN] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn: Any) -> None:
        # The transaction ends: the next writer may go. (It may meet SQLite's lock for the
        # moment the COMMIT takes, and waits that out on the busy handler.) Holding the turn
        # until the connection went back to the pool kept writers waiting through the
        # request's hop back to the event loop.
        if conn.info.pop(_HOLDS_TURN, False):
            turns.release()

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        # Back in the pool without a COMMIT or ROLLBACK of ours (the pool's reset): release.
        if record.info.pop(_HOLDS_TURN, False):
            turns.release()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        # Hand transaction control to SQLAlchemy so that BEGIN IMMEDIATE below is honoured.
        dbapi_conn.isolation_level = None
        record.info[_QUERY_ONLY] = False  # SQLite's default for a new connection
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        # Detection reads a year of records at once: a larger page cache and memory-mapped
        # reads keep it off the system-call path (both are per-connection, read-side only).
        cur.execute("PRAGMA cache_size=-65536")
        cur.execute("PRAGMA mmap_size=268435456")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        read = bool(conn.get_execution_options().get(READ_ONLY, False))
        # query_only belongs to the connection and outlives the transaction: set it when the
        # pooled connection last ran the other kind (conn.info follows the DBAPI connection).
        if conn.info.get(_QUERY_ONLY) is not read:
            conn.exec_driver_sql(f"PRAGMA query_only={'ON' if read else 'OFF'}")
            conn.info[_QUERY_ONLY] = read
        if read:
            # A reader in WAL mode sees the last commit without taking any lock, so readers
            # never queue behind each other or behind a writer; query_only makes a stray
            # write fail at once instead of racing for the lock from a stale snapshot.
            # A deferred BEGIN touches no file and cannot fail, so it goes straight to the
            # driver: every GET runs it, and SQLAlchemy's statement path cost ten times more.
            conn.connection.driver_connection.execute("BEGIN")
            return
        # Take the write lock up front: a deferred transaction that later writes can fail
        # with SQLITE_BUSY instead of waiting, which would lose the user's change.
        take_turn(conn)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException as exc:
            if conn.info.pop(_HOLDS_TURN, False):
                turns.release()
            if isinstance(exc, OperationalError) and _is_busy(exc):
                # Another process held the database for the whole busy timeout.
                raise _busy() from exc
            raise


def _is_busy(exc: OperationalError) -> bool:
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc.orig) or "busy" in str(exc.orig)


def _busy() -> Conflict:
    """A writer that waited the whole busy timeout for the database: nothing was written,
    and the user is told so in words (the form keeps what they typed), not with a 500."""
    return Conflict(N_("the database is busy with other changes; nothing was saved, try again"))


def make_engine(url: str | None = None, settings: Settings | None = None) -> Engine:
    """Create an engine for the URL (default from settings) with the right pragmas."""
    settings = settings or get_settings()
    url = url or settings.database_url
    if url.startswith("sqlite"):
        # sqlite:///FILE is a file; sqlite:// and sqlite:///:memory: are in memory (a
        # single-connection pool that takes no pool sizes).
        path = url.split("///", 1)[1] if "///" in url else ""
        in_file = bool(path) and path != ":memory:"
        if in_file:
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        pool: dict[str, Any] = {}
        if in_file:
            pool = {"pool_size": POOL_SIZE, "max_overflow": MAX_OVERFLOW}
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
        _sqlite_pragmas(engine, settings.sqlite_busy_timeout_ms)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW)


# Connections per engine (per server process): POOL_SIZE for requests, MAX_OVERFLOW more for
# work outside requests (the nightly run) so that it never makes a request wait.
POOL_SIZE = 10
MAX_OVERFLOW = 10


def request_slots(engine: Engine) -> int | None:
    """How many requests may hold a session at once so that none waits for a pooled
    connection (None: the pool does not limit them)."""
    pool = engine.pool
    if isinstance(pool, QueuePool):
        return pool.size()
    return None


def read_only(engine: Engine) -> Engine:
    """The same engine and pool for transactions that only read (e.g. GET requests).

    On SQLite they begin deferred, so they take no write lock, and any write in them fails;
    a reader that must record something (a token's last use) calls `begin_write` first.
    """
    return engine.execution_options(**{READ_ONLY: True})


def begin_write(session: Session) -> None:
    """Let the session write from here on: a read-only session ends its read transaction
    (nothing to keep) and begins a write transaction; any other session is left as it is."""
    if not session.get_bind().get_execution_options().get(READ_ONLY, False):
        return
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={READ_ONLY: False})


def begin_read(session: Session) -> None:
    """Begin a transaction that only reads (no write lock on SQLite), whatever engine the
    session is on. Work left open is committed first. A session bound to a Connection runs
    inside that connection's transaction (tests) and is left as it is."""
    if session.in_transaction():
        session.commit()
    if isinstance(session.get_bind(), Engine):
        session.connection(execution_options={READ_ONLY: True})


def end_read(session: Session) -> None:
    """End a read-only session's transaction now, so that its connection goes back to the
    pool (e.g. before waiting on something else); any other session is left as it is."""
    if session.get_bind().get_execution_options().get(READ_ONLY, False):
        session.rollback()


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction per use case: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
