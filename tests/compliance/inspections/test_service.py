"""Recording spot checks: checklist validated against the rulebook, failures raise findings."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from compliance.audit.models import AuditEvent
from compliance.errors import Forbidden, ValidationFailed
from compliance.files.service import store_image
from compliance.findings.models import Finding
from compliance.flows.spot_checks import record_spot_check
from compliance.inspections.models import SpotCheck, SpotCheckItem, SpotCheckPhoto
from tests.conftest import NOW, as_role
from tests.factories import office_set


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _state(session):
    models = (SpotCheck, SpotCheckItem, SpotCheckPhoto, Finding, AuditEvent)
    return tuple(_count(session, m) for m in models)


def _photo(ctx):
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(buf, format="JPEG")
    return store_image(ctx, buf.getvalue(), "door.jpg").id


def _body(office, **over):
    body = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "checked_at": "2026-03-30T02:15:00+00:00",  # 10:15 Shanghai
        "notes": "突击检查 3栋维修",
        "items": [
            {"item_key": "badge_worn", "result": "pass"},
            {"item_key": "knock_before_entry", "result": "pass"},
            {"item_key": "ring_duration", "result": "pass", "observed": 40},
            {"item_key": "ring_interval", "result": "pass", "observed": 8},
        ],
    }
    body.update(over)
    return body


def test_all_pass_stores_check_items_and_raises_no_findings(ctx, office):
    before = _state(ctx.session)
    read = record_spot_check(ctx, _body(office))
    assert read.finding_ids == []
    assert read.work_date.isoformat() == "2026-03-30"
    assert read.inspector_id == office.users["manager"].id
    assert [(i.item_key, i.rule_code) for i in read.items] == [
        ("badge_worn", "R02"),
        ("knock_before_entry", "R03"),
        ("ring_duration", "R03"),
        ("ring_interval", "R03"),
    ]
    assert read.items[2].observed == 40
    after = _state(ctx.session)
    assert after[:3] == (before[0] + 1, before[1] + 4, before[2])
    assert after[3] == before[3]
    assert after[4] == before[4] + 1


def test_failed_items_become_findings_in_the_same_transaction(ctx, office):
    photo = _photo(ctx)
    before = _count(ctx.session, Finding)
    items = [
        {"item_key": "badge_worn", "result": "fail", "note": "未佩戴工作证"},
        {"item_key": "ring_duration", "result": "pass", "observed": 150},  # over 120 s
        {"item_key": "ring_interval", "result": "na"},
    ]
    read = record_spot_check(
        ctx, _body(office, items=items, photos=[{"file_id": photo, "item_key": "badge_worn"}])
    )
    assert len(read.finding_ids) == 2
    found = ctx.session.execute(select(Finding).where(Finding.id.in_(read.finding_ids))).scalars()
    assert {f.rule_code for f in found} == {"R02", "R03"}
    assert _count(ctx.session, Finding) == before + 2
    assert read.photos[0].file_id == photo
    assert read.photos[0].item_id == read.items[0].id


def test_an_area_instead_of_a_unit_is_enough(ctx, office):
    read = record_spot_check(ctx, _body(office, unit_id=None, area="管理处大堂"))
    assert read.unit_id is None and read.area == "管理处大堂"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"staff_id": 999999}, "staff_id"),
        ({"unit_id": 999999}, "unit_id"),
        ({"unit_id": None, "area": ""}, "unit_id"),
        ({"checked_at": (NOW + timedelta(hours=1)).isoformat()}, "checked_at"),
        ({"checked_at": "2026-03-30T10:00:00"}, "checked_at"),
        ({"items": []}, "items"),
        ({"items": [{"item_key": "no_such_item", "result": "fail"}]}, "items.0.item_key"),
        ({"items": [{"item_key": "badge_worn", "result": "maybe"}]}, "items.0.result"),
        ({"items": [{"item_key": "ring_duration", "result": "fail"}]}, "items.0.observed"),
        ({"items": [{"item_key": "ring_duration", "result": "pass", "observed": -1}]},
         "items.0.observed"),
        ({"items": [{"item_key": "ring_duration", "result": "pass", "observed": 86401}]},
         "items.0.observed"),
        ({"items": [{"item_key": "ring_duration", "result": "pass", "observed": True}]},
         "items.0.observed"),
        ({"items": [{"item_key": "ring_duration", "result": "pass", "observed": 12.5}]},
         "items.0.observed"),
        ({"items": [{"item_key": "badge_worn", "result": "pass", "observed": 3}]},
         "items.0.observed"),
        ({"items": [{"item_key": "badge_worn", "result": "pass"},
                    {"item_key": "badge_worn", "result": "fail"}]}, "items.1.item_key"),
        ({"items": [{"item_key": "badge_worn", "result": "fail", "colour": "red"}]},
         "items.0.colour"),
        ({"photos": [{"file_id": 999999}]}, "photos.0.file_id"),
        ({"inspector_id": 1}, "inspector_id"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_changes_nothing(ctx, office, over, field):
    before = _state(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        record_spot_check(ctx, _body(office, **over))
    assert field in {e.field for e in err.value.errors}
    assert _state(ctx.session) == before


def test_every_bad_item_is_reported_at_once(ctx, office):
    items = [
        {"item_key": "nope", "result": "fail"},
        {"item_key": "badge_worn", "result": "fail"},
        {"item_key": "ring_interval", "result": "fail"},
    ]
    with pytest.raises(ValidationFailed) as err:
        record_spot_check(ctx, _body(office, items=items))
    assert [e.field for e in err.value.errors] == ["items.0.item_key", "items.2.observed"]


def test_photo_errors_name_the_photo(ctx, office):
    photo = _photo(ctx)
    other = office_set(ctx.session, code="HYY")
    foreign = _photo(as_role(ctx, other, "manager"))
    before = _state(ctx.session)
    photos = [
        {"file_id": photo, "item_key": "left_promptly"},
        {"file_id": photo},
        {"file_id": foreign},
    ]
    with pytest.raises(ValidationFailed) as err:
        record_spot_check(ctx, _body(office, photos=photos))
    assert [e.field for e in err.value.errors] == [
        "photos.0.item_key",
        "photos.1.file_id",
        "photos.2.file_id",
    ]
    assert _state(ctx.session) == before


@pytest.mark.parametrize("role", ["admin", "hr", "cashier", "staff"])
def test_only_a_manager_records_spot_checks(ctx, office, role):
    with pytest.raises(Forbidden):
        record_spot_check(as_role(ctx, office, role), _body(office))


def test_director_is_a_manager(ctx, office):
    assert record_spot_check(as_role(ctx, office, "director"), _body(office)).id
