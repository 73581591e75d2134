"""pay: damage settlements as amounts, cancelled deductions, staff leaving

- `damage_settlement`: amounts of a damage's compensation settled outside the payroll (paid to
  the resident by the staff member, insurance, waived); `damage_incident.settled_fen` sums them.
  An old `paid_directly` damage becomes one settlement row of its full assessed value; an old
  `deducted` one is still owed (its recovery is the case's deduction), so it reads `pending`.
- `deduction.damage_id` (compensation for one damage) and `deduction.cancelled_fen` (settled
  after planning: no longer recovered from pay).
- `staff.left_on`, `leave_reason`, `leave_note`: nothing is deducted after the last pay month.
  A member who left through an executed dismissal gets the dismissal's date (office time);
  planned instalments after a leaver's last pay month are removed (all of them when the
  leaving day is unknown); taken ones stay.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 13:10:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OFFICE_ZONE = ZoneInfo("Asia/Shanghai")


def upgrade() -> None:
    op.create_table(
        "damage_settlement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("damage_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("cancelled_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["by"], ["user.id"], name=op.f("fk_damage_settlement_by_user")),
        sa.ForeignKeyConstraint(
            ["damage_id"],
            ["damage_incident.id"],
            name=op.f("fk_damage_settlement_damage_id_damage_incident"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_damage_settlement")),
    )
    with op.batch_alter_table("damage_settlement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_damage_settlement_damage_id"), ["damage_id"], unique=False
        )
    with op.batch_alter_table("damage_incident", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("settled_fen", sa.Integer(), nullable=False, server_default="0")
        )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; rebuilding `deduction` to add a
        # named constraint would drop a table `instalment` rows point at.
        op.execute(
            "ALTER TABLE deduction ADD COLUMN damage_id INTEGER "
            "CONSTRAINT fk_deduction_damage_id_damage_incident REFERENCES damage_incident (id)"
        )
        op.execute("ALTER TABLE deduction ADD COLUMN cancelled_fen INTEGER NOT NULL DEFAULT 0")
        op.create_index("ix_deduction_damage_id", "deduction", ["damage_id"], unique=False)
    else:
        op.add_column("deduction", sa.Column("damage_id", sa.Integer(), nullable=True))
        op.add_column(
            "deduction",
            sa.Column("cancelled_fen", sa.Integer(), nullable=False, server_default="0"),
        )
        op.create_index("ix_deduction_damage_id", "deduction", ["damage_id"], unique=False)
        op.create_foreign_key(
            "fk_deduction_damage_id_damage_incident",
            "deduction",
            "damage_incident",
            ["damage_id"],
            ["id"],
        )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("leave_reason", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("leave_note", sa.String(length=500), nullable=False, server_default="")
        )
    _migrate_settlements()
    _migrate_leaving()


def _aware(value: datetime | str) -> datetime:
    # SQLite returns text, PostgreSQL an aware datetime; both are UTC instants.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _stored(value: datetime) -> datetime | str:
    # What compliance.db.UTCDateTime writes: on SQLite naive UTC text in SQLAlchemy's own
    # format (text order is time order); elsewhere the aware instant.
    if op.get_bind().dialect.name == "sqlite":
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _migrate_settlements() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, assessed_value_fen, settled_at, created_at FROM damage_incident "
            "WHERE settlement = 'paid_directly' AND assessed_value_fen IS NOT NULL"
        )
    ).all()
    for damage_id, fen, settled_at, created_at in rows:
        conn.execute(
            sa.text(
                "INSERT INTO damage_settlement (damage_id, kind, amount_fen, at, note, "
                "cancelled_fen) VALUES (:d, 'paid_directly', :fen, :at, :note, 0)"
            ),
            {
                "d": damage_id,
                "fen": fen,
                "at": _stored(_aware(settled_at or created_at)),
                "note": "迁移:原记录为「直接赔付」,按评估价全额计入",
            },
        )
        conn.execute(
            sa.text("UPDATE damage_incident SET settled_fen = :fen WHERE id = :d"),
            {"fen": fen, "d": damage_id},
        )
    # "Deducted" was an intention, not money received: it is still owed until taken from pay.
    conn.execute(
        sa.text(
            "UPDATE damage_incident SET settlement = 'pending', settled_at = NULL "
            "WHERE settlement = 'deducted'"
        )
    )


def _migrate_leaving() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT s.id, c.effective_at FROM staff s JOIN case_file c ON c.staff_id = s.id "
            "WHERE s.status = 'left' AND c.effective_at IS NOT NULL "
            "ORDER BY s.id, c.effective_at"
        )
    ).all()
    left: dict[int, datetime] = {}
    for staff_id, effective_at in rows:
        left[staff_id] = _aware(effective_at)
    for staff_id, at in left.items():
        day = at.astimezone(OFFICE_ZONE).date()
        conn.execute(
            sa.text("UPDATE staff SET left_on = :day, leave_reason = 'dismissed' WHERE id = :s"),
            {"day": day, "s": staff_id},
        )
        # Nothing is deducted after the last pay month: planned instalments beyond it go.
        conn.execute(
            sa.text(
                "DELETE FROM instalment WHERE staff_id = :s AND status = 'planned' "
                "AND month > :last"
            ),
            {"s": staff_id, "last": day.replace(day=1)},
        )
    # Left on a day nobody recorded: no month can be paid, so nothing stays planned.
    conn.execute(
        sa.text(
            "DELETE FROM instalment WHERE status = 'planned' AND staff_id IN "
            "(SELECT id FROM staff WHERE status = 'left' AND left_on IS NULL)"
        )
    )


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "UPDATE damage_incident SET settlement = 'paid_directly' "
            "WHERE assessed_value_fen IS NOT NULL AND settled_fen >= assessed_value_fen"
        )
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("leave_note")
        batch_op.drop_column("leave_reason")
        batch_op.drop_column("left_on")
    with op.batch_alter_table("deduction", schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":
            # On SQLite the reference came with the column (upgrade above) and reflection does
            # not see its name; rebuilding the table without the column drops it.
            batch_op.drop_constraint(
                batch_op.f("fk_deduction_damage_id_damage_incident"), type_="foreignkey"
            )
        batch_op.drop_index(batch_op.f("ix_deduction_damage_id"))
        batch_op.drop_column("cancelled_fen")
        batch_op.drop_column("damage_id")
    with op.batch_alter_table("damage_incident", schema=None) as batch_op:
        batch_op.drop_column("settled_fen")
    with op.batch_alter_table("damage_settlement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_damage_settlement_damage_id"))
    op.drop_table("damage_settlement")
