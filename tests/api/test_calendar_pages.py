"""The admin's office calendar page: a year not covered by chinesecalendar entered from the
State Council's notice, then used for deadlines; bad input keeps what was typed."""

from datetime import date

from compliance.calendar import repository as repo
from compliance.calendar import service as calendar


def test_the_admin_enters_a_year_and_deadlines_use_it(browser, office, session):
    b = browser("admin")
    page = b.client.get("/admin/calendar?year=2027").text
    assert "工作日历" in page and "尚未录入" in page
    r = b.post("/admin/calendar/days", {"day": "2027-02-06", "kind": "holiday", "name": "春节"})
    assert r.status_code == 303 and r.headers["location"] == "/admin/calendar?year=2027&done=day"
    b.post("/admin/calendar/days", {"day": "2027-02-13", "kind": "workday", "name": "春节"})
    page = b.client.get("/admin/calendar?year=2027").text
    assert "2027-02-06" in page and "调休上班" in page and "周六" in page
    r = b.post("/admin/calendar/confirm", {"year": "2027", "basis": "国办发明电〔2026〕示例号"})
    assert r.status_code == 303
    session.expire_all()
    office_id = office.office.id
    assert repo.year_row(session, office_id, 2027) is not None
    assert calendar.add_working_days(session, office_id, date(2027, 2, 12), 1) == date(2027, 2, 13)
    assert "已录入" in b.client.get("/admin/calendar?year=2027").text


def test_a_bad_day_is_shown_next_to_its_field(browser, office, session):
    b = browser("admin")
    r = b.post("/admin/calendar/days", {"day": "2027-13-01", "kind": "holiday", "name": "春节"})
    assert r.status_code == 422 and 'id="cal-day-error"' in r.text and "春节" in r.text
    r = b.post("/admin/calendar/confirm", {"year": "2028", "basis": "国办发明电"})
    assert r.status_code == 422 and "尚未录入任何法定节假日" in r.text
    session.expire_all()
    assert repo.years(session, office.office.id) == []


def test_only_an_admin_keeps_the_calendar(browser):
    assert browser("hr").client.get("/admin/calendar").status_code == 403
