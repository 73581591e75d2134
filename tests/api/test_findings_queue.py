"""The findings queue at 150 findings: pages, filters kept in the address, groups by staff
member, evidence inline (photo, measured value against the limit), bulk dismissal with one
reason, a confirm step that says which case it opens or joins, and a bounded query count."""

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from html import unescape
from typing import Any
from urllib.parse import unquote

import pytest
from PIL import Image
from sqlalchemy import event, func, insert, select
from sqlmodel import Session, col

from compliance.audit.models import AuditEvent
from compliance.cases.models import Case
from compliance.context import Ctx
from compliance.feedback.models import Feedback
from compliance.files.service import store_image
from compliance.findings.models import Finding
from compliance.flows.spot_checks import record_spot_check
from tests.browser.readable import problems
from tests.conftest import NOW
from tests.factories import OfficeSet, office_set

RULES = ("R01", "R04", "R05", "R06", "R07", "R08")
SOURCES = ("detector", "manual")
N = 150


def _seed(ctx: Ctx, office: OfficeSet, n: int = N) -> list[int]:
    """n open findings spread over the office's three staff members (teams 维修, 保洁, 安保),
    rules, sources and days, each citing a feedback record of its own."""
    s = ctx.session
    feedback_rows, rows = [], []
    for i in range(n):
        staff = office.staff[i % 3]
        at = NOW - timedelta(days=1 + i % 30, hours=i % 5)
        feedback_rows.append(
            {
                "office_id": office.office.id,
                "staff_id": staff.id,
                "channel": "phone",
                "category": "attitude",
                "text": f"住户第{i}次反映态度差",
                "occurred_at": at,
                "work_date": at.date(),
                "received_at": at,
                "created_at": at,
            }
        )
    s.execute(insert(Feedback.__table__), feedback_rows)  # type: ignore[attr-defined]
    fb_ids = list(
        s.execute(
            select(col(Feedback.id))
            .where(col(Feedback.office_id) == office.office.id)
            .order_by(col(Feedback.id))
        ).scalars()
    )[-n:]
    for i in range(n):
        staff = office.staff[i % 3]
        at = NOW - timedelta(days=1 + i % 30, hours=i % 5)
        rows.append(
            {
                "office_id": office.office.id,
                "staff_id": staff.id,
                "rule_code": RULES[i % len(RULES)],
                "policy_version": "1.0",
                "params_digest": "0" * 64,
                "input_digest": "0" * 64,
                "source": SOURCES[i % 2],
                "detector": "attitude_complaint" if i % 2 == 0 else "manual",
                "dedupe_key": f"seed:{i}",
                "occurred_at": at,
                "explanation_zh": f"住户反映服务态度差(反馈 #{fb_ids[i]})。",
                "explanation_en": f"A resident reported a poor attitude (feedback #{fb_ids[i]}).",
                "evidence": f'[{{"kind": "feedback", "id": {fb_ids[i]}}}]',
                "status": "open",
                "triage_reason": "",
                "created_at": NOW,
            }
        )
    s.execute(insert(Finding.__table__), rows)  # type: ignore[attr-defined]
    s.flush()
    return list(
        s.execute(select(col(Finding.id)).where(col(Finding.dedupe_key).like("seed:%"))).scalars()
    )


def _measured_with_photo(ctx: Ctx, office: OfficeSet) -> int:
    """A real spot check: the gap between rings measured at 3 s (5 s required), a photo."""
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(buf, format="JPEG")
    photo = store_image(ctx, buf.getvalue(), "door.jpg").id
    read = record_spot_check(
        ctx,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "checked_at": "2026-03-30T02:15:00+00:00",
            "items": [{"item_key": "ring_interval", "result": "fail", "observed": 3}],
            "photos": [{"file_id": photo, "item_key": "ring_interval"}],
        },
    )
    assert len(read.finding_ids) == 1
    return read.finding_ids[0], photo


def _ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<article class="card finding" id="finding-(\d+)"', html)]


def _text(html: str) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


@contextmanager
def _counting(session: Session) -> Iterator[list[str]]:
    """Every SQL statement the session's engine runs inside the block."""
    statements: list[str] = []
    engine = session.get_bind()

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def seeded(ctx: Ctx, office: OfficeSet) -> list[int]:
    return _seed(ctx, office)


def test_pages_through_150_findings_once_each(browser, seeded):
    b = browser("manager")
    seen: list[int] = []
    page = b.client.get("/findings").text
    assert "待处理线索共 150 条,当前第 1–25 条" in page and "第 1 页 / 共 6 页" in page
    for n in range(1, 7):
        html = b.client.get(f"/findings?page={n}").text
        seen += _ids(html)
        assert ("下一页" in html) == (n < 6) and ("上一页" in html) == (n > 1)
    assert sorted(seen) == sorted(seeded) and len(seen) == N
    # A page size of its own, and a page past the end shows the last one.
    assert len(_ids(b.client.get("/findings?per=100").text)) == 100
    assert "第 6 页 / 共 6 页" in b.client.get("/findings?page=99").text


def test_each_filter_narrows_in_sql_and_is_kept_when_paging(browser, office, seeded, session):
    b = browser("manager")

    def stored(**where: Any) -> set[int]:
        stmt = select(col(Finding.id)).where(col(Finding.status) == "open")
        for key, value in where.items():
            stmt = stmt.where(getattr(Finding, key) == value)
        return set(session.execute(stmt).scalars())

    def listed(query: str) -> set[int]:
        out: set[int] = set()
        url = f"/findings?{query}"
        while url:
            html = b.client.get(url).text
            out |= set(_ids(html))
            nxt = re.search(r'href="([^"]+)" rel="next"', html)
            if nxt:
                assert query.split("&")[0] in unquote(unescape(nxt.group(1)))  # the filter is kept
            url = unescape(nxt.group(1)) if nxt else ""
        return out

    two = office.staff[1]
    assert listed("rule=R04") == stored(rule_code="R04")
    assert listed(f"staff={two.id}") == stored(staff_id=two.id)
    assert listed("team=安保") == stored(staff_id=office.staff[2].id)
    assert listed("source=manual") == stored(source="manual")
    first = (NOW - timedelta(days=5)).astimezone(office_tz()).date()
    last = (NOW - timedelta(days=3)).astimezone(office_tz()).date()
    by_day = {
        f.id
        for f in session.execute(select(Finding)).scalars()
        if first <= f.occurred_at.astimezone(office_tz()).date() <= last
    }
    assert by_day and listed(f"from={first}&to={last}") == by_day
    both = listed(f"rule=R05&staff={two.id}")
    assert both == stored(rule_code="R05") & stored(staff_id=two.id)
    # The chips name what is filtered, in words, each with a link that takes it off.
    html = b.client.get(f"/findings?rule=R05&staff={two.id}&source=manual").text
    assert 'id="chip-rule"' in html and "R05 " in html
    assert ('id="chip-source"' in html and "人工提出" in _text(html)) or "手工" in _text(html)
    assert 'href="/findings?rule=R05&amp;source=manual" class="chip" id="chip-staff"' in html
    # A bad date is said, and the rest of the filter still applies.
    bad = b.client.get("/findings?rule=R04&from=2026-13-45").text
    assert "不是有效日期" in bad and set(_ids(bad)) <= stored(rule_code="R04")


def office_tz():  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def test_groups_by_staff_member_with_their_count(browser, office, seeded):
    b = browser("manager")
    html = b.client.get("/findings?per=100").text + b.client.get("/findings?per=100&page=2").text
    heads = [int(x) for x in re.findall(r'<section class="staff-group" id="staff-(\d+)">', html)]
    by_name = sorted(office.staff, key=lambda s: (s.name, s.employee_no))
    # One heading per person and page, in name order; a person split by the page break is
    # headed again on the next page.
    assert list(dict.fromkeys(heads)) == [s.id for s in by_name]
    for sid in heads:
        section = html.split(f'id="staff-{sid}"')[1].split("</section>")[0]
        assert "50 条线索" in section  # the person's total, not just this page's
        ids = _ids(section)
        assert ids and set(ids) <= set(seeded)


def test_a_page_costs_the_same_few_queries_whatever_its_size(browser, ctx, office, seeded):
    _measured_with_photo(ctx, office)  # a spot-check item with a photo and a measurement
    b = browser("manager")
    first = office.staff[0].id  # the measured finding is this person's newest: on every page
    b.client.get("/findings")  # warm up (templates, catalog)
    counts = {}
    for per in (10, 25, 100):
        with _counting(ctx.session) as statements:
            r = b.client.get(f"/findings?per={per}&staff={first}")
        assert r.status_code == 200 and len(_ids(r.text)) == min(per, 51)
        assert "按铃间隔 3 秒" in _text(r.text)
        counts[per] = len(statements)
    assert counts[10] == counts[25] == counts[100], counts
    print("statements per page", counts)
    assert counts[100] <= 16, counts


def test_evidence_inline_photo_and_measured_value_against_the_limit(browser, ctx, office):
    fid, photo = _measured_with_photo(ctx, office)
    b = browser("manager")
    html = b.client.get("/findings").text
    card = html.split(f'id="finding-{fid}"')[1].split("</article>")[0]
    assert f'<img src="/files/{photo}"' in card
    assert "按铃间隔 3 秒,规定 ≥ 5 秒" in _text(card)
    assert b.client.get(f"/files/{photo}").status_code == 200
    b.client.get("/lang/en?next=/")
    en = b.client.get("/findings").text
    assert "Gap between rings 3 s, required ≥ 5 s" in _text(en)


def test_chinese_queue_shows_no_raw_code_or_english(browser, ctx, office, seeded):
    _measured_with_photo(ctx, office)
    b = browser("manager")
    for url in (
        "/findings",
        "/findings?source=detector&rule=R01",
        f"/findings/{seeded[0]}/confirm",
    ):
        text = _text(b.client.get(url).text)
        assert problems(text, "zh") == [], url
        for code in ("attitude_complaint", "no_sign_back", "checklist", "lingering", "spot_check"):
            assert code not in text


def test_bulk_dismiss_with_one_reason_audits_each(browser, session, seeded):
    b = browser("manager")
    chosen = seeded[:3]
    before = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    r = b.client.post(
        "/findings/dismiss",
        data={"csrf_token": b.csrf, "ids": [str(i) for i in chosen], "reason": "住户撤回投诉",
              "back": "rule=R01"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    assert r.headers["location"] == "/findings?rule=R01&done=dismissed_many&n=3"
    session.expire_all()
    rows = session.execute(select(Finding).where(col(Finding.id).in_(chosen))).scalars().all()
    assert {(f.status, f.triage_reason) for f in rows} == {("dismissed", "住户撤回投诉")}
    events = (
        session.execute(select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(3))
        .scalars()
        .all()
    )
    assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == before + 3
    assert sorted(int(e.entity_id) for e in events) == sorted(chosen)
    assert {e.action for e in events} == {"finding.dismissed"}
    assert "已驳回 3 条线索。" in b.client.get(r.headers["location"]).text


@pytest.mark.parametrize("reason", ["", "   "])
def test_bulk_dismiss_without_reason_keeps_the_ticks(browser, session, seeded, reason):
    b = browser("manager")
    on_page_2 = _ids(b.client.get("/findings?source=manual&page=2").text)
    chosen = on_page_2[:2]
    r = b.client.post(
        "/findings/dismiss",
        data={"csrf_token": b.csrf, "ids": [str(i) for i in chosen], "reason": reason,
              "back": "source=manual", "page": "2"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 422 and "驳回线索必须填写理由" in r.text
    assert _ids(r.text) == on_page_2  # the same page, as filtered
    for fid in chosen:
        assert re.search(rf'name="ids" value="{fid}" form="bulk" checked', r.text)
    assert not re.search(rf'name="ids" value="{on_page_2[2]}" form="bulk" checked', r.text)
    assert (
        session.execute(
            select(func.count()).select_from(Finding).where(col(Finding.status) != "open")
        ).scalar_one()
        == 0
    )


def test_bulk_dismiss_needs_a_tick_and_is_all_or_nothing(browser, ctx, session, seeded):
    b = browser("manager")
    r = b.post("/findings/dismiss", {"reason": "住户撤回投诉"})
    assert r.status_code == 422 and "请至少勾选一条要驳回的线索" in r.text
    other = office_set(session, code="XYZ")
    foreign = _seed(
        Ctx(session=session, actor=other.actor("manager"), clock=ctx.clock, settings=ctx.settings),
        other,
        n=1,
    )
    r = b.client.post(
        "/findings/dismiss",
        data={"csrf_token": b.csrf, "ids": [str(seeded[0]), str(foreign[-1])], "reason": "撤回"},
        follow_redirects=False,
    )
    assert r.status_code == 422 and "本管理处没有这条线索" in r.text
    session.expire_all()
    assert session.get(Finding, seeded[0]).status == "open"


def test_confirm_says_what_happens_asks_and_links_the_case(browser, session, seeded, office):
    b = browser("manager")
    one, two = seeded[0], seeded[6]  # same staff member (i % 3), same rule (i % 6)
    page = b.client.get(f"/findings/{one}/confirm?back=rule%3DR01").text
    assert "将就 R01" in _text(page) and 'name="sure"' in page
    # Without the box ticked nothing happens; the page says why.
    r = b.post(f"/findings/{one}/confirm", {"back": "rule=R01"})
    assert r.status_code == 422 and "请勾选确认框" in r.text
    assert session.execute(select(func.count()).select_from(Case)).scalar_one() == 0
    r = b.post(f"/findings/{one}/confirm", {"sure": "yes", "back": "rule=R01"})
    case = session.execute(select(Case)).scalar_one()
    assert r.headers["location"] == (
        f"/findings?rule=R01&done=confirmed&id={one}&case={case.id}&how=opened"
    )
    done = b.client.get(r.headers["location"]).text
    assert f"线索 #{one} 已确认:已立案 {case.number}。" in _text(done)
    assert f'href="/cases/{case.id}"' in done
    # The second finding of that person and rule joins the case, and says so first.
    page = b.client.get(f"/findings/{two}/confirm").text
    assert f"并入案件 {case.number}" in _text(page)
    r = b.post(f"/findings/{two}/confirm", {"sure": "yes"})
    assert r.headers["location"].endswith(f"case={case.id}&how=joined")
    done = b.client.get(r.headers["location"]).text
    assert f"已并入案件 {case.number}" in _text(done) and f'href="/cases/{case.id}"' in done
    assert b.client.get(f"/cases/{case.id}").status_code == 200


def test_the_json_list_filters_and_pages_and_dismisses_many(client, ctx, office, seeded):
    from compliance.accounts import tokens as api_tokens

    headers = {"Authorization": f"Bearer {api_tokens.create_token(ctx, {'name': 't'}).token}"}
    r = client.get("/api/findings?source=manual&limit=20&offset=20", headers=headers)
    assert r.status_code == 200 and r.headers["X-Total-Count"] == "75"
    window = r.json()
    assert len(window) == 20 and {f["source"] for f in window} == {"manual"}
    everything = client.get("/api/findings?source=manual&limit=500", headers=headers).json()
    assert [f["id"] for f in everything[20:40]] == [f["id"] for f in window]  # newest first
    team = client.get("/api/findings?team=安保&rule_code=R05", headers=headers)
    assert {(f["staff_id"], f["rule_code"]) for f in team.json()} == {(office.staff[2].id, "R05")}
    assert client.get("/api/findings?source=nope", headers=headers).status_code == 422
    r = client.post(
        "/api/findings/dismiss", json={"ids": seeded[:2], "reason": "重复"}, headers=headers
    )
    assert r.status_code == 200 and {f["status"] for f in r.json()} == {"dismissed"}
    r = client.post("/api/findings/dismiss", json={"ids": [], "reason": ""}, headers=headers)
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"ids", "reason"}
    r = client.get("/api/findings?date_from=2026-02-30", headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "date_from"
    r = client.get("/api/findings?date_from=2026-03-01&date_to=2026-03-02", headers=headers)
    assert r.status_code == 200
