"""A downgrade that would drop the audit trail is refused while the trail holds rows."""

import importlib.util
from types import ModuleType

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Engine, func, inspect, select
from sqlmodel import Session

from compliance.audit import service as audit
from compliance.audit.models import AuditEvent
from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.context import Ctx
from compliance.migrate import MIGRATIONS, downgrade
from tests import factories
from tests.conftest import NOW


def _migration(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, MIGRATIONS / "versions" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _with_an_audit_trail(engine: Engine, settings: Settings) -> int:
    with Session(engine, expire_on_commit=False) as s:
        office = factories.office_set(s)
        s.commit()
        ctx = Ctx(session=s, actor=office.actor("hr"), clock=FixedClock(NOW), settings=settings)
        audit.record(ctx, "office.noted", "office", office.office.id, {"note": "保留"})
        s.commit()
        return int(s.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def _run_downgrade_of(engine: Engine, name: str) -> None:
    with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        _migration(name).downgrade()


def test_downgrading_below_row_seals_is_refused_and_changes_nothing(fresh_engine, settings):
    events = _with_an_audit_trail(fresh_engine, settings)
    assert events >= 1
    with pytest.raises(RuntimeError, match="拒绝降级：这会删除审计记录"):
        downgrade(fresh_engine, "0010")
    tables = set(inspect(fresh_engine).get_table_names())
    assert {"row_seal", "row_seal_latest", "audit_event", "seal_baseline"} <= tables


def test_the_initial_migration_refuses_to_drop_a_trail_that_holds_events(fresh_engine, settings):
    _with_an_audit_trail(fresh_engine, settings)
    with pytest.raises(
        RuntimeError,
        match=r"below revision 0001: it would drop the audit trail \(rows in audit_event\)",
    ):
        _run_downgrade_of(fresh_engine, "0001_initial")
    assert "audit_event" in inspect(fresh_engine).get_table_names()


def test_an_empty_database_still_downgrades(fresh_engine):
    downgrade(fresh_engine, "0010")
    assert "row_seal" not in inspect(fresh_engine).get_table_names()
