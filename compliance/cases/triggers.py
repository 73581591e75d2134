"""Database triggers that count each office's case changes (used by migration 0003).

The count is kept by the database rather than by the code that writes cases: every insert,
update and delete in case_file counts, whichever code path (or person at a SQL prompt) makes
it, and in the same transaction, so a change rolled back counts nothing. (On PostgreSQL the
count is taken as the transaction commits, on SQLite as the change is made: SQLite has one
writer at a time, so there is nothing to wait for.) The API keeps pages
of the case list by it (api/case_list_cache.py), so a change it missed would show a stale list.
"""


def _bump(office: str) -> str:
    """Add one to an office's count (its row is made on the office's first change)."""
    return (
        f"INSERT INTO case_list_version (office_id, version) VALUES ({office}, 1) "
        "ON CONFLICT (office_id) DO UPDATE SET version = case_list_version.version + 1;"
    )


SQLITE = [
    f"""CREATE TRIGGER case_file_inserted AFTER INSERT ON case_file
       BEGIN {_bump("NEW.office_id")} END""",
    f"""CREATE TRIGGER case_file_updated AFTER UPDATE ON case_file
       BEGIN {_bump("NEW.office_id")} END""",
    # A case moved to another office changes the list it left too.
    f"""CREATE TRIGGER case_file_moved AFTER UPDATE OF office_id ON case_file
       WHEN OLD.office_id <> NEW.office_id
       BEGIN {_bump("OLD.office_id")} END""",
    f"""CREATE TRIGGER case_file_deleted AFTER DELETE ON case_file
       BEGIN {_bump("OLD.office_id")} END""",
]

POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION case_list_changed() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'TRUNCATE' THEN
           UPDATE case_list_version SET version = version + 1;
           RETURN NULL;
         END IF;
         IF TG_OP IN ('UPDATE', 'DELETE') THEN
           {_bump("OLD.office_id")}
         END IF;
         IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.office_id <> OLD.office_id) THEN
           {_bump("NEW.office_id")}
         END IF;
         RETURN NULL;
       END $$ LANGUAGE plpgsql""",
    # Deferred to the commit: bumping the office's row the moment a case changes would hold
    # that row's lock while the transaction goes on to lock others (a staff row, a second
    # case), and two such transactions could each wait for the other. At commit the
    # transaction takes no more locks, so it only ever waits for another one's commit.
    """CREATE CONSTRAINT TRIGGER case_file_changed AFTER INSERT OR UPDATE OR DELETE ON case_file
       DEFERRABLE INITIALLY DEFERRED
       FOR EACH ROW EXECUTE FUNCTION case_list_changed()""",
    """CREATE TRIGGER case_file_truncated AFTER TRUNCATE ON case_file
       FOR EACH STATEMENT EXECUTE FUNCTION case_list_changed()""",
]

DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS case_file_inserted",
    "DROP TRIGGER IF EXISTS case_file_updated",
    "DROP TRIGGER IF EXISTS case_file_moved",
    "DROP TRIGGER IF EXISTS case_file_deleted",
]
DROP_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS case_file_changed ON case_file",
    "DROP TRIGGER IF EXISTS case_file_truncated ON case_file",
    "DROP FUNCTION IF EXISTS case_list_changed()",
]


def statements(dialect: str, *, drop: bool = False) -> list[str]:
    """The SQL for the dialect."""
    if dialect == "sqlite":
        return DROP_SQLITE if drop else SQLITE
    if dialect == "postgresql":
        return DROP_POSTGRESQL if drop else POSTGRESQL
    raise RuntimeError(f"no case-list triggers for {dialect}")
