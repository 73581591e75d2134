"""Damage incidents: record, value, resident sign-off, settle, photos."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from compliance.audit.models import AuditEvent
from compliance.damages.models import DamageIncident, DamagePhoto
from compliance.damages.service import (
    attach_photo,
    list_damages,
    record_damage,
    record_sign_off,
    set_valuation,
)
from compliance.errors import Conflict, Forbidden, NotFound, ValidationFailed
from compliance.files.models import StoredFile
from compliance.flows.settle_damage import settle
from tests import factories
from tests.conftest import NOW, as_role

OCCURRED = NOW - timedelta(days=2)
VALUE = {"assessed_value_fen": 128_050, "basis": "receipt", "note": "发票 No.8812"}


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _counts(session):
    return tuple(_count(session, m) for m in (DamageIncident, DamagePhoto, AuditEvent))


def _body(office, **over):
    body = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "item": "木地板",
        "description": "搬运工具时划伤客厅地板",
        "occurred_at": OCCURRED.isoformat(),
    }
    body.update(over)
    return body


def _stored_file(session, office_id, name="a.jpg"):
    f = StoredFile(
        office_id=office_id,
        storage_name=name,
        sha256="0" * 64,
        content_type="image/jpeg",
        size_bytes=10,
        created_at=NOW,
    )
    session.add(f)
    session.flush()
    return f.id


def test_full_life_of_a_damage_each_step_audited(ctx, office):
    hr = as_role(ctx, office, "hr")
    before = _count(ctx.session, AuditEvent)
    d = record_damage(ctx, _body(office))
    assert (d.settlement, d.assessed_value_fen) == ("pending", None)
    d = set_valuation(hr, d.id, VALUE)
    assert (d.assessed_value_fen, d.valuation_basis) == (128_050, "receipt")
    d = record_sign_off(ctx, d.id, {"signed_off_at": (NOW - timedelta(days=1)).isoformat()})
    assert d.resident_signed_off_at == NOW - timedelta(days=1)
    d = attach_photo(ctx, d.id, {"file_id": _stored_file(ctx.session, office.office.id)})
    assert len(d.photo_file_ids) == 1
    d = settle(hr, d.id, {"kind": "insurance", "amount_fen": 28_050, "settled_at": NOW.isoformat()})
    assert (d.settlement, d.settled_fen, d.owed_fen) == ("pending", 28_050, 100_000)
    d = settle(hr, d.id, {"settlement": "paid_directly", "settled_at": NOW.isoformat()})
    assert (d.settlement, d.settled_at, d.settled_fen, d.owed_fen) == (
        "paid_directly",
        NOW,
        128_050,
        0,
    )
    assert [(s.kind, s.amount_fen) for s in d.settlements] == [
        ("insurance", 28_050),
        ("paid_directly", 100_000),
    ]
    assert _count(ctx.session, AuditEvent) == before + 6


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"staff_id": 999_999}, "staff_id"),
        ({"unit_id": 999_999}, "unit_id"),
        ({"item": "  "}, "item"),
        ({"occurred_at": (NOW + timedelta(days=1)).isoformat()}, "occurred_at"),
        ({"occurred_at": "2026-03-29T10:00:00"}, "occurred_at"),
        ({"assessed_value_fen": 100}, "assessed_value_fen"),
    ],
)
def test_bad_incident_names_the_field_and_saves_nothing(ctx, office, over, field):
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        record_damage(ctx, _body(office, **over))
    assert field in {e.field for e in err.value.errors}
    assert _counts(ctx.session) == before


@pytest.mark.parametrize("role", ["hr", "cashier", "staff", "admin"])
def test_only_a_manager_records_damage(ctx, office, role):
    with pytest.raises(Forbidden):
        record_damage(as_role(ctx, office, role), _body(office))


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"assessed_value_fen": -100}, "assessed_value_fen"),
        ({"assessed_value_fen": 0}, "assessed_value_fen"),
        ({"assessed_value_fen": 1280.5}, "assessed_value_fen"),
        ({"assessed_value_fen": "128050"}, "assessed_value_fen"),
        ({"assessed_value_fen": 100_000_001}, "assessed_value_fen"),
        ({"basis": "guess"}, "basis"),
        ({"basis": "assessment", "note": " "}, "note"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_bad_valuation_names_the_field_and_changes_nothing(ctx, office, over, field):
    d = record_damage(ctx, _body(office))
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        set_valuation(ctx, d.id, {**VALUE, **over})
    assert field in {e.field for e in err.value.errors}
    assert ctx.session.get(DamageIncident, d.id).assessed_value_fen is None
    assert _counts(ctx.session) == before


def test_assessment_with_a_note_is_accepted(ctx, office):
    d = record_damage(ctx, _body(office))
    body = {"assessed_value_fen": 30_000, "basis": "assessment", "note": "同款市价"}
    assert set_valuation(ctx, d.id, body).valuation_note == "同款市价"


def test_a_new_figure_lapses_the_residents_sign_off_but_the_same_one_does_not(ctx, office):
    d = record_damage(ctx, _body(office))
    set_valuation(ctx, d.id, VALUE)
    record_sign_off(ctx, d.id, {"signed_off_at": NOW.isoformat()})
    assert set_valuation(ctx, d.id, {**VALUE, "note": "补充"}).resident_signed_off_at == NOW
    assert (
        set_valuation(ctx, d.id, {**VALUE, "assessed_value_fen": 99_000}).resident_signed_off_at
        is None
    )


def test_sign_off_needs_a_valuation_and_happens_once(ctx, office):
    d = record_damage(ctx, _body(office))
    with pytest.raises(ValidationFailed) as err:
        record_sign_off(ctx, d.id, {"signed_off_at": NOW.isoformat()})
    assert err.value.errors[0].field == "assessed_value_fen"
    set_valuation(ctx, d.id, VALUE)
    record_sign_off(ctx, d.id, {"signed_off_at": NOW.isoformat()})
    before = _counts(ctx.session)
    with pytest.raises(Conflict):
        record_sign_off(ctx, d.id, {"signed_off_at": NOW.isoformat()})
    assert _counts(ctx.session) == before


@pytest.mark.parametrize(
    "at",
    [
        (OCCURRED - timedelta(minutes=1)).isoformat(),
        (NOW + timedelta(hours=1)).isoformat(),
        "2026-03-31T10:00:00",
    ],
)
def test_bad_sign_off_time(ctx, office, at):
    d = record_damage(ctx, _body(office))
    set_valuation(ctx, d.id, VALUE)
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        record_sign_off(ctx, d.id, {"signed_off_at": at})
    assert err.value.errors[0].field == "signed_off_at"
    assert _counts(ctx.session) == before


def test_settling_before_a_valuation_is_refused(ctx, office):
    d = record_damage(ctx, _body(office))
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        settle(ctx, d.id, {"settlement": "paid_directly", "settled_at": NOW.isoformat()})
    assert err.value.errors[0].field == "assessed_value_fen"
    assert ctx.session.get(DamageIncident, d.id).settlement == "pending"
    assert _counts(ctx.session) == before


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"settlement": "pending"}, "settlement"),
        ({"settlement": "forgiven"}, "settlement"),
        # Deducting is not settling: pay recovers what is still owed when the case executes.
        ({"settlement": "deducted"}, "settlement"),
        # One account: no more than assessed − settled can be settled, and never nothing.
        ({"amount_fen": 128_051}, "amount_fen"),
        ({"amount_fen": 0}, "amount_fen"),
        ({"amount_fen": -5}, "amount_fen"),
        ({"settled_at": (NOW + timedelta(days=1)).isoformat()}, "settled_at"),
        ({"settled_at": (OCCURRED - timedelta(days=1)).isoformat()}, "settled_at"),
        ({"settled_at": "2026-03-31T10:00:00"}, "settled_at"),
    ],
)
def test_bad_settlement_changes_nothing(ctx, office, over, field):
    d = record_damage(ctx, _body(office))
    set_valuation(ctx, d.id, VALUE)
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        settle(ctx, d.id, {"settlement": "paid_directly", "settled_at": NOW.isoformat(), **over})
    assert field in {e.field for e in err.value.errors}
    assert ctx.session.get(DamageIncident, d.id).settlement == "pending"
    assert _counts(ctx.session) == before


def test_settled_damage_cannot_be_settled_or_revalued_again(ctx, office):
    d = record_damage(ctx, _body(office))
    set_valuation(ctx, d.id, VALUE)
    settle(ctx, d.id, {"settlement": "paid_directly", "settled_at": NOW.isoformat()})
    before = _counts(ctx.session)
    with pytest.raises(Conflict):
        settle(ctx, d.id, {"kind": "waived", "settled_at": NOW.isoformat()})
    with pytest.raises(Conflict):
        set_valuation(ctx, d.id, {**VALUE, "assessed_value_fen": 1})
    row = ctx.session.get(DamageIncident, d.id)
    assert (row.settlement, row.assessed_value_fen) == ("paid_directly", 128_050)
    assert _counts(ctx.session) == before


def test_settle_loses_to_a_concurrent_settlement_it_did_not_see(ctx, office):
    d = record_damage(ctx, _body(office))
    set_valuation(ctx, d.id, VALUE)
    seen = ctx.session.get(DamageIncident, d.id)  # read before the other settlement
    assert seen.settled_fen == 0
    ctx.session.execute(
        update(DamageIncident).where(DamageIncident.id == d.id).values(settled_fen=100),
        execution_options={"synchronize_session": False},
    )
    before = _counts(ctx.session)
    with pytest.raises(Conflict):
        settle(ctx, d.id, {"settlement": "paid_directly", "settled_at": NOW.isoformat()})
    assert _counts(ctx.session) == before


def test_photo_must_be_a_file_of_the_office_and_attached_once(ctx, office):
    d = record_damage(ctx, _body(office))
    mine = _stored_file(ctx.session, office.office.id)
    other = factories.office_set(ctx.session, code="XYZ")
    foreign = _stored_file(ctx.session, other.office.id, "b.jpg")
    attach_photo(ctx, d.id, {"file_id": mine})
    for file_id in (mine, foreign, 999_999):
        before = _counts(ctx.session)
        with pytest.raises(ValidationFailed) as err:
            attach_photo(ctx, d.id, {"file_id": file_id})
        assert err.value.errors[0].field == "file_id"
        assert _counts(ctx.session) == before


def test_unknown_or_foreign_damage_is_not_found(ctx, office):
    other = factories.office_set(ctx.session, code="XYZ")
    foreign = record_damage(as_role(ctx, other, "manager"), _body(other))
    for damage_id in (999_999, foreign.id):
        with pytest.raises(NotFound):
            set_valuation(ctx, damage_id, VALUE)


def test_list_damages_with_photos_and_staff_see_their_own(ctx, office):
    a = record_damage(ctx, _body(office))
    record_damage(ctx, _body(office, staff_id=office.staff[1].id))
    attach_photo(ctx, a.id, {"file_id": _stored_file(ctx.session, office.office.id)})
    assert len(list_damages(as_role(ctx, office, "hr"))) == 2
    mine = list_damages(as_role(ctx, office, "staff"))
    assert [(x.id, len(x.photo_file_ids)) for x in mine] == [(a.id, 1)]
    with pytest.raises(Forbidden):
        list_damages(as_role(ctx, office, "staff"), office.staff[1].id)
    with pytest.raises(Forbidden):
        list_damages(as_role(ctx, office, "cashier"))
