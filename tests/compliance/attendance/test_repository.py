"""Attendance queries and bulk inserts."""

from datetime import UTC, date, datetime

from compliance.attendance import repository
from tests.conftest import NOW


def _row(office, staff, at, kind="check_in"):
    return {
        "office_id": office.office.id,
        "staff_id": staff.id,
        "kind": kind,
        "at": at,
        "work_date": date(2026, 3, 30),
        "source": "import",
        "created_at": NOW,
        "created_by": None,
    }


def test_bulk_insert_then_query_by_day_and_range(session, office):
    a, b = office.staff[0], office.staff[1]
    t1 = datetime(2026, 3, 30, 0, 5, tzinfo=UTC)
    t2 = datetime(2026, 3, 30, 9, 40, tzinfo=UTC)
    rows = [_row(office, a, t2, "sign_back"), _row(office, a, t1), _row(office, b, t1)]
    assert repository.insert_events(session, rows) == 3
    assert repository.insert_events(session, []) == 0
    day = repository.events_on(session, a.id, date(2026, 3, 30))
    assert [(e.kind, e.at) for e in day] == [("check_in", t1), ("sign_back", t2)]
    found = repository.existing_punches(session, office.office.id, [a.id], t1, t1)
    assert found == {(a.id, t1, "check_in")}
    assert repository.existing_punches(session, office.office.id, [], t1, t2) == set()
