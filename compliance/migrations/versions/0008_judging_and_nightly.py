"""Judging a record when it is saved (judgment) and the nightly run's lease (job_lease)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "judgment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("judged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("judged_by", sa.Integer(), nullable=True),
        sa.Column("outcomes", sqlmodel.sql.sqltypes.AutoString(length=60000), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["judged_by"], ["user.id"], name=op.f("fk_judgment_judged_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_judgment_office_id_office")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judgment")),
    )
    op.create_index(
        "ix_judgment_record", "judgment", ["office_id", "record_kind", "record_id"], unique=False
    )
    op.create_table(
        "job_lease",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_lease")),
    )


def downgrade() -> None:
    op.drop_table("job_lease")
    op.drop_index("ix_judgment_record", table_name="judgment")
    op.drop_table("judgment")
