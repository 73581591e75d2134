"""What a reviewer saw on the pages: axes, order, labels, units, yuan, spacing, deadlines."""

import json
import re
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select

from api import charts
from api.i18n import Translator
from compliance.cases.models import Case, CaseStatus
from compliance.clock import local_date
from compliance.policy_params.models import PolicyVersion
from tests.compliance.cases.helpers import drive
from tests.compliance.pay.helpers import add_min_wage

S = CaseStatus
TICK = re.compile(r'class="tick">([^<]*)<')
DAY = timedelta(days=1)


@pytest.mark.parametrize("largest", [0, 1, 3, 4, 5, 7, 12, 48, 230])
@pytest.mark.parametrize("draw", [charts.lines, charts.stacked_bars])
def test_count_charts_have_whole_evenly_spaced_ticks_up_to_the_largest_value(draw, largest):
    svg = draw("t", ["2026-02", "2026-03"], {"a": [largest, 0]})
    ticks = TICK.findall(svg)
    assert all(t.isdigit() for t in ticks), ticks  # no 1.2, 2.5, 3.8
    values = [int(t) for t in ticks]
    assert values[0] == 0 and values[-1] >= largest and len(values) <= 6
    assert len({b - a for a, b in pairwise(values)}) == 1


def test_dashboard_orders_open_cases_by_life_cycle_and_names_the_rules_broken(browser, ctx, office):
    # Alphabetical (decision_proposed, open, under_review) differs from the life cycle.
    drive(ctx, office, S.DECISION_PROPOSED, rule="R07")
    drive(ctx, office, S.UNDER_REVIEW, rule="R06")
    drive(ctx, office, S.OPEN)
    page = browser("manager").client.get("/dashboard").text
    chart = page[page.index(Translator("zh")("Open cases by state")) :]
    positions = [chart.index(f">{word}<") for word in ("已立案", "审查中", "已提出处理建议")]
    assert positions == sorted(positions)
    assert "<th>违反的规则</th>" in page
    row = page[page.index("李明") :].split("</tr>")[0]
    assert re.findall(r">(R\d\d)</span>", row) == ["R05", "R06", "R07"]


def test_rulebook_units_are_in_the_pages_language_and_versions_name_their_parameters(
    browser, client
):
    admin = browser("admin")
    r = admin.post(
        "/admin/rules/R11",
        {"p_serious_damage_fen": "2500", "effective_from": "2026-04-01", "reason": "物价上涨"},
    )
    assert r.status_code == 303
    page = admin.client.get("/rules").text
    for shown in ("60 分钟", "120 秒", "48 小时", "90 天", "¥2,000.00"):
        assert f">{shown}<" in page, shown
    assert not re.search(r">\d+ (min|h|s|days|count|fen)<", page)
    assert "情节严重的损坏金额 <strong>¥2,500.00</strong>" in page
    assert "serious_damage_fen=" not in page
    client.cookies.set("lang", "en")
    english = admin.client.get("/rules").text
    assert ">60 min<" in english and ">90 days<" in english
    assert "Assessed value from which the damage is suggested as serious" in english


def test_admin_takes_money_parameters_in_yuan_and_spaces_its_forms(browser, session):
    admin = browser("admin")
    page = admin.client.get("/admin").text
    assert "(fen)" not in page
    assert "损坏价值达到此金额时建议按情节严重处理（元）" in page
    assert 'name="p_serious_damage_fen" type="text" value="2000.00"' in page
    assert "工作完毕后允许在住户家停留的最长时间（分钟）" in page
    # Spacing between the fields and the button comes from the app's .stack forms.
    for action in ("/admin/minimum-wages", "/admin/users", "/admin/rules/R11"):
        assert f'<form method="post" action="{action}" class="stack">' in page

    bad = admin.post(
        "/admin/rules/R11",
        {"p_serious_damage_fen": "12.345", "effective_from": "2026-04-01", "reason": "x"},
    )
    assert bad.status_code == 422 and 'id="R11-serious_damage_fen-error"' in bad.text
    assert "金额格式不对" in bad.text
    r = admin.post(
        "/admin/rules/R11",
        {"p_serious_damage_fen": "2,500.50", "effective_from": "2026-04-01", "reason": "物价"},
    )
    assert r.status_code == 303
    stored = session.execute(
        select(PolicyVersion.params_json).where(PolicyVersion.rule_code == "R11")
    ).scalar_one()
    assert json.loads(stored) == {"serious_damage_fen": 250_050}


def test_payroll_names_the_guardrail_profile_and_spaces_the_execute_button(browser, session):
    add_min_wage(session)
    page = browser("hr").client.get("/payroll?month=2026-03").text
    assert "中国劳动法保护" in page and "法定保护 CN" not in page
    assert '<form method="get" action="/payroll/confirm" class="stack">' in page


def test_queue_marks_a_statement_request_past_its_deadline_by_the_apps_clock(
    browser, ctx, office, clock, session
):
    case_id = drive(ctx, office, S.AWAITING_STATEMENT)
    due = session.execute(select(Case.statement_due).where(Case.id == case_id)).scalar_one()
    badge = 'class="badge overdue">已逾期<'
    assert badge not in browser("hr").client.get("/cases").text
    # Days pass on the app's clock (a fresh sign-in each time: sessions time out meanwhile).
    clock.advance((due - local_date(clock.now(), ctx.tz)).days * DAY)
    assert badge not in browser("hr").client.get("/cases").text  # the due day is in time
    clock.advance(DAY)
    page = browser("hr").client.get("/cases").text
    card = page[page.index(f'id="case-{case_id}"') :].split("</a>")[0]
    assert badge in card and 'class="deadline"' in card
