"""row seals: the canonical hash of every business row the app writes, in a second chain

- `row_seal`: one link per committing transaction that wrote business rows: the SHA-256 of
  each row as written (or null when deleted), chained by hash like `audit_event` and, like
  it, append-only (triggers refuse UPDATE, DELETE and TRUNCATE).
- `audit_head.seal_seq` / `seal_hash`: the head of that chain, moved under the audit head's
  row lock.
- `row_seal_latest`: each sealed row's latest seal, keyed (HMAC) like the chain, so that the
  rows a dossier is printed from can be checked at once before it is printed.
- `seal_baseline`: the highest id of each sealed table when this revision ran. Rows up to it
  were written before sealing began; `compliance audit seal-baseline --as <admin>` seals them
  once. Any later row without a seal was written outside the app.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# compliance/audit/seals.py SEALED_TABLES as of this revision.
SEALED = (
    "annotation appeal approval attendance_event case_file case_finding case_step "
    "damage_incident damage_photo damage_settlement deduction dossier feedback finding "
    "instalment minimum_wage notice office overtime_request policy_version proposal "
    "roster_shift spot_check spot_check_item spot_check_photo staff staff_wage statement "
    "stored_file tip_line union_notice user visit"
).split()

SQLITE = [
    """CREATE TRIGGER row_seal_no_update BEFORE UPDATE ON row_seal
       BEGIN SELECT RAISE(ABORT, 'row_seal is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER row_seal_no_delete BEFORE DELETE ON row_seal
       BEGIN SELECT RAISE(ABORT, 'row_seal is append-only: DELETE refused'); END""",
]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION row_seal_append_only() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'row_seal is append-only: % refused', TG_OP;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER row_seal_no_update_delete BEFORE UPDATE OR DELETE ON row_seal
       FOR EACH ROW EXECUTE FUNCTION row_seal_append_only()""",
    """CREATE TRIGGER row_seal_no_truncate BEFORE TRUNCATE ON row_seal
       FOR EACH STATEMENT EXECUTE FUNCTION row_seal_append_only()""",
]
DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS row_seal_no_update",
    "DROP TRIGGER IF EXISTS row_seal_no_delete",
]
DROP_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS row_seal_no_update_delete ON row_seal",
    "DROP TRIGGER IF EXISTS row_seal_no_truncate ON row_seal",
    "DROP FUNCTION IF EXISTS row_seal_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "row_seal",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("payload", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_row_seal")),
    )
    op.create_table(
        "row_seal_latest",
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("row_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("seal_seq", sa.Integer(), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("mac", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", name=op.f("pk_row_seal_latest")),
    )
    op.create_table(
        "seal_baseline",
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("max_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_seal_baseline")),
    )
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal_seq", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column(
                "seal_hash",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="0" * 64,
            )
        )
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.alter_column("seal_seq", server_default=None)
        batch_op.alter_column("seal_hash", server_default=None)
    bind = op.get_bind()
    for name in SEALED:
        quoted = f'"{name}"'
        highest = bind.execute(sa.text(f"SELECT max(id) FROM {quoted}")).scalar()
        if highest:
            bind.execute(
                sa.text("INSERT INTO seal_baseline (table_name, max_id) VALUES (:t, :m)"),
                {"t": name, "m": int(highest)},
            )
    for stmt in SQLITE if bind.dialect.name == "sqlite" else POSTGRESQL:
        op.execute(stmt)


def downgrade() -> None:
    _refuse_to_drop_the_audit_trail("row_seal", "row_seal_latest")
    bind = op.get_bind()
    for stmt in DROP_SQLITE if bind.dialect.name == "sqlite" else DROP_POSTGRESQL:
        op.execute(stmt)
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("seal_hash")
        batch_op.drop_column("seal_seq")
    op.drop_table("seal_baseline")
    op.drop_table("row_seal_latest")
    op.drop_table("row_seal")


def _refuse_to_drop_the_audit_trail(*tables: str) -> None:
    """Refuse a downgrade that would drop an audit table holding rows (they cannot be rebuilt)."""
    bind = op.get_bind()
    held = [t for t in tables if bind.execute(sa.text(f"SELECT 1 FROM {t} LIMIT 1")).first()]
    if held:
        raise RuntimeError(
            f"refusing to downgrade below revision {revision}: it would drop the audit trail "
            f"(rows in {', '.join(held)}). Restore a backup taken before the upgrade instead. "
            f"拒绝降级：这会删除审计记录（{', '.join(held)} 中有数据）；请改为恢复升级前的备份。"
        )
