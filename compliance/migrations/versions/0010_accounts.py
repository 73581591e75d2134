"""accounts: API tokens with a scope and an end; sign-in attempts looked up by address

- `api_token.scope`: "read" (GET and HEAD only) or "read-write". Tokens made before this
  revision could write, so they are "read-write".
- `api_token.expires_at`: the moment a token stops working. Tokens made before this revision
  get 90 days (the default COMPLIANCE_AUTH_TOKEN_DAYS) from the upgrade, so that none stops
  without warning the moment the new version starts.
- index `ix_login_attempt_ip_at`: sign-in is now also throttled per source address.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 13:40:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "scope",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="read-write",
            )
        )
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    ends = datetime.now(UTC) + timedelta(days=90)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite keeps naive UTC text (as compliance.db.UTCDateTime writes it).
        ends = ends.replace(tzinfo=None)
    tokens = sa.table("api_token", sa.column("expires_at", sa.DateTime(timezone=True)))
    op.execute(tokens.update().values(expires_at=ends))
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column(
            "scope",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=16),
            existing_nullable=False,
            server_default=None,
        )
        batch_op.alter_column(
            "expires_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempt_ip_at", ["ip", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_ip_at")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
        batch_op.drop_column("scope")
