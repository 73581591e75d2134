"""overtime approvals as given; jobs in more than one trip

- `overtime_request.approver_was_director`: whether the approver was the office director when
  deciding (R09 judges the approval in that capacity; clearing the flag later changes nothing).
  Existing decisions take their decider's flag as it stands at the upgrade.
- `overtime_request.entered_by`, `entered_at`, `late_entry_reason`: `decided_at` is when the
  director gave the decision; who typed it in and when stand beside it, and an entry well
  after the decision (or after the work began) carries a reason. Existing decisions were typed
  in by their decider when given.
- `visit.follows_visit_id`: the next trip of a job that needed more than one.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("overtime_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approver_was_director", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("entered_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("entered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "late_entry_reason", sa.String(length=1000), nullable=False, server_default=""
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_overtime_request_entered_by_user"), "user", ["entered_by"], ["id"]
        )
    op.execute(
        """
        UPDATE overtime_request
           SET approver_was_director = (
                   SELECT u.is_director FROM "user" u WHERE u.id = overtime_request.decided_by
               ),
               entered_by = decided_by,
               entered_at = decided_at
         WHERE decided_by IS NOT NULL
        """
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follows_visit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_visit_follows_visit_id_visit"), "visit", ["follows_visit_id"], ["id"]
        )
        batch_op.create_index(
            batch_op.f("ix_visit_follows_visit_id"), ["follows_visit_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_follows_visit_id"))
        batch_op.drop_constraint(batch_op.f("fk_visit_follows_visit_id_visit"), type_="foreignkey")
        batch_op.drop_column("follows_visit_id")
    with op.batch_alter_table("overtime_request", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_overtime_request_entered_by_user"), type_="foreignkey"
        )
        batch_op.drop_column("late_entry_reason")
        batch_op.drop_column("entered_at")
        batch_op.drop_column("entered_by")
        batch_op.drop_column("approver_was_director")
