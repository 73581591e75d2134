"""The spot check as a manager does it on a phone (issue 14, item 8): all pass in one tap,
a note and a photo per item, evidence for each failed item, each item's limit from the
policy in force, the unit typed or scanned, photos kept across a refused try, and what each
failed item led to."""

import io
import re
from datetime import date, datetime

import pytest
import segno
from PIL import Image
from sqlalchemy import func, select

from api.pages.unit_qr import qr_svg, unit_link
from compliance.files.models import StoredFile
from compliance.findings.models import Finding
from compliance.flows.open_case import confirm_into_case
from compliance.inspections.models import SpotCheck, SpotCheckItem, SpotCheckPhoto
from compliance.policy_params.service import record_history
from compliance.residents.models import Unit
from compliance.residents.schemas import UnitRead
from compliance.residents.search import matching, natural_key
from policies import registry
from tests.conftest import NOW
from tests.factories import T0


def png(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(out, format="PNG")
    return out.getvalue()


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def base(office, **over: str) -> dict[str, str]:
    data = {
        "staff": office.staff[0].employee_no,
        "unit": "1栋 101",
        "checked_at": "2026-03-31T10:30",
        "result_knock_before_entry": "pass",
        "result_ring_interval": "pass",
    }
    data.update(over)
    return data


def kept_values(html: str) -> list[str]:
    return re.findall(r'name="kept" value="([^"]+)"', html)


# --- all pass ------------------------------------------------------------------------------


def test_all_pass_without_script_ticks_every_item_and_keeps_what_was_typed(
    browser, office, session
):
    b = browser("manager")
    page = b.client.get("/spot-checks/new").text
    assert 'name="all_pass"' in page and "data-all-pass" in page and "/static/spot.js" in page
    r = b.post(
        "/spot-checks/new",
        {"staff": "E002", "unit": "1栋 102", "notes": "例行抽查", "all_pass": "1"},
        files=[("photo_badge_worn", ("badge.png", png(), "image/png"))],
    )
    assert r.status_code == 200
    radios = re.findall(r'name="result_(\w+)" value="pass" checked', r.text)
    assert len(radios) == len(registry.checklist_items()) == 10
    assert 'value="E002"' in r.text and 'value="1栋 102"' in r.text and "例行抽查" in r.text
    assert _count(session, SpotCheck) == 0
    # The photo chosen before tapping it is kept, under its item.
    (value,) = kept_values(r.text)
    assert value.startswith("badge_worn:")


def test_all_pass_then_save_records_every_item_as_passed(browser, office, session):
    b = browser("manager")
    ticked = {
        f"result_{k}": "pass"
        for k in re.findall(
            r'name="result_(\w+)" value="pass"', b.client.get("/spot-checks/new").text
        )
    }
    r = b.post("/spot-checks/new", base(office, **ticked))
    assert r.status_code == 303, r.text
    results = session.execute(select(SpotCheckItem.result)).scalars().all()
    assert len(results) == len(ticked) and set(results) == {"pass"}
    assert _count(session, Finding) == 0
    page = b.client.get(r.headers["location"]).text
    assert "所有检查项目均合格" in page.split('id="consequences"', 1)[1]


# --- evidence for a failed item, photos kept -------------------------------------------------


def test_a_failed_item_without_evidence_is_refused_naming_it_and_its_photos_are_kept(
    browser, office, session
):
    b = browser("manager")
    r = b.post(
        "/spot-checks/new",
        base(office, result_badge_worn="fail", note_ring_interval="间隔正常"),
        files=[
            ("photo_ring_interval", ("gap.png", png((0, 90, 0)), "image/png")),
            ("photos", ("door.png", png(), "image/png")),
        ],
    )
    assert r.status_code == 422
    assert 'id="note_badge_worn-error"' in r.text
    assert "佩戴工作证:不合格项须有证据:请附照片或填写备注" in r.text
    assert 'href="#item-badge_worn"' in r.text
    assert _count(session, SpotCheck) == 0
    kept = kept_values(r.text)
    assert sorted(v.split(":")[0] for v in kept) == ["", "ring_interval"]
    ids = [int(v.split(":")[1]) for v in kept]
    for file_id in ids:
        assert f'src="/files/{file_id}"' in r.text
        assert b.client.get(f"/files/{file_id}").status_code == 200
    assert "已选择的照片已保留在下方" in r.text
    # Add a note and send again without choosing the photos again.
    again = b.post(
        "/spot-checks/new",
        {**base(office, result_badge_worn="fail", note_badge_worn="未佩戴工作证"), "kept": kept},
    )
    assert again.status_code == 303, again.text
    check = session.execute(select(SpotCheck)).scalar_one()
    photos = session.execute(select(SpotCheckPhoto)).scalars().all()
    assert sorted(p.file_id for p in photos) == sorted(ids)
    by_item = {p.file_id: p.item_id for p in photos}
    ring = session.execute(
        select(SpotCheckItem).where(SpotCheckItem.item_key == "ring_interval")
    ).scalar_one()
    assert by_item[ids[[v.split(":")[0] for v in kept].index("ring_interval")]] == ring.id
    assert check.id is not None and _count(session, StoredFile) == 2
    badge = session.execute(
        select(SpotCheckItem).where(SpotCheckItem.item_key == "badge_worn")
    ).scalar_one()
    assert (badge.result, badge.note) == ("fail", "未佩戴工作证")


def test_the_evidence_error_names_the_item_in_english(browser, office, client):
    b = browser("manager")
    client.get("/lang/en?next=/")
    r = b.post("/spot-checks/new", base(office, result_badge_worn="fail"))
    assert r.status_code == 422
    assert "Work badge worn: a failed item needs evidence: add a photo of it or a note" in r.text


def test_a_photo_of_the_failed_item_is_evidence_enough(browser, office, session):
    r = browser("manager").post(
        "/spot-checks/new",
        base(office, result_badge_worn="fail"),
        files=[("photo_badge_worn", ("badge.png", png(), "image/png"))],
    )
    assert r.status_code == 303, r.text
    photo = session.execute(select(SpotCheckPhoto)).scalar_one()
    item = session.get(SpotCheckItem, photo.item_id)
    assert item is not None and item.item_key == "badge_worn"


def test_a_kept_photo_is_only_for_its_uploader_and_only_once(browser, office, session):
    b = browser("manager")
    r = b.post(
        "/spot-checks/new",
        base(office, staff="nobody"),
        files=[("photos", ("door.png", png(), "image/png"))],
    )
    (value,) = kept_values(r.text)
    key, file_id, token = value.split(":")
    forged = f"{key}:{file_id}:{'0' * len(token)}"
    refused = b.post("/spot-checks/new", {**base(office), "kept": forged})
    assert refused.status_code == 422 and "上次保留的照片已不可用" in refused.text
    other = browser("director").post("/spot-checks/new", {**base(office), "kept": value})
    assert other.status_code == 422 and "上次保留的照片已不可用" in other.text
    b = browser("manager")
    assert b.post("/spot-checks/new", {**base(office), "kept": value}).status_code == 303
    twice = b.post("/spot-checks/new", {**base(office), "kept": value})
    assert twice.status_code == 422
    assert _count(session, SpotCheck) == 1 and _count(session, SpotCheckPhoto) == 1


# --- limits from the policy ------------------------------------------------------------------


def _limit(html: str, key: str) -> str:
    block = html.split(f'id="item-{key}"', 1)[1].split("</legend>", 1)[0]
    m = re.search(r'<span class="limit">([^<]+)</span>', block)
    assert m, block
    return " ".join(m.group(1).split())


def test_each_measured_item_shows_its_limit_from_the_policy_in_force(
    browser, office, session, clock, settings
):
    page = browser("manager").client.get("/spot-checks/new").text
    assert _limit(page, "ring_duration") == "规定 ≤ 2 分钟"
    assert _limit(page, "ring_interval") == "规定 ≥ 5 秒"
    assert (
        '<span class="limit">' not in page.split('id="item-badge_worn"', 1)[1].split("</legend>")[0]
    )
    from compliance.context import Ctx

    admin = Ctx(session=session, actor=office.actor("admin"), clock=clock, settings=settings)
    record_history(
        admin,
        "R03",
        {"max_ring_seconds": 90, "min_ring_gap_seconds": 10},
        date(2026, 3, 1),
        "物业公司调整",
        datetime(2026, 2, 20, tzinfo=NOW.tzinfo),
    )
    b = browser("manager")
    page = b.client.get("/spot-checks/new").text
    assert _limit(page, "ring_duration") == "规定 ≤ 90 秒"
    assert _limit(page, "ring_interval") == "规定 ≥ 10 秒"
    b.client.get("/lang/en?next=/")
    page = b.client.get("/spot-checks/new").text
    assert _limit(page, "ring_duration") == "limit ≤ 90 s"


# --- finding the unit ------------------------------------------------------------------------


def _add_units(session, office, *places: tuple[str, str]) -> dict[str, int]:
    out = {}
    for building, room in places:
        u = Unit(office_id=office.office.id, building=building, room=room, created_at=T0)
        session.add(u)
        session.flush()
        out[f"{building} {room}"] = u.id
    return out


def test_units_are_suggested_in_natural_order(browser, office, session):
    _add_units(session, office, ("1栋", "1001"), ("10栋", "101"), ("3栋", "1203"), ("1栋", "99"))
    page = browser("manager").client.get("/spot-checks/new").text
    listed = re.findall(r'<option value="([^"]+)" data-id="\d+">', page)
    assert listed == [
        "1栋 99", "1栋 101", "1栋 102", "1栋 1001", "2栋 103", "2栋 104", "3栋 1203", "10栋 101",
    ]  # fmt: skip
    assert sorted(["1001", "101", "99"], key=natural_key) == ["99", "101", "1001"]


@pytest.mark.parametrize(
    "typed", ["3-1203", "3栋1203", "1203", "3栋 1203", " 3 1203 ", "3号楼1203室"]
)
def test_a_unit_is_found_by_what_is_typed(browser, office, session, typed):
    ids = _add_units(session, office, ("3栋", "1203"), ("3栋", "203"), ("13栋", "1203"))
    if typed == "1203":
        session.delete(session.get(Unit, ids["13栋 1203"]))
        session.flush()
    r = browser("manager").post("/spot-checks/new", base(office, unit=typed))
    assert r.status_code == 303, r.text
    assert session.execute(select(SpotCheck.unit_id)).scalar_one() == ids["3栋 1203"]


def test_a_room_in_several_buildings_or_no_unit_is_refused_keeping_what_was_typed(
    browser, office, session
):
    _add_units(session, office, ("3栋", "1203"), ("5栋", "1203"))
    b = browser("manager")
    r = b.post("/spot-checks/new", base(office, unit="1203"))
    assert r.status_code == 422 and 'id="unit-error"' in r.text
    assert "多个楼栋都有此房号" in r.text and 'value="1203"' in r.text
    r = b.post("/spot-checks/new", base(office, unit="9-909"))
    assert r.status_code == 422 and "没有该楼栋和房号的单元" in r.text
    assert _count(session, SpotCheck) == 0


def test_matching_reads_building_and_room_apart():
    units = [
        UnitRead(id=1, office_id=1, building="1栋", room="101", created_at=T0),
        UnitRead(id=2, office_id=1, building="11栋", room="101", created_at=T0),
        UnitRead(id=3, office_id=1, building="1栋", room="1101", created_at=T0),
    ]
    assert [u.id for u in matching(units, "1-101")] == [1]
    assert [u.id for u in matching(units, "11-101")] == [2]
    assert [u.id for u in matching(units, "1101")] == [3]
    assert [u.id for u in matching(units, "101")] == [1, 2]
    assert matching(units, "lobby") == [] and matching(units, "") == []


# --- the QR sheet ----------------------------------------------------------------------------


def test_the_qr_sheet_holds_each_units_link_which_opens_the_form_with_it_chosen(browser, office):
    b = browser("manager")
    sheet = b.client.get("/units/qr", params={"all": "1"})
    assert sheet.status_code == 200
    cards = re.findall(
        r'<figure class="qr-card" data-url="([^"]+)">\s*<img src="([^"]+)"', sheet.text
    )
    assert len(cards) == len(office.units)
    for unit, (url, svg) in zip(office.units, cards, strict=True):
        assert url == unit_link("http://testserver/", unit.id)
        # The picture is the QR code of exactly that address.
        assert svg == qr_svg(url) == segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    one = b.client.get("/units/qr", params={"building": "2栋"}).text
    assert one.count('class="qr-card"') == 2 and "2栋 103" in one and "1栋 101" not in one
    first = b.client.get("/units/qr").text  # one building at a time unless asked for all
    assert first.count('class="qr-card"') == 2 and "1栋 101" in first and "2栋 103" not in first
    opened = b.client.get(cards[2][0].removeprefix("http://testserver"), follow_redirects=True)
    assert opened.status_code == 200 and "/spot-checks/new" in str(opened.url)
    assert 'id="unit" name="unit" list="unit-list"' in opened.text
    assert 'value="2栋 103"' in opened.text and "已通过二维码选定单元:2栋 103" in opened.text


def test_staff_cannot_print_the_qr_sheet(browser):
    assert browser("staff").client.get("/units/qr").status_code == 403


def test_a_scanned_code_leads_staff_to_their_check_in_and_others_home(browser, office):
    unit = office.units[0].id
    staff = browser("staff").client.get(f"/units/scan?unit={unit}", follow_redirects=False)
    assert staff.status_code == 303
    assert staff.headers["location"] == f"/service/my/checkin?unit={unit}"
    manager = browser("manager").client.get(f"/units/scan?unit={unit}", follow_redirects=False)
    assert manager.headers["location"] == f"/spot-checks/new?unit={unit}"
    cashier = browser("cashier").client.get(f"/units/scan?unit={unit}", follow_redirects=False)
    assert cashier.headers["location"] == "/"


# --- the result page -------------------------------------------------------------------------


def test_the_result_page_says_what_each_failed_item_led_to(browser, office, session, ctx):
    b = browser("manager")
    r = b.post(
        "/spot-checks/new",
        base(
            office,
            result_badge_worn="fail",
            note_badge_worn="未佩戴工作证",
            result_ring_duration="fail",
            observed_ring_duration="150",
            note_ring_duration="按铃两分半",
        ),
    )
    assert r.status_code == 303, r.text
    page = b.client.get(r.headers["location"]).text
    led = page.split('id="consequences"', 1)[1].split("</section>", 1)[0]
    findings = {f.rule_code: f for f in session.execute(select(Finding)).scalars()}
    assert set(findings) == {"R02", "R03"}
    for code, f in findings.items():
        assert f'href="/findings#finding-{f.id}"' in led and code in led
    assert "尚未立案" in led and "未佩戴工作证" in page
    case = confirm_into_case(ctx, findings["R03"].id, "属实")
    page = b.client.get(r.headers["location"]).text
    led = page.split('id="consequences"', 1)[1].split("</section>", 1)[0]
    assert f'<a href="/cases/{case.id}">{case.number}</a>' in led
    assert f'href="/findings#finding-{findings["R02"].id}"' in led


def test_the_result_page_shows_each_items_photo_with_it(browser, office, session):
    b = browser("manager")
    r = b.post(
        "/spot-checks/new",
        base(office, result_badge_worn="fail"),
        files=[
            ("photo_badge_worn", ("badge.png", png(), "image/png")),
            ("photos", ("door.png", png((0, 0, 200)), "image/png")),
        ],
    )
    assert r.status_code == 303, r.text
    page = b.client.get(r.headers["location"]).text
    badge, door = session.execute(select(StoredFile.id).order_by(StoredFile.id)).scalars().all()
    row = page.split('class="result-fail"', 1)[1].split("</tr>", 1)[0]
    assert f'src="/files/{badge}"' in row
    general = page.split('class="photos general-photos"', 1)[1]
    assert f'src="/files/{door}"' in general and f'src="/files/{badge}"' not in general
