"""case list version: a per-office count of case changes, kept by triggers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 04:51:16.764132
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_list_version",
        sa.Column("office_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_case_list_version_office_id_office")
        ),
        sa.PrimaryKeyConstraint("office_id", name=op.f("pk_case_list_version")),
    )
    # No rows: an office counts from 0 and gets its row on its first change after this.
    for sql in _TRIGGERS[op.get_bind().dialect.name]:
        op.execute(sql)


def downgrade() -> None:
    for sql in _DROP_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(sql)
    op.drop_table("case_list_version")


# The triggers as this revision creates them (written out here, not imported, so that editing or
# removing the application's code can never change what this revision did). Each change to a
# case adds one to its office's count; on PostgreSQL the count is taken at commit (a deferred
# constraint trigger), so that a case transaction never holds the count row's lock while it
# goes on to lock other rows.
_BUMP_NEW = (
    "INSERT INTO case_list_version (office_id, version) VALUES (NEW.office_id, 1) "
    "ON CONFLICT (office_id) DO UPDATE SET version = case_list_version.version + 1;"
)
_BUMP_OLD = (
    "INSERT INTO case_list_version (office_id, version) VALUES (OLD.office_id, 1) "
    "ON CONFLICT (office_id) DO UPDATE SET version = case_list_version.version + 1;"
)
_TRIGGERS = {
    "sqlite": [
        f"""CREATE TRIGGER case_file_inserted AFTER INSERT ON case_file
       BEGIN {_BUMP_NEW} END""",
        f"""CREATE TRIGGER case_file_updated AFTER UPDATE ON case_file
       BEGIN {_BUMP_NEW} END""",
        f"""CREATE TRIGGER case_file_moved AFTER UPDATE OF office_id ON case_file
       WHEN OLD.office_id <> NEW.office_id
       BEGIN {_BUMP_OLD} END""",
        f"""CREATE TRIGGER case_file_deleted AFTER DELETE ON case_file
       BEGIN {_BUMP_OLD} END""",
    ],
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION case_list_changed() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'TRUNCATE' THEN
           UPDATE case_list_version SET version = version + 1;
           RETURN NULL;
         END IF;
         IF TG_OP IN ('UPDATE', 'DELETE') THEN
           {_BUMP_OLD}
         END IF;
         IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.office_id <> OLD.office_id) THEN
           {_BUMP_NEW}
         END IF;
         RETURN NULL;
       END $$ LANGUAGE plpgsql""",
        """CREATE CONSTRAINT TRIGGER case_file_changed AFTER INSERT OR UPDATE OR DELETE ON case_file
       DEFERRABLE INITIALLY DEFERRED
       FOR EACH ROW EXECUTE FUNCTION case_list_changed()""",
        """CREATE TRIGGER case_file_truncated AFTER TRUNCATE ON case_file
       FOR EACH STATEMENT EXECUTE FUNCTION case_list_changed()""",
    ],
}
_DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS case_file_inserted",
        "DROP TRIGGER IF EXISTS case_file_updated",
        "DROP TRIGGER IF EXISTS case_file_moved",
        "DROP TRIGGER IF EXISTS case_file_deleted",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS case_file_changed ON case_file",
        "DROP TRIGGER IF EXISTS case_file_truncated ON case_file",
        "DROP FUNCTION IF EXISTS case_list_changed()",
    ],
}
