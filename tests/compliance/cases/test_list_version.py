"""The database counts every change to an office's cases, in the change's own transaction."""

from sqlalchemy import text

from compliance.cases import repository as repo
from compliance.cases import service as cases
from tests import factories
from tests.compliance.cases.helpers import act, open_case

COLUMNS = (
    "office_id, number, staff_id, rule_code, policy_version, params_digest, incident_at, "
    "status, version, severity_reason, opened_at"
)


def _insert_case(session, office_id: int, staff_id: int, number: str) -> int:  # type: ignore[no-untyped-def]
    # As someone at a SQL prompt would: no application code involved.
    session.execute(
        text(
            f"INSERT INTO case_file ({COLUMNS}) VALUES (:office, :number, :staff, 'R05', '1.0', "
            "'x', '2026-03-01 00:00:00.000000', 'open', 1, '', '2026-03-01 00:00:00.000000')"
        ),
        {"office": office_id, "number": number, "staff": staff_id},
    )
    found = session.execute(text("SELECT id FROM case_file WHERE number = :n"), {"n": number})
    return int(found.scalar_one())


def test_every_case_change_counts_for_its_office_only(ctx, office):
    other = factories.office_set(ctx.session, code="LJY")
    s, mine, theirs = ctx.session, office.office.id, other.office.id
    assert repo.list_version(s, mine) == 0  # never changed: no row yet
    case_id = open_case(ctx, office)
    opened = repo.list_version(s, mine)
    assert opened >= 1
    cases.request_statement(act(ctx, office, "hr"), case_id)
    assert repo.list_version(s, mine) > opened
    assert repo.list_version(s, theirs) == 0


def test_changes_made_outside_the_application_count_too(session, office):
    mine = office.office.id
    case_id = _insert_case(session, mine, office.staff[0].id, "SQL-1")
    assert repo.list_version(session, mine) == 1
    session.execute(text("UPDATE case_file SET status = 'closed' WHERE id = :id"), {"id": case_id})
    assert repo.list_version(session, mine) == 2
    session.execute(text("DELETE FROM case_file WHERE id = :id"), {"id": case_id})
    assert repo.list_version(session, mine) == 3


def test_a_case_moved_to_another_office_changes_both_lists(session, office):
    other = factories.office_set(session, code="LJY")
    case_id = _insert_case(session, office.office.id, office.staff[0].id, "SQL-2")
    session.execute(
        text("UPDATE case_file SET office_id = :to WHERE id = :id"),
        {"to": other.office.id, "id": case_id},
    )
    assert repo.list_version(session, office.office.id) == 2
    assert repo.list_version(session, other.office.id) == 1


def test_a_change_rolled_back_counts_nothing(session, office):
    mine = office.office.id
    _insert_case(session, mine, office.staff[0].id, "SQL-3")
    savepoint = session.begin_nested()
    _insert_case(session, mine, office.staff[1].id, "SQL-4")
    assert repo.list_version(session, mine) == 2
    savepoint.rollback()
    assert repo.list_version(session, mine) == 1
