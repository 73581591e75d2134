"""service_event: index by office, action and time (the period's reopens and follow-ups)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 00:26:05.389455
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("service_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_event_office_action_at", ["office_id", "action", "at"], unique=False
        )



def downgrade() -> None:
    with op.batch_alter_table("service_event", schema=None) as batch_op:
        batch_op.drop_index("ix_service_event_office_action_at")

