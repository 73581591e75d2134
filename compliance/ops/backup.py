"""Backup of an office's installation, while the app is serving (restore: ops/restore.py).

A backup is one folder `compliance-backup-<UTC time>` holding:

- the database: on SQLite a page-for-page copy made with SQLite's online backup API (one
  consistent snapshot; writers carry on meanwhile), on PostgreSQL a `pg_dump --format=custom`
  taken in a snapshot exported from the transaction that reads the heads, so the heads in the
  manifest are exactly those in the dump;
- `files/`: the data folder (uploaded photos and every other stored file);
- `anchors/`: the anchor log of the audit chain, copied *before* the database snapshot, so
  that every head it anchors is in the copy of the database;
- `manifest.json`: the SHA-256 and size of every file, the database's schema revision and
  the audit and seal heads at the snapshot, and a check value of the audit key.

The HMAC audit key (COMPLIANCE_AUDIT_KEY or `audit.key` beside the data folder) is never in
a backup: one who steals a backup must not be able to forge anchors or seals. The operator
keeps the key apart (e.g. printed, or in a password safe) and puts it back before a restore.

The folder is written under a temporary name and renamed when complete, so a backup that
was cut off never looks finished.
"""

import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.engine import URL

from compliance.audit import anchor
from compliance.config import Settings

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FILES = "files"
ANCHORS = "anchors"
FORMAT = 1
_KEY_CHECK_MSG = b"compliance backup: audit key check"
KEY_NOTE = (
    "The audit key (COMPLIANCE_AUDIT_KEY or audit.key beside the data folder) is not in this "
    "backup; the operator keeps it apart and puts it back before restoring."
)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Head:
    """What the copied database holds: schema revision and the audit and seal heads."""

    revision: str | None
    seq: int
    hash: str
    seal_seq: int
    seal_hash: str


@dataclass(frozen=True)
class BackupResult:
    """The finished backup folder and what its manifest says."""

    folder: Path
    head: Head
    files: int


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_head(conn: Connection) -> Head:
    """The schema revision and the audit and seal heads, as the connection sees them."""
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    row = conn.execute(
        text("SELECT seq, hash, seal_seq, seal_hash FROM audit_head WHERE id = 1")
    ).one_or_none()
    if row is None:
        return Head(revision, 0, "0" * 64, 0, "0" * 64)
    return Head(revision, int(row.seq), str(row.hash), int(row.seal_seq), str(row.seal_hash))


def key_available(settings: Settings) -> bool:
    """Whether the audit key can be read here."""
    return bool(settings.audit_key) or (settings.data_dir.parent / anchor.KEY_FILE).exists()


def key_check(settings: Settings) -> str | None:
    """A value that tells whether a restore runs under the same audit key (None if no key
    has been made yet); it reveals nothing of the key."""
    if not key_available(settings):
        return None
    return hmac.new(anchor.audit_key(settings), _KEY_CHECK_MSG, hashlib.sha256).hexdigest()


def is_sqlite(url: str) -> bool:
    """Whether a database URL names SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path:
    """The database file of a SQLite URL."""
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError(f"a backup needs a database file, not {url!r}")
    return Path(path)


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL as pg_dump/pg_restore take it, and the environment carrying the password
    (kept off the command line, where other users of the machine could read it)."""
    u: URL = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    plain = u.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client tool (pg_dump, pg_restore), or BackupError."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools are needed)")
    return found


def _check_tool_version(tool: str, conn: Connection) -> None:
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    m = re.search(r"(\d+)(?:\.(\d+))?", out)
    server = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    if m is None or int(m.group(1)) < server:
        raise BackupError(
            f"{Path(tool).name} is version {out.strip()!r} but the server is PostgreSQL "
            f"{server}: install the client tools of version {server} or newer"
        )


def _walk(root: Path, skip: set[Path]) -> Iterator[Path]:
    """Regular files under root, in order, leaving out skipped folders, the key file and
    files half-written by the app (`.name.tmp`)."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() not in skip)
        for name in sorted(filenames):
            if name == anchor.KEY_FILE or (name.startswith(".") and name.endswith(".tmp")):
                continue
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path


def copy_tree(src: Path, dst: Path, skip: set[Path]) -> int:
    """Copy a folder's files (but those under `skip`); returns how many."""
    n = 0
    for path in _walk(src, skip):
        target = dst / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        n += 1
    return n


def _dump_sqlite(url: str, out: Path, busy_timeout_ms: int) -> Head:
    src_path = sqlite_path(url)
    if not src_path.exists():
        raise BackupError(f"no database file at {src_path}")
    # Not opened read-only: a WAL database with no -shm file yet could not be read so.
    src = sqlite3.connect(src_path, timeout=busy_timeout_ms / 1000)
    dst = sqlite3.connect(out)
    try:
        # One step copies every page under one read snapshot: in WAL mode writers go on
        # meanwhile and what they commit is simply not in this backup.
        src.backup(dst, pages=-1)
    finally:
        src.close()
        dst.close()
    eng = create_engine(f"sqlite:///{out}")
    try:
        with eng.connect() as conn:
            return read_head(conn)
    finally:
        eng.dispose()


def _dump_postgres(url: str, out: Path) -> Head:
    pg_dump = pg_tool("pg_dump")
    target, env = libpq(url)
    eng = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with eng.connect() as conn:
            _check_tool_version(pg_dump, conn)
            conn.rollback()
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                head = read_head(conn)
                # pg_dump reads the very snapshot the heads were read in (kept open here).
                done = subprocess.run(
                    [
                        pg_dump,
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        "--no-owner",
                        "--no-privileges",
                        "--file",
                        str(out),
                        "--dbname",
                        target,
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                )
                if done.returncode != 0:
                    raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
            return head
    finally:
        eng.dispose()


def backup(settings: Settings, to: Path, *, now: datetime | None = None) -> BackupResult:
    """Write one backup folder under `to` and return it."""
    now = now or datetime.now(UTC)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    to.mkdir(parents=True, exist_ok=True)
    final = to / f"compliance-backup-{stamp}"
    if final.exists():
        raise BackupError(f"{final} exists already")
    work = to / f".{final.name}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        # The anchor log first: every head it anchors is then in the database copied below.
        anchors = anchor.anchor_dir(settings)
        skip = {to.resolve(), anchors.resolve()}
        copy_tree(anchors, work / ANCHORS, {to.resolve()})
        url = settings.database_url
        if is_sqlite(url):
            db_name = SQLITE_FILE
            head = _dump_sqlite(url, work / db_name, settings.sqlite_busy_timeout_ms)
        else:
            db_name = PG_FILE
            head = _dump_postgres(url, work / db_name)
        # Stored files after: a photo is written before its row commits, so every file the
        # copied rows name is here (a few newer ones may be too; they harm nothing).
        copy_tree(settings.data_dir, work / FILES, skip)
        files = {
            p.relative_to(work).as_posix(): {"sha256": _sha256(p), "bytes": p.stat().st_size}
            for p in _walk(work, set())
        }
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": now.astimezone(UTC).isoformat(),
            "database": {
                "kind": "sqlite" if is_sqlite(url) else "postgresql",
                "file": db_name,
                "revision": head.revision,
            },
            "audit_head": {"seq": head.seq, "hash": head.hash},
            "seal_head": {"seq": head.seal_seq, "hash": head.seal_hash},
            "key_check": key_check(settings),
            "audit_key": KEY_NOTE,
            "files": files,
        }
        (work / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        _fsync_tree(work)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupResult(final, head, len(files))


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, filenames in os.walk(root):
        for name in filenames:
            fd = os.open(Path(dirpath) / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


# ---------------------------------------------------------------------------------------
# Restore


def read_manifest(folder: Path) -> dict[str, Any]:
    """The backup's manifest, after checking every file against its SHA-256."""
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a backup (no {MANIFEST})") from None
    except ValueError:
        raise BackupError(f"{folder / MANIFEST} is damaged (not JSON)") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} has backup format {manifest.get('format')!r}, not {FORMAT}")
    listed = manifest["files"]
    for rel, want in listed.items():
        path = folder / rel
        if not path.is_file():
            raise BackupError(f"the backup is incomplete: {rel} is missing")
        if _sha256(path) != want["sha256"]:
            raise BackupError(f"the backup is damaged: {rel} does not match its SHA-256")
    extra = sorted(
        p.relative_to(folder).as_posix()
        for p in _walk(folder, set())
        if p.name != MANIFEST and p.relative_to(folder).as_posix() not in listed
    )
    if extra:
        raise BackupError(f"the backup holds files its manifest does not list: {extra[:5]}")
    return manifest
