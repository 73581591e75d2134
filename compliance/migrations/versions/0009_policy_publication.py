"""policy publication: when each parameter version was published (made known to staff)

- `policy_version.published_at`: the moment the version was published. A version set through
  the product is published when it is recorded (it may not take effect before that moment:
  《劳动合同法》第四条); a version loaded as history (demo data, an import of rules published
  before the office used this system) carries its historical publication moment. The dismissal
  gate "rule published before the incident" reads it for the version applying to an incident.
  Rows recorded before this column existed get their recording moment, `created_at`.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("policy_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE policy_version SET published_at = created_at")
    with op.batch_alter_table("policy_version", schema=None) as batch_op:
        batch_op.alter_column(
            "published_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("policy_version", schema=None) as batch_op:
        batch_op.drop_column("published_at")
