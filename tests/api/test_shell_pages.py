"""Readable shared pages (issue 14, item 13): the dashboard names its rules and shows the
backlog as numbers; the rulebook names each parameter and gives its value with its unit."""

import re

from api.pages.rulebook import PARAM_NAMES
from compliance.cases.models import CaseStatus as S
from policies import registry
from tests.browser.readable import problems
from tests.compliance.cases.helpers import drive, finding
from tests.conftest import NOW


def _text(html: str) -> str:
    """The words a person reads (tags and attributes dropped, entities kept simple)."""
    body = html[html.index("<main>") :]
    return re.sub(r"<[^>]+>", " ", body).replace("&#39;", "'").replace("&amp;", "&")


def test_the_dashboard_legend_names_the_rules_and_the_backlog_is_on_top(browser, ctx, office):
    drive(ctx, office, S.OPEN)
    drive(ctx, office, S.UNDER_REVIEW, rule="R06")
    for _ in range(3):
        finding(ctx, office, rule="R07", staff=1)
    b = browser("manager")
    page = b.client.get("/dashboard").text
    legend = re.findall(r'<ul class="legend">(.*?)</ul>', page, re.S)[0]
    assert "R05 不得使用业主设施" in legend and "R06 不得带无关人员入户" in legend
    assert re.search(r'id="backlog"><a href="/cases">2</a>', page)
    assert re.search(r'id="open-findings"><a href="/findings">3</a>', page)
    assert page.index('id="backlog"') < page.index("<svg")  # the backlog comes first
    assert "2 个案件" in page[page.index("未结案件（按状态）") :]
    # Phone-size charts: drawn 400 wide with 15-unit labels; months as numbers, years beneath.
    assert 'viewBox="0 0 400 ' in page and 'font-size="11"' not in page
    assert 'class="year">2026<' in page
    b.client.cookies.set("lang", "en")
    english = b.client.get("/dashboard").text
    assert "R05 No use of residents&#39; facilities" in english


def test_every_parameter_has_a_name_and_the_rulebook_shows_no_key(browser):
    keys = {prm.name for rule in registry.RULES for prm in rule.parameters}
    assert keys == set(PARAM_NAMES)  # a new parameter needs its name here
    b = browser("staff")
    zh = b.client.get("/rules").text
    assert not [k for k in keys if k in _text(zh)]
    assert problems(_text(zh), "zh", allow=["R01"]) == []
    assert "<strong>回处签到宽限时间</strong>" in zh and "60 分钟" in zh
    assert "情节严重的涉及金额" in zh and "¥1,000.00" in zh
    b.client.cookies.set("lang", "en")
    en = b.client.get("/rules").text
    assert "<strong>Grace period to sign back</strong>" in en and "60 min" in en
    assert not [k for k in keys if k in _text(en)]


def test_the_admin_page_has_no_english_in_chinese(browser, session):
    from compliance.pay import service as pay

    pay.seed_example_minimum_wage(session, NOW)
    page = browser("admin").client.get("/admin").text
    text = _text(page)
    assert "示例数据" in text
    assert not re.search(r"\b(example|figure)\b", text, re.I)
