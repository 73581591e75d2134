"""R12 on stored records: one handover settles one report; declared tips reach the office in 48 h.

Rulebook 十二: 收下的小费一律上交管理处,私自收起小费隐匿不上交者,一经发现,将扣发当月工资.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from compliance.errors import ValidationFailed
from compliance.feedback.service import record_feedback
from compliance.findings.detect import run_detection
from compliance.findings.models import Finding
from compliance.tips.models import TipLine
from compliance.tips.service import declare_tip, hand_over, record_tip_with_handover
from tests.conftest import NOW, as_role

# Three days before the fixed clock, so every 48-hour deadline has passed.
GIVEN = NOW - timedelta(days=3)
H = timedelta(hours=1)


def _report(ctx, office, at, amount=10_000, staff=0, category="tip_reported"):
    return record_feedback(
        ctx,
        {
            "staff_id": office.staff[staff].id,
            "unit_id": office.units[0].id,
            "channel": "phone",
            "category": category,
            "amount_fen": amount,
            "occurred_at": at.isoformat(),
        },
    ).id


def _desk(ctx, office, received_at, handed_over_at, amount=10_000, **extra):
    body = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "amount_fen": amount,
        "received_at": received_at.isoformat(),
        "countersigned_by": office.users["manager"].id,
        "handed_over_at": handed_over_at.isoformat(),
        **extra,
    }
    return record_tip_with_handover(as_role(ctx, office, "cashier"), body)


def _r12(ctx):
    stmt = select(Finding).where(Finding.rule_code == "R12").order_by(Finding.id)
    return list(ctx.session.execute(stmt).scalars())


def _detect(ctx):
    day = GIVEN.astimezone(ctx.tz).date()
    return run_detection(ctx, day - timedelta(days=1), day + timedelta(days=3))


def test_one_handover_of_100_cannot_settle_two_reports_of_100(ctx, office):
    first = _report(ctx, office, GIVEN)
    second = _report(ctx, office, GIVEN + 2 * H)
    _desk(ctx, office, GIVEN, GIVEN + H)
    _detect(ctx)
    [finding] = _r12(ctx)
    assert finding.detector == "concealed_tip"
    assert f"#{second}" in finding.explanation_zh and f"#{first}" not in finding.explanation_zh
    assert "隐匿 ¥100.00" in finding.explanation_zh


def test_a_handover_linked_to_its_report_settles_that_report_only(ctx, office):
    first = _report(ctx, office, GIVEN)
    second = _report(ctx, office, GIVEN + 2 * H)
    tip = _desk(ctx, office, GIVEN + 2 * H, GIVEN + 3 * H, feedback_id=second)
    assert tip.feedback_id == second
    _detect(ctx)
    [finding] = _r12(ctx)
    assert f"#{first}" in finding.explanation_zh


def test_a_later_handover_can_name_the_report(ctx, office):
    report = _report(ctx, office, GIVEN)
    cashier = as_role(ctx, office, "cashier")
    line = declare_tip(
        cashier,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "amount_fen": 10_000,
            "received_at": GIVEN.isoformat(),
        },
    )
    done = hand_over(cashier, line.id, office.users["manager"].id, GIVEN + H, feedback_id=report)
    assert done.feedback_id == report
    _detect(ctx)
    assert _r12(ctx) == []


@pytest.mark.parametrize(
    ("bad", "message"),
    [("praise", "not a tip report"), ("other_staff", "another staff member")],
)
def test_a_handover_names_only_a_tip_report_about_the_same_staff(ctx, office, bad, message):
    if bad == "praise":
        fid = _report(ctx, office, GIVEN, category="praise", amount=None)
    else:
        fid = _report(ctx, office, GIVEN, staff=1)
    before = ctx.session.execute(select(func.count()).select_from(TipLine)).scalar_one()
    with pytest.raises(ValidationFailed, match=message):
        _desk(ctx, office, GIVEN, GIVEN + H, feedback_id=fid)
    ctx.session.rollback()
    after = ctx.session.execute(select(func.count()).select_from(TipLine)).scalar_one()
    assert after == before


@pytest.mark.parametrize(
    ("handed_after", "found"),
    [(47 * H + timedelta(minutes=59), False), (48 * H + timedelta(minutes=1), True)],
    ids=["47:59", "48:01"],
)
def test_a_declared_tip_handed_over_late_is_a_finding(ctx, office, handed_after, found):
    _desk(ctx, office, GIVEN, GIVEN + handed_after)
    _detect(ctx)
    findings = _r12(ctx)
    assert [f.detector for f in findings] == (["declared_tip_not_handed_over"] if found else [])


def test_a_declared_tip_never_handed_over_is_a_finding_once_the_48_hours_pass(ctx, office):
    staff = as_role(ctx, office, "manager")
    line = declare_tip(
        staff,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "amount_fen": 8_800,
            "received_at": GIVEN.isoformat(),
        },
    )
    _detect(ctx)
    [finding] = _r12(ctx)
    assert finding.detector == "declared_tip_not_handed_over"
    assert f"#{line.id}" in finding.explanation_zh and "¥88.00" in finding.explanation_zh
    assert "48 小时内没有上交管理处" in finding.explanation_zh
