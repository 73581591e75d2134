"""A record is judged when it is saved: the rules it feeds run at once and say what came of it.

Scenarios from the rulebook: R03 (each ring at most 2 minutes), R01 (attitude complaint),
R08 (leave as soon as the work is done; 15 minutes allowed), R10 (3 reports from 2
households), R11 (every damage), R12 (48 hours to hand a tip over). The clock stands at
2026-03-31 12:00 Shanghai (04:00 UTC).
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from compliance.damages import service as damages
from compliance.feedback import service as feedback
from compliance.findings.models import Finding
from compliance.flows import judge as judge_mod
from compliance.flows import spot_checks as inspections
from compliance.flows.judge import judge_saved, save_and_judge
from compliance.flows.judgments import RecordKind, Verdict, get_judgment
from compliance.flows.models import Judgment
from compliance.tips import service as tips
from compliance.visits import service as visits
from policies import registry
from tests.conftest import as_role

MORNING = datetime(2026, 3, 31, 2, 0, tzinfo=UTC)  # 10:00 Shanghai, same day as the clock


def _findings(ctx, rule=None) -> list[Finding]:
    stmt = select(Finding).where(Finding.office_id == ctx.actor.office_id)
    if rule:
        stmt = stmt.where(Finding.rule_code == rule)
    return list(ctx.session.execute(stmt).scalars())


def _feedback(ctx, office, category, **extra):
    data = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "channel": "phone",
        "category": category,
        "occurred_at": MORNING,
        "text": "住户来电",
        **extra,
    }
    return save_and_judge(
        ctx, RecordKind.FEEDBACK, lambda: feedback.record_feedback(ctx, data), lambda r: r.id
    )


def test_an_attitude_complaint_opens_an_r01_finding_at_once(ctx, office):
    saved, result = _feedback(ctx, office, "attitude")
    [finding] = _findings(ctx, "R01")
    assert finding.staff_id == office.staff[0].id
    [outcome] = result.outcomes
    assert (outcome.rule_code, outcome.verdict, outcome.finding_id) == (
        "R01",
        Verdict.FINDING_OPENED,
        finding.id,
    )
    assert result.opened == [finding.id]
    assert result.lines("zh") == [
        f"R01 {registry.get('R01').title_zh}:已生成线索 #{finding.id} — {finding.explanation_zh}"
    ]
    assert f"finding #{finding.id} opened" in result.lines("en")[0]
    assert f"(反馈 #{saved.id})" in result.lines("zh")[0]


def test_judging_twice_makes_no_second_finding(ctx, office):
    saved, first = _feedback(ctx, office, "attitude")
    again = judge_saved(ctx, RecordKind.FEEDBACK, saved.id)
    assert len(_findings(ctx, "R01")) == 1
    assert again.outcomes[0].verdict is Verdict.FINDING_EXISTS
    assert again.outcomes[0].finding_id == first.outcomes[0].finding_id
    assert "已有线索" in again.lines("zh")[0]


def test_praise_feeds_no_rule_and_says_so(ctx, office):
    _, result = _feedback(ctx, office, "praise")
    assert result.outcomes == ()
    assert result.lines("zh") == ["此记录不涉及任何规则,无需判定。"]
    assert _findings(ctx) == []


def test_a_first_incompetence_report_is_no_breach_and_names_the_threshold(ctx, office):
    _, result = _feedback(ctx, office, "incompetent")
    [outcome] = result.outcomes
    assert (outcome.rule_code, outcome.verdict) == ("R10", Verdict.NO_BREACH)
    assert "反映的次数 3" in outcome.detail_zh and "90 天" in outcome.detail_zh
    assert _findings(ctx) == []


def test_the_third_incompetence_report_from_two_households_opens_r10(ctx, office):
    for unit, hours in ((0, 50), (1, 30)):
        feedback.record_feedback(
            ctx,
            {
                "staff_id": office.staff[0].id,
                "unit_id": office.units[unit].id,
                "channel": "phone",
                "category": "incompetent",
                "occurred_at": MORNING - timedelta(hours=hours),
            },
        )
    _, result = _feedback(ctx, office, "incompetent")
    [outcome] = result.outcomes
    assert outcome.verdict is Verdict.FINDING_OPENED
    [finding] = _findings(ctx, "R10")
    assert finding.id == outcome.finding_id


def test_a_reported_tip_within_the_48_hours_waits_for_the_nightly_run(ctx, office):
    _, result = _feedback(ctx, office, "tip_reported", amount_fen=10000)
    [outcome] = result.outcomes
    assert (outcome.rule_code, outcome.verdict) == ("R12", Verdict.NO_BREACH)
    assert "48 小时" in outcome.detail_zh and "夜间检查" in outcome.detail_zh
    assert _findings(ctx) == []


def test_a_reported_tip_past_the_48_hours_with_no_handover_opens_r12(ctx, office):
    _, result = _feedback(
        ctx, office, "tip_reported", amount_fen=10000, occurred_at=MORNING - timedelta(hours=49)
    )
    [outcome] = result.outcomes
    assert outcome.verdict is Verdict.FINDING_OPENED
    assert _findings(ctx, "R12")[0].id == outcome.finding_id


def _spot_check(ctx, office, observed: int, ticked: str):
    data = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "checked_at": MORNING,
        "items": [{"item_key": "ring_duration", "result": ticked, "observed": observed}],
    }
    return save_and_judge(
        ctx,
        RecordKind.SPOT_CHECK,
        lambda: inspections.record_spot_check(ctx, data),
        lambda r: r.id,
    )


def test_a_spot_check_ticked_fail_but_measured_12_s_says_why_it_is_no_breach(ctx, office):
    _, result = _spot_check(ctx, office, 12, "fail")
    [outcome] = result.outcomes
    assert (outcome.rule_code, outcome.verdict) == ("R03", Verdict.NO_BREACH)
    assert "12 秒,未超过规定的 120 秒" in outcome.detail_zh
    assert "按实测值判定" in outcome.detail_zh
    assert "未违规" in result.lines("zh")[0]
    assert _findings(ctx) == []


def test_a_spot_check_ring_of_121_s_opens_the_finding_the_check_raised(ctx, office):
    saved, result = _spot_check(ctx, office, 121, "fail")
    [outcome] = result.outcomes
    assert outcome.verdict is Verdict.FINDING_OPENED
    assert saved.finding_ids == [outcome.finding_id]
    assert "121 秒,超过规定的 120 秒" in outcome.detail_zh
    assert len(_findings(ctx, "R03")) == 1


def test_a_spot_check_of_exactly_120_s_is_no_breach(ctx, office):
    _, result = _spot_check(ctx, office, 120, "pass")
    assert result.outcomes[0].verdict is Verdict.NO_BREACH


def _visit_left_after(ctx, office, minutes: int):
    v = visits.create_visit(
        ctx,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "requested_at": MORNING - timedelta(hours=1),
        },
    )
    done = MORNING + timedelta(minutes=30)
    for step, at in (("arrived", MORNING), ("done", done)):
        visits.record_step(ctx, v.id, {"step": step, "at": at})
    step = {"step": "left", "at": done + timedelta(minutes=minutes)}
    return save_and_judge(
        ctx, RecordKind.VISIT, lambda: visits.record_step(ctx, v.id, step), lambda r: r.id
    )


def test_leaving_16_minutes_after_the_work_is_done_opens_r08(ctx, office, clock):
    clock.advance(timedelta(hours=1))
    _, result = _visit_left_after(ctx, office, 16)
    r08 = [o for o in result.outcomes if o.rule_code == "R08"]
    assert [o.verdict for o in r08] == [Verdict.FINDING_OPENED]
    assert _findings(ctx, "R08")[0].id == r08[0].finding_id


def test_leaving_15_minutes_after_the_work_is_done_is_no_breach_of_r08(ctx, office, clock):
    clock.advance(timedelta(hours=1))
    _, result = _visit_left_after(ctx, office, 15)
    r08 = [o for o in result.outcomes if o.rule_code == "R08"]
    assert [o.verdict for o in r08] == [Verdict.NO_BREACH]
    assert "15 分钟" in r08[0].detail_zh
    # What was checked is what a work order feeds, not R04's return-visit detector.
    [r04] = [o for o in result.outcomes if o.rule_code == "R04"]
    assert r04.verdict is Verdict.NO_BREACH and "开单当日" in r04.detail_zh
    assert "回访" not in r04.detail_zh
    assert _findings(ctx, "R08") == []


def test_a_damage_opens_r11_at_once(ctx, office):
    data = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "item": "花瓶",
        "occurred_at": MORNING,
    }
    _, result = save_and_judge(
        ctx, RecordKind.DAMAGE, lambda: damages.record_damage(ctx, data), lambda r: r.id
    )
    [outcome] = result.outcomes
    assert (outcome.rule_code, outcome.verdict) == ("R11", Verdict.FINDING_OPENED)
    assert _findings(ctx, "R11")[0].id == outcome.finding_id


def test_a_tip_handed_over_at_the_desk_is_no_breach(ctx, office):
    cashier = as_role(ctx, office, "cashier")
    data = {
        "staff_id": office.staff[0].id,
        "unit_id": office.units[0].id,
        "amount_fen": 5000,
        "received_at": MORNING,
        "handed_over_at": MORNING + timedelta(hours=1),
        "countersigned_by": office.users["manager"].id,
    }
    _, result = save_and_judge(
        cashier,
        RecordKind.TIP,
        lambda: tips.record_tip_with_handover(cashier, data),
        lambda r: r.id,
    )
    assert [(o.rule_code, o.verdict) for o in result.outcomes] == [("R12", Verdict.NO_BREACH)]


def test_the_judgment_is_kept_and_read_back_for_the_page(ctx, office):
    _, result = _feedback(ctx, office, "attitude")
    assert result.judgment_id is not None
    again = get_judgment(ctx, result.judgment_id, RecordKind.FEEDBACK)
    assert again.outcomes == result.outcomes


def test_a_judging_failure_keeps_the_record_and_says_so(ctx, office, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("facts unavailable")

    monkeypatch.setattr(judge_mod, "gather", broken)
    saved, result = _feedback(ctx, office, "attitude")
    assert "facts unavailable" in result.error
    assert result.lines("zh") == ["记录已保存,但判定失败;夜间检查会再次判定。"]
    fb = judge_mod.Feedback
    kept = ctx.session.execute(
        select(func.count()).select_from(fb).where(fb.id == saved.id)
    ).scalar_one()
    assert kept == 1
    row = ctx.session.get(Judgment, result.judgment_id)
    assert row is not None and "facts unavailable" in row.error


def test_judging_a_spot_check_again_reports_its_finding_as_already_recorded(ctx, office):
    saved, first = _spot_check(ctx, office, 121, "fail")
    again = judge_saved(ctx, RecordKind.SPOT_CHECK, saved.id)
    assert again.outcomes[0].verdict is Verdict.FINDING_EXISTS
    assert again.outcomes[0].finding_id == first.outcomes[0].finding_id


def test_a_damage_report_is_judged_through_the_damage_incident_it_opened(ctx, office):
    damage = damages.record_damage(
        ctx,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "item": "地板",
            "occurred_at": MORNING,
        },
    )
    saved = feedback.record_feedback(
        ctx,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "channel": "phone",
            "category": "other",
            "occurred_at": MORNING,
        },
    )
    row = ctx.session.get(judge_mod.Feedback, saved.id)
    row.category, row.damage_id = "damage", damage.id  # as the damage category records it
    ctx.session.flush()
    result = judge_saved(ctx, RecordKind.FEEDBACK, saved.id)
    [outcome] = result.outcomes
    assert (outcome.rule_code, outcome.verdict) == ("R11", Verdict.FINDING_OPENED)
    assert _findings(ctx, "R11")[0].id == outcome.finding_id
