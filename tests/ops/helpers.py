"""A real installation for the fault tests: a database of its own (SQLite file, or a
PostgreSQL database when COMPLIANCE_TEST_DATABASE_URL is set), folders, and the environment
a server or CLI subprocess runs with; plus starting, checking and SIGKILLing subprocesses."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import Session

from compliance.config import PROJECT_ROOT
from tests.conftest import _drop_database, _new_database

KEY = "c3" * 32


@dataclass
class Install:
    """A migrated database and the environment that points a subprocess at it."""

    engine: Engine
    url: str
    root: Path
    env: dict[str, str]

    def count(self, sql: str) -> int:
        """One integer from the database (as the app committed it)."""
        with self.engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())

    def session(self) -> Session:
        """A session on the installation's database."""
        return Session(self.engine, expire_on_commit=False)


@contextmanager
def installation(tmp_path: Path) -> Iterator[Install]:
    """A new installation; its database is dropped afterwards."""
    from compliance.migrate import upgrade

    eng, name = _new_database(tmp_path)
    upgrade(eng)
    url = eng.url.render_as_string(hide_password=False)
    root = tmp_path / "install"
    env = {
        **os.environ,
        "COMPLIANCE_DATABASE_URL": url,
        "COMPLIANCE_DATA_DIR": str(root / "data"),
        "COMPLIANCE_AUDIT_KEY": KEY,
        "COMPLIANCE_NIGHTLY_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("COMPLIANCE_ANCHOR_DIR", None)
    try:
        yield Install(eng, url, root, env)
    finally:
        eng.dispose()
        _drop_database(name)


def free_port() -> int:
    """A local TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proc:
    """A subprocess of the test, always SIGKILLed by `stop` (called in a finally)."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out = log.open("ab")
        # A session (process group) of its own: the kill reaches its helper processes too.
        self.p = subprocess.Popen(
            args,
            env=env,
            cwd=PROJECT_ROOT,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL it and every process it started: no cleanup, no atexit, no flush; as a
        power cut is to the process."""
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.p.wait(30)

    def children(self) -> list[int]:
        """The ids of the processes it started that still run."""
        try:
            found = Path(f"/proc/{self.p.pid}/task/{self.p.pid}/children").read_text()
        except OSError:
            return []
        return [int(x) for x in found.split()]

    def stop(self) -> None:
        """Kill it if it still runs, and close its log."""
        try:
            self.kill()
        finally:
            self._out.close()

    def output(self) -> str:
        """What it printed so far."""
        self._out.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_server(inst: Install, log: Path) -> tuple[Proc, str]:
    """uvicorn serving the app on 127.0.0.1 in a subprocess; returns once /healthz answers."""
    port = free_port()
    args = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
    proc = Proc([*args, "--port", str(port), "--no-access-log"], inst.env, log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.p.poll() is not None:
            raise AssertionError(f"the server exited at start:\n{proc.output()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.stop()
            raise AssertionError(f"the server did not answer /healthz:\n{proc.output()}")
        time.sleep(0.1)


def cli(inst: Install, log: Path, *args: str) -> Proc:
    """`compliance ...` in a subprocess against the installation."""
    return Proc([str(Path(sys.executable).parent / "compliance"), *args], inst.env, log)


def wait_for(pred: object, what: str, timeout_s: float = 60) -> None:
    """Poll a condition (a callable returning truth) until it holds."""
    assert callable(pred)
    deadline = time.monotonic() + timeout_s
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
