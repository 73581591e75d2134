"""import_profile: an office's saved column mapping and clock enrolment list for imports

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("columns_json", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column(
            "enrolments_json", sqlmodel.sql.sqltypes.AutoString(length=200000), nullable=False
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_import_profile_office_id_office")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["user.id"], name=op.f("fk_import_profile_updated_by_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_profile")),
        sa.UniqueConstraint("office_id", "kind", name=op.f("uq_import_profile_office_id")),
    )


def downgrade() -> None:
    op.drop_table("import_profile")
