"""The call log read a day or a month at a time (office days, Shanghai), a page at a time, with
S01 from the evaluated clock where there is one, else the call's own figure: 3 rings within,
4 not; with only seconds, 15 s within, 16 s not."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from compliance.service.call_log import list_calls, period, within_rings
from compliance.service.models import ServiceCall, ServiceClock

TZ = ZoneInfo("Asia/Shanghai")


def _call(session, office, at, **kw):
    row = ServiceCall(office_id=office.office.id, called_at=at, created_at=at, **kw)
    session.add(row)
    session.flush()
    return row


@pytest.mark.parametrize(
    ("rings", "seconds", "within"),
    [(3, None, True), (4, None, False), (None, 15, True), (None, 16, False), (None, None, None)],
)
def test_the_calls_own_figure(rings, seconds, within):
    assert within_rings(rings, seconds, 5) is within


def test_a_day_is_the_offices_day_and_pages(session, office):
    # 2026-03-02 00:00 in Shanghai is 03-01 16:00 UTC: a call a minute before is the 1st's.
    midnight = datetime(2026, 3, 2, tzinfo=TZ).astimezone(UTC)
    _call(session, office, midnight - timedelta(minutes=1), rings=1)
    calls = [_call(session, office, midnight + timedelta(minutes=i), rings=i % 6) for i in range(7)]
    _call(session, office, midnight + timedelta(minutes=8), answered=False)
    start, end = period(date(2026, 3, 2), None, TZ)
    first = list_calls(session, office.office.id, start, end, offset=0, limit=5)
    assert first.total == 8 and first.answered == 7
    assert first.within == sum(1 for c in calls if c.rings <= 3)
    assert [c.id for c in first.lines] == [c.id for c in calls[:5]]
    second = list_calls(session, office.office.id, start, end, offset=5, limit=5)
    assert len(second.lines) == 3 and second.lines[-1].within is None
    # The month: 03-01 00:00 Shanghai; a call a minute before is February's.
    _call(session, office, datetime(2026, 3, 1, tzinfo=TZ).astimezone(UTC) - timedelta(minutes=1))
    march = list_calls(session, office.office.id, *period(None, date(2026, 3, 15), TZ))
    assert march.total == 9 and len(march.lines) == 9
    feb = list_calls(session, office.office.id, *period(None, date(2026, 2, 1), TZ))
    assert feb.total == 1


def test_the_evaluated_clock_is_shown_where_there_is_one(session, office):
    at = datetime(2026, 3, 2, 2, tzinfo=UTC)
    call = _call(session, office, at, rings=2)
    session.add(
        ServiceClock(
            office_id=office.office.id, standard="S01", standard_version="1",
            subject_key=f"call:{call.id}", started_at=at, state="excused", evaluated_at=at,
        )
    )  # fmt: skip
    session.flush()
    page = list_calls(session, office.office.id, *period(date(2026, 3, 2), None, TZ))
    assert page.lines[0].clock_state == "excused" and page.lines[0].within is True
