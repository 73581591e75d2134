"""case list index: an office's cases newest first

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 23:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Without it every page of the case list sorts all of the office's cases (5,000: 4 ms).
    op.create_index(
        "ix_case_office_opened", "case_file", ["office_id", "opened_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_case_office_opened", table_name="case_file")
