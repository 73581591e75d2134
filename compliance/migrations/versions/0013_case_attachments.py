"""case attachments: photos and documents a staff member hands in with a statement or appeal

- `case_attachment`: a stored file (stored_file) attached to a case at a step ("statement"
  or "appeal"); the case owns it, so its staff member may see it. Sealed like the case's
  other rows.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_attachment_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user.id"], name=op.f("fk_case_attachment_created_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["stored_file.id"], name=op.f("fk_case_attachment_file_id_stored_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_attachment")),
        sa.UniqueConstraint("case_id", "file_id", name=op.f("uq_case_attachment_case_id")),
    )
    op.create_index(
        op.f("ix_case_attachment_case_id"), "case_attachment", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_case_attachment_file_id"), "case_attachment", ["file_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_case_attachment_file_id"), table_name="case_attachment")
    op.drop_index(op.f("ix_case_attachment_case_id"), table_name="case_attachment")
    op.drop_table("case_attachment")
