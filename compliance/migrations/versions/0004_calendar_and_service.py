"""office calendar (holidays, 调休 workdays, entered years) and service of decision notices

- `office_calendar_day`: an office's public holidays and make-up workdays, from the
  `chinesecalendar` package or entered by an admin from the State Council's notice.
- `office_calendar_year`: the years entered in full; no deadline is counted in any other year.
- `case_file.service_completed_at`: when the decision notice was served (signed for, or a
  refusal to sign recorded before a witness); the appeal window counts from it. A notice
  already signed for counts as served then; a refusal recorded without a witness does not.
- `notice.ack_recorded_at`, `witnesses`, `service_place`, `service_note`: the 留置送达 record.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _calendar_table(name: str, key: str, *columns: sa.Column) -> None:  # type: ignore[type-arg]
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        *columns,
        sa.UniqueConstraint("office_id", key, name=f"uq_{name}_office_id"),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"], name=f"fk_{name}_office_id_office"),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"], name=f"fk_{name}_recorded_by_user"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )


def upgrade() -> None:
    _calendar_table(
        "office_calendar_day",
        "day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
    )
    _calendar_table(
        "office_calendar_year",
        "year",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False),
    )
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("service_completed_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ack_recorded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("witnesses", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("service_place", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("service_note", sa.String(length=2000), nullable=False, server_default="")
        )
    # A decision notice already signed for was served when it was signed.
    op.execute(
        "UPDATE case_file SET service_completed_at = ("
        " SELECT MIN(n.acknowledged_at) FROM notice n"
        " WHERE n.case_id = case_file.id AND n.kind = 'decision' AND n.ack_kind = 'signed')"
        " WHERE service_completed_at IS NULL"
    )
    op.execute("UPDATE notice SET ack_recorded_at = acknowledged_at WHERE ack_kind IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_column("service_note")
        batch_op.drop_column("service_place")
        batch_op.drop_column("witnesses")
        batch_op.drop_column("ack_recorded_at")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_column("service_completed_at")
    op.drop_table("office_calendar_year")
    op.drop_table("office_calendar_day")
