"""The return-visit, lobby-notice and fee pages on the test database: a visit typed on the
form (unit as people say it, rating in words), a bad one coming back as typed, a notice posted
with its photo, payments and objections recorded, and the billing export imported in steps."""

import io
from datetime import UTC, datetime, timedelta

from PIL import Image
from sqlalchemy import func, select

from compliance.service.models import FeeBill, LobbyNotice, ReturnVisit, ServiceOrder
from tests.compliance.imports import fee_files
from tests.compliance.service.helpers_visits import add_units, visit

T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_a_visit_typed_on_the_form_is_listed_with_its_rating_in_words(browser, office, session):
    office.users["manager"].staff_id = office.staff[1].id
    session.flush()
    m = browser("manager")
    form = m.client.get("/service/return-visits/new").text
    assert 'name="unit"' in form and "非常满意" in form and "无有效回答" in form
    r = m.post(
        "/service/return-visits/new",
        {"unit": "1栋101", "method": "phone", "log_call": "1", "rating": "2",
         "topic": "电梯 噪音。", "comments": "电梯晚上响",
         "visitor_staff_id": str(office.staff[1].id), "visited_at": "2026-03-31T09:30"},
    )  # fmt: skip
    assert r.status_code == 303, r.text
    row = session.execute(select(ReturnVisit)).scalar_one()
    assert (row.rating, row.topic, row.unit_id) == (2, "电梯噪音", office.units[0].id)
    page = m.client.get("/service/return-visits?month=2026-03").text
    assert "不满意" in page and "电梯噪音" in page and "电梯晚上响" in page


def test_a_bad_visit_comes_back_as_typed(browser, office, session):
    m = browser("manager")
    r = m.post(
        "/service/return-visits/new",
        {"unit": "9-999", "method": "phone", "rating": "", "topic": "停车难",
         "comments": "保留这段话", "visitor_staff_id": str(office.staff[0].id),
         "visited_at": "2026-03-31T09:30"},
    )  # fmt: skip
    assert r.status_code == 422
    assert 'id="unit-error"' in r.text and "保留这段话" in r.text and 'value="9-999"' in r.text
    assert "请选择住户的满意程度" in r.text
    assert session.execute(select(func.count()).select_from(ReturnVisit)).scalar_one() == 0


def test_listing_the_units_work_orders_keeps_what_was_typed(browser, office, session):
    """The lookup is a POST: nothing typed, nor the form's token, goes into a URL."""
    import re

    session.add(
        ServiceOrder(
            office_id=office.office.id, number="FW-2026-000007", kind="repair",
            channel="phone", unit_id=office.units[0].id, received_at=T, created_at=T,
            description="厨房水管漏水",
        )
    )  # fmt: skip
    session.flush()
    m = browser("manager")
    form = m.client.get("/service/return-visits/new").text
    lookup = re.search(r"<button[^>]*id=\"list-orders\"[^>]*>", form)
    assert lookup and 'formmethod="post"' in lookup.group(0)
    assert 'formaction="/service/return-visits/new/orders"' in lookup.group(0)
    assert 'formmethod="get"' not in form and 'method="get"' not in form.split('id="visit-form"')[1]
    staff = str(office.staff[1].id)
    r = m.post(
        "/service/return-visits/new/orders",
        {"unit": "1-101", "comments": "先写的", "rating": "5", "method": "in_person",
         "topic": "漏水", "visitor_staff_id": staff, "visited_at": "2026-03-31T09:30"},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    page = r.text
    assert "先写的" in page and 'value="漏水"' in page and 'value="2026-03-31T09:30"' in page
    assert re.search(r'value="5" checked', page) and re.search(r'value="in_person" checked', page)
    assert re.search(rf'value="{staff}" selected', page)
    assert "FW-2026-000007" in page and "厨房水管漏水" in page
    # The unticked "log the call" stays unticked.
    assert not re.search(r'name="log_call" value="1" checked', page)
    # A link can still name the unit; nothing else in a query is taken.
    page = m.client.get("/service/return-visits/new?unit=1-101&comments=先写的").text
    assert "FW-2026-000007" in page and "先写的" not in page
    assert m.client.get("/service/return-visits/new/orders").status_code == 405


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 180, 90)).save(out, "JPEG")
    return out.getvalue()


def test_a_notice_is_posted_with_its_photo(browser, office, session, ctx):
    for i, unit in enumerate(add_units(session, office, "9栋", 3)):
        visit(ctx, unit, T + timedelta(minutes=i), topic="电梯噪音")
    notice = session.execute(select(LobbyNotice)).scalar_one()
    m = browser("manager")
    page = m.client.get("/service/lobby-notices").text
    assert "电梯噪音" in page and "逾期" in page  # found 2 March, due 9 March; today 31 March
    r = m.post(f"/service/lobby-notices/{notice.id}/post", {"text": "电梯周五保养"})
    assert r.status_code == 422 and "请上传公告张贴在公告栏上的照片" in r.text
    assert "电梯周五保养" in r.text
    r = m.post(
        f"/service/lobby-notices/{notice.id}/post",
        {"text": "电梯周五保养"},
        files={"photo": ("board.jpg", _jpeg(), "image/jpeg")},
    )
    assert r.status_code == 303
    session.refresh(notice)
    assert notice.posted_at is not None and notice.photo_file_id is not None
    assert "已张贴" in m.client.get("/service/lobby-notices").text


def test_fees_page_payments_objections_and_the_rate(browser, office, session):
    c = browser("cashier")
    assert c.post("/fees/bills", {"unit": "1-101", "quarter": "2026-Q1", "item": "management",
                                  "amount": "1,000.00"}).status_code == 303  # fmt: skip
    r = c.post("/fees/payments", {"unit": "1-101", "quarter": "2026-Q1", "amount": "abc",
                                  "paid_at": "2026-03-20T10:00", "receipt_no": "R1"})  # fmt: skip
    assert r.status_code == 422 and 'value="abc"' in r.text
    r = c.post("/fees/payments", {"unit": "1-101", "quarter": "2026-Q1", "amount": "989.99",
                                  "paid_at": "2026-03-20T10:00", "receipt_no": "R1"})  # fmt: skip
    assert r.status_code == 303
    r = c.post("/fees/contacts", {"unit": "1-101", "quarter": "2026-Q1", "kind": "objection",
                                  "at": "2026-03-21T10:00", "note": "电梯常坏"})  # fmt: skip
    assert r.status_code == 303
    page = c.client.get("/fees?quarter=2026-Q1").text
    assert "98.9%" in page and "¥10.01" in page and "电梯常坏" in page
    assert "99.0%" in page  # the target


def test_the_billing_export_is_imported_in_steps(browser, office, session):
    c = browser("cashier")
    r = c.post("/fees/import", files={"file": ("fees.csv", fee_files.csv_bytes("gbk"), "text/csv")})
    assert r.status_code == 303
    preview = c.client.get(r.headers["location"]).text
    assert 'id="count-bills">5<' in preview and "¥1,234.50" in preview
    done = c.post(r.headers["location"] + "/confirm")
    assert done.status_code == 303 and "bills=5" in done.headers["location"]
    assert session.execute(select(func.count()).select_from(FeeBill)).scalar_one() == 5
    bad_file = {"file": ("x.csv", fee_files.csv_bytes(bad=True), "text/csv")}
    bad = c.post("/fees/import", files=bad_file)
    page = c.client.get(bad.headers["location"]).text
    assert "第 8 行 · 应收金额" in page and "不是以元为单位的金额" in page
    assert 'id="confirm-form"' not in page


def test_the_fee_preview_puts_a_row_in_one_category_and_shows_a_date_as_a_date(
    browser, office, session
):
    c = browser("cashier")
    # 1栋 101's 管理费 is on file at ¥751.00; the file says ¥1,234.50 (and pays it on a day).
    session.add(
        FeeBill(office_id=office.office.id, unit_id=office.units[0].id, quarter="2026-Q1",
                item="management", amount_fen=75100, due_on=T.date(), source="manual",
                created_at=T, created_by=office.users["cashier"].id)
    )  # fmt: skip
    session.flush()
    r = c.post("/fees/import", files={"file": ("fees.csv", fee_files.csv_bytes(), "text/csv")})
    page = c.client.get(r.headers["location"]).text
    assert "已有应收" in page and 'id="count-problems">1<' in page
    assert 'id="count-recorded">0<' in page
    assert 'id="count-payments">2<' in page  # 1栋 102 and 2栋 103; not the problem row
    payments = page.split('id="preview-payments"')[1]
    assert "P0001" not in payments  # the problem row's payment is not listed to import
    assert "2026-03-06</time>" in payments and "仅日期" in payments  # "2026/3/6": a date
    assert "2026-03-06 12:00" not in payments
    assert "03-07 10:15" in payments  # a time given is shown as given
    assert "当天办公室时间 12:00" in page
