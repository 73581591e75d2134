"""The tip ledger: declaring tips, handing them over, gap-free receipt numbers."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from compliance.accounts.models import User
from compliance.audit.models import AuditEvent
from compliance.counters.models import Counter
from compliance.errors import Conflict, Forbidden, NotFound, ValidationFailed
from compliance.tips.models import TipLine
from compliance.tips.repository import claim_handover
from compliance.tips.service import declare_tip, hand_over, list_tips, record_tip_with_handover
from tests import factories
from tests.conftest import NOW, as_role

RECEIVED = NOW - timedelta(hours=3)


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _counts(session):
    return (_count(session, TipLine), _count(session, AuditEvent), _counter(session))


def _counter(session, office_id=None, year=2026):
    stmt = select(Counter.value).where(Counter.name == "tip_receipt", Counter.year == year)
    if office_id is not None:
        stmt = stmt.where(Counter.office_id == office_id)
    return session.execute(stmt).scalar_one_or_none() or 0


def _tip(office, **over):
    body = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "amount_fen": 5_000,
        "received_at": RECEIVED.isoformat(),
    }
    body.update(over)
    return body


def _cashier(ctx, office):
    return as_role(ctx, office, "cashier")


def _hand(ctx, office, tip_id, **over):
    args = {
        "countersigned_by": office.users["manager"].id,
        "handed_over_at": NOW - timedelta(hours=1),
    }
    args.update(over)
    return hand_over(_cashier(ctx, office), tip_id, **args)


def test_staff_declares_own_tip_and_cashier_hands_it_over(ctx, office):
    before = _counts(ctx.session)
    tip = declare_tip(as_role(ctx, office, "staff"), _tip(office))
    assert (tip.handed_over_at, tip.receipt_no, tip.declared_at) == (None, None, NOW)
    done = _hand(ctx, office, tip.id)
    assert done.receipt_no == "BSW-SJ-2026-00001"
    assert (done.cashier_id, done.countersigned_by) == (
        office.users["cashier"].id,
        office.users["manager"].id,
    )
    assert done.handed_over_at == NOW - timedelta(hours=1)
    assert _counts(ctx.session) == (before[0] + 1, before[1] + 2, 1)


@pytest.mark.parametrize("role", ["cashier", "manager"])
def test_cashier_or_manager_declares_on_behalf(ctx, office, role):
    tip = declare_tip(as_role(ctx, office, role), _tip(office, staff_id=office.staff[2].id))
    assert tip.staff_id == office.staff[2].id


@pytest.mark.parametrize(
    ("role", "staff_index"), [("staff", 1), ("staff2", 0), ("hr", 0), ("admin", 0)]
)
def test_declaring_for_someone_else_or_by_other_roles_is_forbidden(ctx, office, role, staff_index):
    before = _counts(ctx.session)
    with pytest.raises(Forbidden):
        declare_tip(as_role(ctx, office, role), _tip(office, staff_id=office.staff[staff_index].id))
    assert _counts(ctx.session) == before


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"amount_fen": -5}, "amount_fen"),
        ({"amount_fen": 0}, "amount_fen"),
        ({"amount_fen": 12.5}, "amount_fen"),
        ({"amount_fen": "5000"}, "amount_fen"),
        ({"amount_fen": 1_000_001}, "amount_fen"),
        ({"staff_id": 999_999}, "staff_id"),
        ({"unit_id": 999_999}, "unit_id"),
        ({"received_at": (NOW + timedelta(hours=1)).isoformat()}, "received_at"),
        ({"received_at": "2026-03-30T10:00:00"}, "received_at"),
        ({"handed_over_at": NOW.isoformat()}, "handed_over_at"),
    ],
)
def test_bad_declaration_names_the_field_and_saves_nothing(ctx, office, over, field):
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        declare_tip(_cashier(ctx, office), _tip(office, **over))
    assert field in {e.field for e in err.value.errors}
    assert _counts(ctx.session) == before


def test_the_largest_plausible_tip_is_accepted(ctx, office):
    assert (
        declare_tip(_cashier(ctx, office), _tip(office, amount_fen=1_000_000)).amount_fen
        == 1_000_000
    )


def _inactive_user(session, office):
    user = User(
        office_id=office.office.id,
        username="bsw-gone",
        display_name="gone",
        role="manager",
        active=False,
        created_at=NOW,
    )
    session.add(user)
    session.flush()
    return user.id


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"handed_over_at": RECEIVED - timedelta(seconds=1)}, "handed_over_at"),
        ({"handed_over_at": NOW + timedelta(hours=1)}, "handed_over_at"),
        ({"handed_over_at": "2026-03-31T11:00:00"}, "handed_over_at"),
        ({"countersigned_by": "cashier"}, "countersigned_by"),
        ({"countersigned_by": 999_999}, "countersigned_by"),
        ({"countersigned_by": "inactive"}, "countersigned_by"),
        ({"countersigned_by": "other-office"}, "countersigned_by"),
    ],
)
def test_bad_handover_names_the_field_and_changes_nothing(ctx, office, over, field):
    tip = declare_tip(_cashier(ctx, office), _tip(office))
    if over.get("countersigned_by") == "cashier":
        over["countersigned_by"] = office.users["cashier"].id
    elif over.get("countersigned_by") == "inactive":
        over["countersigned_by"] = _inactive_user(ctx.session, office)
    elif over.get("countersigned_by") == "other-office":
        over["countersigned_by"] = factories.office_set(ctx.session, code="XYZ").users["manager"].id
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        _hand(ctx, office, tip.id, **over)
    assert field in {e.field for e in err.value.errors}
    assert _counts(ctx.session) == before
    assert ctx.session.get(TipLine, tip.id).handed_over_at is None


def test_handover_exactly_when_received_is_accepted(ctx, office):
    tip = declare_tip(_cashier(ctx, office), _tip(office))
    assert _hand(ctx, office, tip.id, handed_over_at=RECEIVED).receipt_no == "BSW-SJ-2026-00001"


def test_a_tip_is_handed_over_once(ctx, office):
    tip = declare_tip(_cashier(ctx, office), _tip(office))
    _hand(ctx, office, tip.id)
    before = _counts(ctx.session)
    with pytest.raises(Conflict):
        _hand(ctx, office, tip.id, countersigned_by=office.users["hr"].id)
    assert _counts(ctx.session) == before
    assert ctx.session.get(TipLine, tip.id).countersigned_by == office.users["manager"].id


def test_handover_loses_to_a_concurrent_one_it_did_not_see(ctx, office):
    """The conditional UPDATE, not the read before it, decides who wins."""
    tip = declare_tip(_cashier(ctx, office), _tip(office))
    loaded = ctx.session.get(TipLine, tip.id)
    # Another cashier's committed handover, invisible to the already-loaded object.
    ctx.session.execute(
        update(TipLine).where(TipLine.id == tip.id).values(handed_over_at=NOW, receipt_no="X-1"),
        execution_options={"synchronize_session": False},
    )
    assert loaded.handed_over_at is None
    before = _counts(ctx.session)
    with pytest.raises(Conflict, match="just now"):
        _hand(ctx, office, tip.id)
    assert _counts(ctx.session) == before


def test_claim_is_a_conditional_update(ctx, office):
    tip = declare_tip(_cashier(ctx, office), _tip(office))
    args = {
        "handed_over_at": NOW,
        "cashier_id": office.users["cashier"].id,
        "countersigned_by": office.users["manager"].id,
    }
    assert claim_handover(ctx.session, tip.id, **args) is True
    assert claim_handover(ctx.session, tip.id, **args) is False


@pytest.mark.parametrize("role", ["manager", "director", "hr", "admin", "staff"])
def test_only_a_cashier_hands_over(ctx, office, role):
    tip = declare_tip(_cashier(ctx, office), _tip(office))
    with pytest.raises(Forbidden):
        hand_over(as_role(ctx, office, role), tip.id, office.users["manager"].id, NOW)


def test_unknown_tip_or_tip_of_another_office_is_not_found(ctx, office):
    other = factories.office_set(ctx.session, code="XYZ")
    foreign = declare_tip(as_role(ctx, other, "cashier"), _tip(other))
    for tip_id in (999_999, foreign.id):
        with pytest.raises(NotFound):
            _hand(ctx, office, tip_id)


def test_record_with_handover_in_one_go(ctx, office):
    before = _counts(ctx.session)
    body = _tip(office, countersigned_by=office.users["manager"].id, handed_over_at=NOW.isoformat())
    read = record_tip_with_handover(_cashier(ctx, office), body)
    assert read.receipt_no == "BSW-SJ-2026-00001"
    assert _counts(ctx.session) == (before[0] + 1, before[1] + 2, 1)


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"handed_over_at": (RECEIVED - timedelta(minutes=1)).isoformat()}, "handed_over_at"),
        ({"countersigned_by": 999_999}, "countersigned_by"),
        ({"amount_fen": 12.5}, "amount_fen"),
        ({"unit_id": 999_999}, "unit_id"),
    ],
)
def test_record_with_handover_writes_nothing_when_any_part_is_bad(ctx, office, over, field):
    body = _tip(office, countersigned_by=office.users["manager"].id, handed_over_at=NOW.isoformat())
    body.update(over)
    before = _counts(ctx.session)
    with pytest.raises(ValidationFailed) as err:
        record_tip_with_handover(_cashier(ctx, office), body)
    assert field in {e.field for e in err.value.errors}
    assert _counts(ctx.session) == before


def test_receipt_year_is_the_office_local_year(ctx, office):
    cashier = _cashier(ctx, office)
    manager = office.users["manager"].id

    def at(utc):
        body = _tip(office, received_at=utc, handed_over_at=utc, countersigned_by=manager)
        return record_tip_with_handover(cashier, body).receipt_no

    assert at("2025-12-31T15:59:00+00:00") == "BSW-SJ-2025-00001"  # 23:59 in Shanghai
    assert at("2025-12-31T16:00:00+00:00") == "BSW-SJ-2026-00001"  # 00:00 on 1 January
    assert at("2026-01-02T00:00:00+00:00") == "BSW-SJ-2026-00002"


def test_each_office_numbers_its_own_receipts(ctx, office):
    other = factories.office_set(ctx.session, code="XYZ")
    for o in (office, other, office):
        body = _tip(o, countersigned_by=o.users["manager"].id, handed_over_at=NOW.isoformat())
        last = record_tip_with_handover(as_role(ctx, o, "cashier"), body)
    assert last.receipt_no == "BSW-SJ-2026-00002"
    assert _counter(ctx.session, other.office.id) == 1


def test_fifty_handovers_get_receipts_1_to_50_without_gaps(ctx, office):
    cashier, manager = _cashier(ctx, office), office.users["manager"].id
    receipts = []
    for i in range(50):
        if i % 2:
            tip = declare_tip(cashier, _tip(office))
            receipts.append(_hand(ctx, office, tip.id).receipt_no)
            # Failed attempts in between must not consume numbers.
            with pytest.raises(Conflict):
                _hand(ctx, office, tip.id)
        else:
            body = _tip(office, countersigned_by=manager, handed_over_at=NOW.isoformat())
            receipts.append(record_tip_with_handover(cashier, body).receipt_no)
            with pytest.raises(ValidationFailed):
                record_tip_with_handover(cashier, {**body, "countersigned_by": 999_999})
    assert receipts == [f"BSW-SJ-2026-{n:05d}" for n in range(1, 51)]
    assert _counter(ctx.session) == 50


def test_a_duplicate_receipt_number_is_impossible(ctx, office):
    first = _hand(ctx, office, declare_tip(_cashier(ctx, office), _tip(office)).id)
    dup = TipLine(
        office_id=office.office.id,
        staff_id=office.staff[1].id,
        unit_id=office.units[1].id,
        amount_fen=100,
        received_at=RECEIVED,
        declared_at=NOW,
        handed_over_at=NOW,
        receipt_no=first.receipt_no,
        created_at=NOW,
    )
    with pytest.raises(IntegrityError), ctx.session.begin_nested():
        ctx.session.add(dup)
        ctx.session.flush()
    assert _count(ctx.session, TipLine) == 1


def test_list_tips_by_staff_and_period_and_staff_see_their_own(ctx, office):
    cashier = _cashier(ctx, office)
    for staff, hours in ((0, 30), (0, 3), (1, 2)):
        received = (NOW - timedelta(hours=hours)).isoformat()
        declare_tip(cashier, _tip(office, staff_id=office.staff[staff].id, received_at=received))
    assert len(list_tips(ctx)) == 3
    mine = list_tips(as_role(ctx, office, "staff"))
    assert {t.staff_id for t in mine} == {office.staff[0].id} and len(mine) == 2
    today = {"start": (NOW - timedelta(hours=12)).isoformat(), "end": NOW.isoformat()}
    assert len(list_tips(ctx, {"staff_id": office.staff[0].id, **today})) == 1
    with pytest.raises(Forbidden):
        list_tips(as_role(ctx, office, "staff"), {"staff_id": office.staff[1].id})


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-03-01T00:00:00"}, "start"),
        ({"start": "2026-03-02T00:00:00Z", "end": "2026-03-01T00:00:00Z"}, "end"),
        ({"month": 3}, "month"),
    ],
)
def test_bad_tip_query(ctx, office, query, field):
    with pytest.raises(ValidationFailed) as err:
        list_tips(ctx, query)
    assert field in {e.field for e in err.value.errors}
