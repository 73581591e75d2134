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


def last_number(session: Session, office_id: int, name: str, year: int) -> int:
    """The last number taken (0 if none yet), taking nothing: for work that numbers its
    records before it may write, and takes the numbers with `take_after` once it can."""
    value = session.execute(
        text("SELECT value FROM counter WHERE office_id = :o AND name = :n AND year = :y"),
        {"o": office_id, "n": name, "y": year},
    ).scalar_one_or_none()
    return int(value or 0)


def take_after(
    session: Session,
    office_id: int,
    name: str,
    year: int,
    last: int,
    count: int,
    *,
    floor: int = 0,
) -> bool:
    """Take the `count` numbers after `last`, if nobody has taken one since it was read
    (False, taking nothing, if someone has). Gap-free like next_number: the numbers are taken
    in the caller's transaction, with the records that use them.

    `floor` is the highest number known to have been issued already (the anchor log's record,
    outside the database): when the counter is behind it (an older backup was restored), the
    numbers taken are the `count` after `floor`, never one at or below it again.
    """
    if floor < 0 or count < 0:
        raise ValueError(f"take_after: floor {floor}, count {count}")
    params = {
        "o": office_id,
        "n": name,
        "y": year,
        "last": last,
        "new": max(last, floor) + count,
    }
    session.execute(
        text(
            "INSERT INTO counter (office_id, name, year, value) VALUES (:o, :n, :y, 0) "
            "ON CONFLICT (office_id, name, year) DO NOTHING"
        ),
        params,
    )
    taken = session.execute(
        text(
            "UPDATE counter SET value = :new "
            "WHERE office_id = :o AND name = :n AND year = :y AND value = :last RETURNING value"
        ),
        params,
    ).scalar_one_or_none()
    return taken is not None
