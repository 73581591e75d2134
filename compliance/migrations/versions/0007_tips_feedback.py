"""tips feedback: a handover names the tip report it settles; damage feedback opens an incident;
feedback.category holds 32 characters ("improper_relationship")

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tip_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feedback_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tip_line_feedback_id_feedback"), "feedback", ["feedback_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_tip_line_feedback_id"), ["feedback_id"], unique=False)
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.alter_column(
            "category", existing_type=sa.String(length=16), type_=sa.String(length=32)
        )
        batch_op.add_column(sa.Column("damage_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_feedback_damage_id_damage_incident"),
            "damage_incident",
            ["damage_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_feedback_damage_id"), ["damage_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_damage_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_feedback_damage_id_damage_incident"), type_="foreignkey"
        )
        batch_op.drop_column("damage_id")
        batch_op.alter_column(
            "category", existing_type=sa.String(length=32), type_=sa.String(length=16)
        )
    with op.batch_alter_table("tip_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_line_feedback_id"))
        batch_op.drop_constraint(batch_op.f("fk_tip_line_feedback_id_feedback"), type_="foreignkey")
        batch_op.drop_column("feedback_id")
