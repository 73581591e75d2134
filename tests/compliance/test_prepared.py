"""Prepared selects give the same rows as SQLAlchemy's own execution, on every database."""

from sqlalchemy import bindparam, select
from sqlmodel import col

from compliance.accounts.models import User
from compliance.prepared import PreparedSelect


def test_rows_equal_sqlalchemy_s_with_types_applied(session, office) -> None:
    stmt = (
        select(
            col(User.id),
            col(User.username),
            col(User.is_director),
            col(User.created_at),
            col(User.staff_id),
        )
        .where(col(User.office_id) == bindparam("office_id"))
        .order_by(col(User.username))
        .limit(3)  # a value the statement carries itself
    )
    params = {"office_id": office.office.id, "unused": "extra names are ignored"}
    expected = [dict(r) for r in session.execute(stmt, params).mappings()]
    prepared = PreparedSelect(stmt)
    got = prepared.rows(session, params)
    assert got == expected and len(got) == 3
    assert prepared.rows(session.connection(), params) == expected  # the session's connection
    # The processors ran: an aware datetime and a real bool, as SQLAlchemy gives them.
    assert got[0]["created_at"].tzinfo is not None
    assert all(isinstance(r["is_director"], bool) for r in got)
    assert prepared.first(session, params) == expected[0]
    assert prepared.first(session, {"office_id": -1, "unused": None}) is None


def test_it_reads_inside_the_session_s_transaction(session, office) -> None:
    # A row added and flushed but not committed is seen: same connection, same transaction.
    user = office.users["hr"]
    user.display_name = "改名未提交"
    session.add(user)
    session.flush()
    name = PreparedSelect(
        select(col(User.display_name)).where(col(User.id) == bindparam("id"))
    ).first(session, {"id": user.id})
    assert name == {"display_name": "改名未提交"}
