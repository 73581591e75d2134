"""Restore of a backup folder (see compliance.ops.backup) into an empty database and data
folder, and the check that the restored chain and seals match the manifest."""

import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from compliance.audit import anchor
from compliance.config import Settings
from compliance.ops.backup import (
    ANCHORS,
    FILES,
    BackupError,
    Head,
    copy_tree,
    is_sqlite,
    key_available,
    key_check,
    libpq,
    pg_tool,
    read_head,
    read_manifest,
    sqlite_path,
)


def _not_empty_sqlite(url: str) -> str | None:
    path = sqlite_path(url)
    if not path.exists() or path.stat().st_size == 0:
        return None
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    finally:
        con.close()
    return f"{path} already holds {tables[0]} table(s)" if tables[0] else None


def _not_empty_postgres(url: str) -> str | None:
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            n = conn.execute(
                text(
                    "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                    " ON n.oid = c.relnamespace WHERE n.nspname NOT IN"
                    " ('pg_catalog', 'information_schema', 'pg_toast')"
                    " AND n.nspname NOT LIKE 'pg_temp%' AND c.relkind IN ('r', 'p', 'v', 'S')"
                )
            ).scalar_one()
    finally:
        eng.dispose()
    db = make_url(url).database
    return f"database {db!r} already holds {n} table(s) or sequence(s)" if n else None


def _folder_in_use(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


@dataclass(frozen=True)
class RestoreResult:
    """What was put back where."""

    url: str
    head: Head
    files: int
    anchors: int


def restore(folder: Path, url: str, settings: Settings) -> RestoreResult:
    """Put a backup back into an empty database `url`, the data folder and anchor folder of
    `settings` (both must be empty or missing). Nothing is written unless every check
    passes first; verify the result afterwards (`verify_restored`)."""
    manifest = read_manifest(folder)
    kind = manifest["database"]["kind"]
    if kind != ("sqlite" if is_sqlite(url) else "postgresql"):
        raise BackupError(f"this backup holds a {kind} database; the target {url!r} is not one")
    try:
        problem = _not_empty_sqlite(url) if is_sqlite(url) else _not_empty_postgres(url)
    except (sqlite3.Error, SQLAlchemyError) as exc:
        raise BackupError(
            f"cannot open the target database (create it empty first): {exc}"
        ) from None
    if problem:
        raise BackupError(
            f"refused: the target is not empty ({problem}); restore only into an "
            "empty database, so that nothing there is overwritten"
        )
    anchors = anchor.anchor_dir(settings)
    for what, path in (("data folder", settings.data_dir), ("anchor folder", anchors)):
        if _folder_in_use(path):
            raise BackupError(
                f"refused: the {what} {path} is not empty; point the settings at an empty folder"
            )
    want = manifest.get("key_check")
    if want is not None:
        if not key_available(settings):
            raise BackupError(
                "put the office's audit key back first (COMPLIANCE_AUDIT_KEY, or the file "
                f"{settings.data_dir.parent / anchor.KEY_FILE} with mode 0600): the backup "
                "does not hold it, and its seals and anchors can only be checked with it"
            )
        if key_check(settings) != want:
            raise BackupError(
                "the audit key set here is not the one this backup was made under: its seals "
                "and anchors would not verify; set the office's key (COMPLIANCE_AUDIT_KEY)"
            )
    db_file = folder / manifest["database"]["file"]
    if is_sqlite(url):
        target = sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            src.close()
            dst.close()
    else:
        target_url, env = libpq(url)
        done = subprocess.run(
            [
                pg_tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                target_url,
                str(db_file),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    n_files = copy_tree(folder / FILES, settings.data_dir, set())
    n_anchors = copy_tree(folder / ANCHORS, anchors, set())
    head = Head(
        manifest["database"]["revision"],
        manifest["audit_head"]["seq"],
        manifest["audit_head"]["hash"],
        manifest["seal_head"]["seq"],
        manifest["seal_head"]["hash"],
    )
    return RestoreResult(url, head, n_files, n_anchors)


def verify_restored(url: str, settings: Settings, expected: Head) -> list[str]:
    """What `audit verify` finds wrong in the restored database (chain, anchors, row
    seals), and whether it holds the head and revision the manifest promises."""
    from sqlmodel import Session

    from compliance.audit import seal_check
    from compliance.audit import service as audit
    from compliance.db import make_engine

    problems: list[str] = []
    eng = make_engine(url, settings)
    try:
        with Session(eng) as session:
            conn = session.connection()
            got = read_head(conn)
            report = audit.verify(session)
            _n, anchor_problems = anchor.check_anchors(conn, settings)
            expect = anchor.check_expected(conn, f"{expected.seq}:{expected.hash}")
            rows = seal_check.verify_rows(conn)
    finally:
        eng.dispose()
    if got.revision != expected.revision:
        problems.append(f"schema revision is {got.revision}, the backup says {expected.revision}")
    if (got.seq, got.hash) != (expected.seq, expected.hash):
        problems.append(f"audit head is {got.seq} {got.hash}, the backup says {expected.seq}")
    if not report.ok:
        problems.append(f"audit chain broken at event {report.first_bad_seq}: {report.reason}")
    problems.extend(f"anchor: {p}" for p in anchor_problems)
    if expect is not None and expected.seq:
        problems.append(f"expected head: {expect}")
    if rows.chain_error:
        problems.append(f"row seals: {rows.chain_error}")
    problems.extend(f"row: {p.describe()}" for p in rows.problems)
    return problems
