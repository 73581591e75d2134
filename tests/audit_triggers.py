"""audit_event's append-only triggers as migration 0001 made them; tests drop them to tamper."""

SQLITE = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused'); END""",
]

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]

DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]
DROP_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]


def statements(dialect: str, *, drop: bool = False) -> list[str]:
    """The SQL for the dialect."""
    if dialect == "sqlite":
        return DROP_SQLITE if drop else SQLITE
    if dialect == "postgresql":
        return DROP_POSTGRESQL if drop else POSTGRESQL
    raise RuntimeError(f"no audit triggers for {dialect}")
