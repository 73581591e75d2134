"""The spot-check form: checklist by rule, photos in the same request, all or nothing."""

import io
import json

import pytest
from PIL import Image
from sqlalchemy import func, select

from compliance.accounts import tokens
from compliance.context import Ctx
from compliance.files.models import StoredFile
from compliance.findings.models import Finding
from compliance.inspections.models import SpotCheck
from tests.api.helpers import XSS


@pytest.fixture
def api_as(client, session, clock, settings, office):
    """A client with a bearer token for one of the office's users (no cookies)."""

    def make(name: str):
        ctx = Ctx(session=session, actor=office.actor(name), clock=clock, settings=settings)
        client.cookies.clear()
        token = tokens.create_token(ctx, {"name": "test"}).token
        return client, {"Authorization": f"Bearer {token}"}

    return make


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def png(size: tuple[int, int] = (8, 6)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def form(office, **over: str) -> dict[str, str]:
    data = {
        "staff": f"{office.staff[0].employee_no} {office.staff[0].name}",
        "unit_id": str(office.units[0].id),
        "area": "",
        "checked_at": "2026-03-31T10:30",
        "notes": "按铃过长",
        "result_knock_before_entry": "pass",
        "result_ring_duration": "fail",
        "observed_ring_duration": "121",
        # A failed item needs its evidence: a note or a photo of it.
        "note_ring_duration": "按了两分多钟",
    }
    data.update(over)
    return data


def test_the_form_lists_the_checklist_by_rule_with_units_and_camera(browser):
    page = browser("manager").client.get("/spot-checks/new").text
    assert 'name="result_ring_duration" value="fail"' in page
    assert 'name="observed_ring_duration" type="number"' in page
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "R03" in page and 'list="staff-list"' in page


def test_a_ring_of_121_seconds_raises_an_r03_finding_shown_on_the_result_page(
    browser, office, session
):
    b = browser("manager")
    r = b.post(
        "/spot-checks/new",
        form(office),
        files=[("photos", ("door.png", png(), "image/png"))],
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith("/spot-checks/")
    found = session.execute(select(Finding)).scalars().all()
    assert [f.rule_code for f in found] == ["R03"]
    assert found[0].staff_id == office.staff[0].id
    assert _count(session, StoredFile) == 1
    page = b.client.get(r.headers["location"]).text
    assert "R03" in page and "121" in page and found[0].explanation_zh in page
    assert 'href="/findings"' in page
    photo_id = session.execute(select(StoredFile.id)).scalar_one()
    assert f'src="/files/{photo_id}"' in page
    img = b.client.get(f"/files/{photo_id}")
    assert img.status_code == 200 and img.headers["content-type"] == "image/png"


def test_a_staff_member_can_be_picked_by_employee_number_alone(browser, office, session):
    r = browser("manager").post("/spot-checks/new", form(office, staff=office.staff[1].employee_no))
    assert r.status_code == 303
    assert session.execute(select(SpotCheck.staff_id)).scalar_one() == office.staff[1].id


def test_a_staff_member_can_be_picked_by_a_name_only_they_have(browser, office, session):
    r = browser("manager").post("/spot-checks/new", form(office, staff=office.staff[2].name))
    assert r.status_code == 303
    assert session.execute(select(SpotCheck.staff_id)).scalar_one() == office.staff[2].id


@pytest.mark.parametrize("why", ["same name", "left", "unknown"])
def test_a_name_or_number_that_names_nobody_active_or_several_is_refused(
    browser, office, session, why
):
    first, second = office.staff[0], office.staff[1]
    typed = first.name
    if why == "same name":
        second.name = first.name
    elif why == "left":
        first.status = "left"
        typed = first.employee_no
    else:
        typed = "E-NOBODY"
    session.flush()
    r = browser("manager").post("/spot-checks/new", form(office, staff=typed))
    assert r.status_code == 422
    assert 'id="staff-error"' in r.text and f'value="{typed}"' in r.text
    assert _count(session, SpotCheck) == 0


def test_a_non_image_upload_is_refused_and_only_the_good_photo_is_kept_for_the_next_try(
    browser, office, session, settings
):
    r = browser("manager").post(
        "/spot-checks/new",
        form(office),
        files=[
            ("photos", ("ok.png", png(), "image/png")),
            ("photos", ("evil.png", b"%PDF-1.4 not an image", "image/png")),
        ],
    )
    assert r.status_code == 422
    assert 'id="photos-error"' in r.text and "evil.png" in r.text
    assert _count(session, SpotCheck) == 0
    assert _count(session, Finding) == 0
    # The good photo waits for the next try (the browser cannot refill the file input);
    # the bad one is not stored at all.
    kept = session.execute(select(StoredFile)).scalar_one()
    assert kept.original_name == "ok.png"
    assert f'src="/files/{kept.id}"' in r.text and 'name="kept"' in r.text
    stored = list((settings.data_dir).rglob("*.*"))
    assert [p.name for p in stored] == [kept.storage_name]


def test_form_errors_keep_what_was_typed(browser, office, session):
    r = browser("manager").post(
        "/spot-checks/new",
        form(office, staff="nobody", observed_ring_duration="", notes="门铃按了很久"),
    )
    assert r.status_code == 422
    assert 'id="staff-error"' in r.text and 'value="nobody"' in r.text
    assert "门铃按了很久</textarea>" in r.text
    assert 'name="result_ring_duration" value="fail" checked' in r.text
    again = browser("manager").post("/spot-checks/new", form(office, observed_ring_duration=""))
    assert again.status_code == 422 and 'id="observed_ring_duration-error"' in again.text
    assert _count(session, SpotCheck) == 0


def test_an_unanswered_checklist_is_an_error(browser, office, session):
    data = {k: v for k, v in form(office).items() if "ring" not in k and "knock" not in k}
    r = browser("manager").post("/spot-checks/new", data)
    assert r.status_code == 422 and 'id="items-error"' in r.text
    assert _count(session, SpotCheck) == 0


def test_notes_with_a_script_are_escaped_on_the_result_page(browser, office):
    b = browser("manager")
    r = b.post("/spot-checks/new", form(office, notes=XSS))
    assert r.status_code == 303
    page = b.client.get(r.headers["location"]).text
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    again = b.post("/spot-checks/new", form(office, staff="", notes=XSS))
    assert XSS not in again.text and "&lt;script&gt;" in again.text


def test_api_records_a_spot_check_with_multipart_photos(api_as, office, session):
    data = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "checked_at": "2026-03-31T02:00:00Z",
        "items": [{"item_key": "ring_duration", "result": "fail", "observed": 121}],
    }
    client, headers = api_as("manager")
    r = client.post(
        "/api/spot-checks",
        data={"data": json.dumps(data)},
        files=[("photos", ("a.png", png(), "image/png"))],
        headers=headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert len(body["finding_ids"]) == 1 and len(body["photos"]) == 1
    # JSON with the id of an already stored photo.
    data["photos"] = [{"file_id": body["photos"][0]["file_id"] + 1000}]
    bad = client.post("/api/spot-checks", json=data, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "photos.0.file_id"
    bad = client.post(
        "/api/spot-checks",
        data={"data": json.dumps(data)},
        files=[("photos", ("x.txt", b"hello", "text/plain"))],
        headers=headers,
    )
    assert bad.status_code == 422
    assert _count(session, SpotCheck) == 1
