"""Selects compiled once and run straight on the driver, for the reads every request makes.

Looking up the API token, the page of cases, one case and the nine small tables of its
record are a few indexed reads of a handful of rows each. Through `Connection.execute`,
SQLAlchemy's per-execution work (execution context, cursor and result set-up) cost about
ten times the query itself (measured: 0.47-0.71 ms against 0.05 ms for a case's nine
tables). A `PreparedSelect` compiles its statement once per dialect, runs it on the
session's own DBAPI connection, inside the session's transaction, and applies the same
bind and result processors SQLAlchemy would (aware UTC datetimes, booleans, JSON), so its
rows equal those of `execute(...).mappings()`, as plain dicts.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect
from sqlmodel import Session

Row = dict[str, Any]


@dataclass(frozen=True)
class _Plan:
    sql: str
    positional: tuple[str, ...] | None  # parameter names in order, for qmark/format styles
    defaults: dict[str, Any]  # values the statement carries itself, e.g. .limit(1)
    binds: tuple[tuple[str, Callable[[Any], Any]], ...]
    keys: tuple[str, ...]
    results: tuple[tuple[int, Callable[[Any], Any]], ...]


class PreparedSelect:
    """A core SELECT with bound parameters, compiled once per dialect."""

    def __init__(self, stmt: Select[*tuple[Any, ...]]) -> None:
        self.stmt = stmt
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = self._compile(dialect)
        return plan

    def _compile(self, dialect: Dialect) -> _Plan:
        compiled = self.stmt.compile(dialect=dialect)
        binds = []
        defaults = {n: p.effective_value for n, p in compiled.binds.items() if not p.required}
        for name, param in compiled.binds.items():
            proc = param.type.dialect_impl(dialect).bind_processor(dialect)
            if proc is not None:
                binds.append((name, proc))
        keys, results = [], []
        for i, column in enumerate(self.stmt.selected_columns):
            keys.append(str(column.key))
            proc = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if proc is not None:
                results.append((i, proc))
        order = compiled.positiontup
        positional = tuple(str(n) for n in order) if order is not None else None
        return _Plan(str(compiled), positional, defaults, tuple(binds), tuple(keys), tuple(results))

    def rows(self, on: Session | Connection, params: Mapping[str, Any]) -> list[Row]:
        """Every row, as dicts of the selected columns' keys, in the session's transaction
        (or on the session's connection, when a caller runs several: asking the session for
        it each time costs as much as one of these queries).

        `params` names every bound parameter of the statement (extra names are ignored).
        """
        # Asking the session begins its transaction if need be.
        connection = on if isinstance(on, Connection) else on.connection()
        plan = self._plan(connection.dialect)
        values = {**plan.defaults, **params}
        for name, proc in plan.binds:
            values[name] = proc(values[name])
        args: Any = values if plan.positional is None else [values[n] for n in plan.positional]
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(plan.sql, args)
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        if not fetched:
            return []
        # Column by column: one comprehension per typed column instead of a call per value
        # in a per-row loop (half the cost for a page of 50 cases).
        columns: list[Any] = list(zip(*fetched, strict=True))
        for i, proc in plan.results:
            columns[i] = [proc(v) for v in columns[i]]
        keys = plan.keys
        return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]

    def first(self, on: Session | Connection, params: Mapping[str, Any]) -> Row | None:
        """The first row, or None."""
        found = self.rows(on, params)
        return found[0] if found else None
