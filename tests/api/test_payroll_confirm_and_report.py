"""Payroll: a bad month is explained in the user's words; executing a month shows what it will
take and needs a second, confirming submit. The monthly report downloads from the web."""

import re
import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from compliance.pay.models import Instalment, InstalmentStatus, PayrollRun
from compliance.pay.service import create_deductions_for_case, record_deduction_notice
from tests.compliance.pay.helpers import add_min_wage, compensation, make_case
from tests.conftest import as_role


def _deduct(ctx, office, staff, fen, *, notice=True):
    hr = as_role(ctx, office, "hr")
    case, proposal = make_case(ctx.session, office, staff, compensation(fen))
    create_deductions_for_case(hr, case, proposal)
    if notice:
        record_deduction_notice(hr, case.id, f"{case.number} 照价赔偿,按月从工资中扣除")
    return case


@pytest.mark.parametrize("month", ["2026-13", "abc", "2026-4", "1999-12"])
def test_a_bad_month_says_so_in_chinese_and_in_english(browser, session, month):
    add_min_wage(session)
    hr = browser("hr")
    page = hr.client.get(f"/payroll?month={month}")
    assert page.status_code == 422
    assert "请选择 2000-01 至 2199-12 之间的月份" in page.text
    assert 'id="month-error"' in page.text and f'value="{month}"' in page.text  # kept as typed
    assert "Input should" not in page.text and "valid date" not in page.text
    hr.client.cookies.set("lang", "en")
    page = hr.client.get(f"/payroll?month={month}")
    assert "Choose a month between 2000-01 and 2199-12" in page.text


def test_executing_a_month_shows_what_it_will_take_then_asks_again(browser, ctx, office, session):
    add_min_wage(session)
    _deduct(ctx, office, office.staff[0], 150_000)
    _deduct(ctx, office, office.staff[1], 30_000)
    session.commit()
    hr = browser("hr")
    sheet = hr.client.get("/payroll?month=2026-04").text
    assert 'action="/payroll/confirm"' in sheet and 'action="/payroll/execute"' not in sheet
    page = hr.client.get("/payroll/confirm?month=2026-04")
    assert page.status_code == 200
    planned = session.execute(
        select(func.count(), func.sum(Instalment.amount_fen)).where(
            Instalment.month == date(2026, 4, 1),
            Instalment.status == InstalmentStatus.PLANNED.value,
        )
    ).one()
    assert planned == (2, 130_000)  # ¥1,000 (the cap of a ¥5,000 wage) + ¥300
    assert re.search(r'id="plan-staff">2<', page.text)
    assert re.search(r'id="plan-instalments">2<', page.text)
    assert 'id="plan-total">¥1,300.00<' in page.text
    assert "不可撤销" in page.text and 'name="confirm" value="yes"' in page.text
    # Nothing happened by looking, nor by a post without the confirmation.
    r = hr.post("/payroll/execute", {"month": "2026-04"})
    assert r.headers["location"] == "/payroll/confirm?month=2026-04"
    assert session.execute(select(func.count()).select_from(PayrollRun)).scalar_one() == 0
    r = hr.post("/payroll/execute", {"month": "2026-04", "confirm": "yes"})
    assert r.status_code == 303 and r.headers["location"].endswith("done=executed")
    run = session.execute(select(PayrollRun)).scalar_one()
    assert (run.instalments, run.total_fen) == (2, 130_000)
    # Executed: the confirmation page sends back to the sheet.
    again = hr.client.get("/payroll/confirm?month=2026-04", follow_redirects=False)
    assert again.status_code == 303


def test_a_month_that_would_be_refused_says_why_before_any_button(browser, ctx, office, session):
    add_min_wage(session)
    case = _deduct(ctx, office, office.staff[0], 50_000, notice=False)
    session.commit()
    page = browser("hr").client.get("/payroll/confirm?month=2026-04").text
    assert 'id="refusals"' in page and case.number in page and "尚未送达书面扣款通知" in page
    assert 'name="confirm"' not in page


def test_the_monthly_report_downloads_named_by_office_and_month(browser, tmp_path):
    hr = browser("hr")
    page = hr.client.get("/reports")
    assert page.status_code == 200 and 'value="2026-02"' in page.text  # last month by default
    r = hr.post("/reports/monthly.pdf", {"month": "2026-03", "lang": "zh"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'attachment; filename="report-BSW-2026-03.pdf"'
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "碧水湾管理处" in text and "2026-03" in text
    bad = hr.post("/reports/monthly.pdf", {"month": "2026-3", "lang": "zh"})
    assert bad.status_code == 422 and "请选择 2000-01 至 2199-12 之间的月份" in bad.text
    assert 'value="2026-3"' in bad.text
    future = hr.post("/reports/monthly.pdf", {"month": "2026-05", "lang": "zh"})
    assert future.status_code == 422 and "该月份尚未开始" in future.text
