"""Allocate the next number of a gap-free sequence inside the caller's transaction."""

from sqlalchemy import text
from sqlmodel import Session


def next_number(session: Session, office_id: int, name: str, year: int) -> int:
    """Increment and return the counter; the row lock holds until the transaction ends.

    The number is gap-free because it is taken in the same transaction as the record
    that uses it: if that transaction rolls back, so does the increment.
    """
    params = {"o": office_id, "n": name, "y": year}
    dialect = session.get_bind().dialect.name
    conflict = "ON CONFLICT (office_id, name, year) DO NOTHING"
    if dialect not in ("sqlite", "postgresql"):
        raise RuntimeError(f"unsupported database {dialect}")
    session.execute(
        text(
            f"INSERT INTO counter (office_id, name, year, value) VALUES (:o, :n, :y, 0) {conflict}"
        ),
        params,
    )
    value = session.execute(
        text(
            "UPDATE counter SET value = value + 1 "
            "WHERE office_id = :o AND name = :n AND year = :y RETURNING value"
        ),
        params,
    ).scalar_one()
    return int(value)
