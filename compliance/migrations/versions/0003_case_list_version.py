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
    from compliance.cases.triggers import statements

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
    for sql in statements(op.get_bind().dialect.name):
        op.execute(sql)


def downgrade() -> None:
    from compliance.cases.triggers import statements

    for sql in statements(op.get_bind().dialect.name, drop=True):
        op.execute(sql)
    op.drop_table("case_list_version")
