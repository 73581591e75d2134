"""The sanction engine: each rule's schedule, the repeat window, severity, explanations."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from policies import registry
from policies.guardrails import CN
from policies.ladder import LADDER_PARAMETERS, propose, replay
from policies.proposal import PriorBreach, Proposal, SanctionFacts, Standing, to_dict
from policies.sanction import (
    OUTCOME_LABELS_EN,
    OUTCOME_LABELS_ZH,
    OutcomeKind,
    SanctionStep,
    Severity,
)

K = OutcomeKind
MINOR, STANDARD, SERIOUS = Severity.MINOR, Severity.STANDARD, Severity.SERIOUS
# 10:00 in Shanghai on 2025-06-01.
INCIDENT = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)
WAGE = 500_000


def facts(**kw: Any) -> SanctionFacts:
    return SanctionFacts(**{"incident_at": INCIDENT, "monthly_wage_fen": WAGE, **kw})


def prior(n: int, *, code: str = "R03", days: int = 10, case: str | None = "") -> PriorBreach:
    number = f"BSW-2025-{n:04d}" if case == "" else case
    return PriorBreach(n, number, code, INCIDENT - timedelta(days=days * n))


def run(
    code: str,
    severity: Severity = STANDARD,
    priors: list[PriorBreach] | None = None,
    params: dict[str, int] | None = None,
    **kw: Any,
) -> Proposal:
    return propose(
        registry.get(code),
        severity=severity,
        prior_breaches=priors or [],
        facts=facts(**kw),
        params=params,
        guardrails=CN,
    )


# --- default ladder R01–R09 ------------------------------------------------------------------

LADDER = {
    STANDARD: [(K.WRITTEN_WARNING,), (K.WRITTEN_WARNING, K.RETRAINING), (K.FINAL_WRITTEN_WARNING,)],
    MINOR: [(K.VERBAL_WARNING,), (K.WRITTEN_WARNING, K.RETRAINING), (K.FINAL_WRITTEN_WARNING,)],
    SERIOUS: [(K.WRITTEN_WARNING, K.RETRAINING), (K.FINAL_WRITTEN_WARNING,), (K.DISMISSAL,)],
}


@pytest.mark.parametrize("code", [f"R{n:02d}" for n in range(1, 10)])
@pytest.mark.parametrize("severity", [MINOR, STANDARD, SERIOUS])
@pytest.mark.parametrize("ordinal", [1, 2, 3, 4, 5])
def test_default_ladder(code: str, severity: Severity, ordinal: int) -> None:
    priors = [prior(n, code=code) for n in range(1, ordinal)]
    proposal = run(code, severity, priors)
    expected = LADDER[severity][ordinal - 1] if ordinal <= 3 else (K.DISMISSAL,)
    assert proposal.kinds() == expected
    assert proposal.breach_ordinal == ordinal
    shifted = ordinal + 1 if severity is SERIOUS else ordinal
    assert proposal.ladder_step == min(shifted, 4)
    assert len(proposal.counted) == ordinal - 1 and proposal.ignored == ()
    assert all(o.amount_fen is None and not o.legal_risk for o in proposal.outcomes)
    assert proposal.complete


def test_serious_moves_one_step_and_says_so() -> None:
    proposal = run("R01", SERIOUS, [prior(1, code="R01")])
    assert proposal.kinds() == (K.FINAL_WRITTEN_WARNING,)
    assert "上调一级至第 3 级" in "".join(proposal.explanation_zh)
    assert "moved one step up to 3" in " ".join(proposal.explanation_en)


def test_serious_at_the_top_stays_at_dismissal() -> None:
    proposal = run("R01", SERIOUS, [prior(n, code="R01") for n in (1, 2, 3)])
    assert proposal.kinds() == (K.DISMISSAL,) and proposal.ladder_step == 4
    assert "已是最高一级" in "".join(proposal.explanation_zh)


def test_dismissal_on_the_ladder_carries_the_dismissal_risk() -> None:
    proposal = run("R02", STANDARD, [prior(n, code="R02") for n in (1, 2, 3)])
    assert [r.key for r in proposal.legal_risks] == ["dismissal"]
    assert not proposal.needs_justification
    assert "第三十九条" in proposal.legal_risks[0].law_zh


def test_explanation_names_the_counted_cases_with_dates() -> None:
    proposal = run("R03", STANDARD, [prior(1), prior(2)])
    zh, en = "\n".join(proposal.explanation_zh), "\n".join(proposal.explanation_en)
    for case, day in (("BSW-2025-0001", "2025-05-22"), ("BSW-2025-0002", "2025-05-12")):
        assert f"{case}({day})" in zh
        assert f"{case} ({day})" in en
    assert "R03" in proposal.explanation_zh[0] and "第 1 版" in proposal.explanation_zh[0]
    assert "第 3 次" in zh and "breach no. 3" in en


# --- the repeat window -----------------------------------------------------------------------


def test_repeat_window_boundary_365_counted_366_ignored() -> None:
    at_365 = PriorBreach(1, "BSW-2024-0001", "R04", INCIDENT - timedelta(days=365))
    at_366 = PriorBreach(2, "BSW-2024-0002", "R04", INCIDENT - timedelta(days=366))
    proposal = run("R04", STANDARD, [at_366, at_365])
    assert proposal.counted == (at_365,)
    assert proposal.ignored == (at_366,)
    assert proposal.breach_ordinal == 2
    assert "不计入(超出统计期):BSW-2024-0002(2024-05-31)。" in proposal.explanation_zh
    assert any("older than the window" in line for line in proposal.explanation_en)


def test_window_counts_office_calendar_days_not_utc_days() -> None:
    # 07:00 in Shanghai on 2024-06-01 is still 2024-05-31 in UTC.
    early = PriorBreach(1, "BSW-2024-0001", "R04", datetime(2024, 5, 31, 23, 0, tzinfo=UTC))
    assert run("R04", priors=[early]).counted == (early,)
    assert run("R04", priors=[early], time_zone="UTC").ignored == (early,)


def test_window_is_a_parameter() -> None:
    assert [p.name for p in LADDER_PARAMETERS] == ["repeat_window_days"]
    priors = [prior(1, code="R05", days=20), prior(2, code="R05", days=20)]  # 20, 40 days
    proposal = run("R05", priors=priors, params={"repeat_window_days": 30})
    assert [p.finding_id for p in proposal.counted] == [1]
    assert proposal.params["repeat_window_days"] == 30
    assert proposal.params_digest != run("R05", priors=priors).params_digest


@pytest.mark.parametrize(
    "params", [{"repeat_window_days": 0}, {"repeat_window_days": True}, {"nonsense": 1}]
)
def test_bad_parameters_are_rejected(params: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        run("R05", params=params)


def test_rule_parameters_are_accepted_alongside() -> None:
    proposal = run("R11", compensation_fen=60_000, params={"serious_damage_fen": 50_000})
    assert proposal.suggested_severity is SERIOUS
    assert proposal.params == {"serious_damage_fen": 50_000, "repeat_window_days": 365}


def test_findings_of_one_case_count_once() -> None:
    a = PriorBreach(1, "BSW-2025-0001", "R06", INCIDENT - timedelta(days=40))
    b = PriorBreach(2, "BSW-2025-0001", "R06", INCIDENT - timedelta(days=39))
    c = PriorBreach(3, "BSW-2025-0002", "R06", INCIDENT - timedelta(days=20))
    proposal = run("R06", priors=[a, b, c, c])
    assert proposal.breach_ordinal == 3 and proposal.counted == (a, b, c)
    assert "按案件计为 2 次" in "".join(proposal.explanation_zh)
    assert "BSW-2025-0001(2025-04-22、2025-04-23)" in "".join(proposal.explanation_zh)
    assert "BSW-2025-0002(2025-05-12)" in "".join(proposal.explanation_zh)


def test_this_case_and_later_breaches_are_not_priors() -> None:
    same = PriorBreach(1, "BSW-2025-0042", "R07", INCIDENT - timedelta(days=1))
    later = PriorBreach(2, "BSW-2025-0050", "R07", INCIDENT + timedelta(hours=1))
    proposal = run("R07", priors=[same, later], case_number="BSW-2025-0042")
    assert proposal.counted == () and proposal.breach_ordinal == 1
    assert set(proposal.ignored) == {same, later}
    zh = "".join(proposal.explanation_zh)
    assert "属本案" in zh and "不早于本次事发" in zh


# --- only decided priors count (issue 11 item 1) ---------------------------------------------


def undecided(n: int, standing: Standing, *, code: str = "R03", days: int = 10) -> PriorBreach:
    number = None if standing is Standing.NO_CASE else f"BSW-2025-{n:04d}"
    return PriorBreach(n, number, code, INCIDENT - timedelta(days=days * n), standing=standing)


def test_two_undecided_priors_leave_the_ladder_at_its_first_step() -> None:
    """A confirmed finding never put to a case and one whose case is still open: neither was
    decided, so this is the first breach, a written warning, not a final written warning."""
    priors = [undecided(1, Standing.NO_CASE), undecided(2, Standing.PENDING)]
    proposal = run("R03", STANDARD, priors)
    assert proposal.kinds() == (K.WRITTEN_WARNING,)
    assert (proposal.breach_ordinal, proposal.ladder_step) == (1, 1)
    assert proposal.counted == () and set(proposal.ignored) == set(priors)
    assert "不计入(未立案,仅确认未处理):发现 #1(2025-05-22)。" in proposal.explanation_zh
    assert "不计入(案件尚未作出生效决定):BSW-2025-0002(2025-05-12)。" in proposal.explanation_zh
    assert "期内没有此前经生效处理决定认定的违反本条记录" in "".join(proposal.explanation_zh)
    en = " ".join(proposal.explanation_en)
    assert "Not counted (confirmed but never decided in a case): finding #1 (2025-05-22)." in en
    assert "Not counted (its case has no final decision yet): BSW-2025-0002 (2025-05-12)." in en
    assert "no prior decided breach" in en


def test_the_same_priors_decided_raise_the_step() -> None:
    priors = [prior(1), prior(2)]
    assert all(p.standing is Standing.DECIDED for p in priors)
    proposal = run("R03", STANDARD, priors)
    assert proposal.kinds() == (K.FINAL_WRITTEN_WARNING,) and proposal.breach_ordinal == 3
    zh = "".join(proposal.explanation_zh)
    assert "计入此前经生效处理决定认定的违反本条 2 次" in zh
    assert "BSW-2025-0002(2025-05-12)、BSW-2025-0001(2025-05-22)" in zh
    assert "counted 2 prior decided breach(es)" in " ".join(proposal.explanation_en)


def test_four_undecided_priors_never_propose_dismissal() -> None:
    priors = [undecided(n, Standing.PENDING) for n in (1, 2, 3, 4)]
    for severity in (MINOR, STANDARD, SERIOUS):
        proposal = run("R02", severity, [replace(p, rule_code="R02") for p in priors])
        assert K.DISMISSAL not in proposal.kinds() and proposal.breach_ordinal == 1
        assert proposal.legal_risks == ()


def test_overturned_and_withdrawn_priors_are_ignored_with_why() -> None:
    gone = undecided(1, Standing.OVERTURNED)
    withdrawn = undecided(2, Standing.WITHDRAWN)
    kept = prior(3)
    proposal = run("R05", STANDARD, [replace(p, rule_code="R05") for p in (gone, withdrawn, kept)])
    assert [p.finding_id for p in proposal.counted] == [3] and proposal.breach_ordinal == 2
    assert "不计入(申诉后撤销):BSW-2025-0001(2025-05-22)。" in proposal.explanation_zh
    assert "不计入(案件已撤销,不构成违规):BSW-2025-0002(2025-05-12)。" in proposal.explanation_zh
    en = " ".join(proposal.explanation_en)
    assert "Not counted (overturned on appeal): BSW-2025-0001" in en
    assert "Not counted (its case was dismissed as no breach): BSW-2025-0002" in en


def test_an_undecided_prior_out_of_the_window_says_it_was_not_decided() -> None:
    old = undecided(1, Standing.PENDING, days=400)
    proposal = run("R03", priors=[old])
    assert proposal.ignored == (old,)
    assert "不计入(案件尚未作出生效决定):BSW-2025-0001(2024-04-27)。" in proposal.explanation_zh


def test_a_prior_without_a_case_cannot_claim_a_decision() -> None:
    with pytest.raises(ValueError, match="no case"):
        PriorBreach(1, None, "R03", INCIDENT - timedelta(days=3))
    with pytest.raises(ValueError, match="no case"):
        PriorBreach(1, None, "R03", INCIDENT, standing=Standing.PENDING)
    with pytest.raises(ValueError, match="is in case"):
        PriorBreach(1, "BSW-2025-0001", "R03", INCIDENT, standing=Standing.NO_CASE)
    with pytest.raises(ValueError):
        PriorBreach(1, "BSW-2025-0001", "R03", INCIDENT, standing="maybe")  # type: ignore[arg-type]


def test_standing_round_trips_and_old_stored_priors_load() -> None:
    priors = [undecided(1, Standing.NO_CASE), undecided(2, Standing.OVERTURNED), prior(3)]
    proposal = run("R03", SERIOUS, priors)
    stored = proposal.to_dict()
    assert {p["standing"] for p in stored["ignored"]} == {"no_case", "overturned"}
    assert Proposal.from_dict(stored) == proposal
    assert replay(registry.get("R03"), stored, guardrails=CN) == proposal
    # A proposal stored before priors had a standing: those with a case were counted then.
    for p in stored["counted"] + stored["ignored"]:
        del p["standing"]
    old = Proposal.from_dict(stored)
    assert {p.finding_id: p.standing for p in old.ignored} == {
        1: Standing.NO_CASE,
        2: Standing.DECIDED,
    }
    assert [p.standing for p in old.counted] == [Standing.DECIDED]


def test_a_prior_of_another_rule_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="R01"):
        run("R03", priors=[prior(1, code="R01")])


# --- R10 incompetence ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "kinds"),
    [
        (0, (K.RETRAINING,)),
        (1, (K.REASSIGNMENT,)),
        (2, (K.TERMINATION_WITH_NOTICE,)),
        (3, (K.TERMINATION_WITH_NOTICE,)),
        (7, (K.TERMINATION_WITH_NOTICE,)),
    ],
)
def test_incompetence_ladder(steps: int, kinds: tuple[OutcomeKind, ...]) -> None:
    proposal = run("R10", prior_incompetence_steps=steps)
    assert proposal.kinds() == kinds
    assert proposal.ladder_step == min(steps + 1, 3)


@pytest.mark.parametrize("severity", [MINOR, STANDARD, SERIOUS])
@pytest.mark.parametrize("steps", [0, 1])
def test_incompetence_never_terminates_before_two_steps(severity: Severity, steps: int) -> None:
    proposal = run(
        "R10",
        severity,
        [prior(n, code="R10") for n in (1, 2, 3)],
        prior_incompetence_steps=steps,
    )
    assert K.TERMINATION_WITH_NOTICE not in proposal.kinds()
    assert K.DISMISSAL not in proposal.kinds()
    assert "本次不建议解除" in "".join(proposal.explanation_zh)
    assert "no termination is proposed" in " ".join(proposal.explanation_en)


def test_a_schedule_terminating_too_early_is_refused() -> None:
    r10 = registry.get("R10")
    broken = replace(
        r10,
        sanction=replace(
            r10.sanction, steps=(SanctionStep((K.TERMINATION_WITH_NOTICE,), ordinal=1),)
        ),
    )
    with pytest.raises(ValueError, match="two earlier steps"):
        propose(broken, severity=STANDARD, prior_breaches=[], facts=facts(), guardrails=CN)


def test_priors_of_a_non_ladder_rule_are_listed_for_information() -> None:
    proposal = run("R10", priors=[prior(1, code="R10")], prior_incompetence_steps=1)
    assert proposal.kinds() == (K.REASSIGNMENT,) and len(proposal.counted) == 1
    assert "不按违反次数递进" in "".join(proposal.explanation_zh)


def test_incompetence_termination_explains_notice_and_wage_in_lieu() -> None:
    proposal = run("R10", prior_incompetence_steps=2)
    [outcome] = proposal.outcomes
    assert "¥5,000.00" in outcome.note_zh and "in lieu" in outcome.note_en
    assert [r.key for r in proposal.legal_risks] == ["incompetence_termination"]
    assert "第四十条" in proposal.legal_risks[0].law_zh


# --- R11 damage ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "step"),
    [(MINOR, K.VERBAL_WARNING), (STANDARD, K.WRITTEN_WARNING), (SERIOUS, K.FINAL_WRITTEN_WARNING)],
)
def test_damage_compensation_plus_step(severity: Severity, step: OutcomeKind) -> None:
    proposal = run("R11", severity, compensation_fen=250_000)
    assert proposal.kinds() == (K.COMPENSATION, step)
    assert proposal.outcomes[0].amount_fen == 250_000
    assert not proposal.outcomes[0].legal_risk
    assert "¥2,500.00" in "".join(proposal.explanation_zh)
    assert proposal.complete and proposal.ladder_step is None


def test_damage_needs_the_assessed_value() -> None:
    proposal = run("R11")
    assert not proposal.complete
    assert [i.key for i in proposal.issues] == ["compensation_fen"]
    assert proposal.outcomes[0].amount_fen is None
    assert "价值尚待评估" in "".join(proposal.explanation_zh)


def test_damage_suggests_serious_from_the_threshold() -> None:
    assert run("R11", compensation_fen=199_999).suggested_severity is None
    proposal = run("R11", compensation_fen=200_000)
    assert proposal.suggested_severity is SERIOUS
    assert "¥2,000.00" in proposal.suggestion_zh and "reviewer set standard" in (
        proposal.suggestion_en
    )
    assert run("R11", SERIOUS, compensation_fen=200_000).kinds()[-1] is K.FINAL_WRITTEN_WARNING


# --- R12 tips --------------------------------------------------------------------------------


def test_concealed_tip_restitution_plus_risky_wage_deduction() -> None:
    proposal = run("R12", concealed_tip_fen=20_000)
    assert proposal.kinds() == (K.RESTITUTION, K.WAGE_DEDUCTION)
    restitution, deduction = proposal.outcomes
    assert (restitution.amount_fen, restitution.legal_risk) == (20_000, False)
    assert (deduction.amount_fen, deduction.legal_risk) == (WAGE, True)
    [risk] = proposal.legal_risks
    assert risk.key == "disciplinary_wage_deduction" and risk.requires_justification
    assert "1982" in risk.text_zh and "2008" in risk.text_zh and "20%" in risk.text_zh
    assert "1982" in risk.text_en and "minimum-wage floor" in risk.text_en
    assert proposal.needs_justification
    assert any("法律风险" in line for line in proposal.explanation_zh)


def test_serious_concealment_is_dismissal_with_restitution() -> None:
    proposal = run("R12", SERIOUS, concealed_tip_fen=20_000)
    assert proposal.kinds() == (K.RESTITUTION, K.DISMISSAL)
    assert K.WAGE_DEDUCTION not in proposal.kinds()
    assert not proposal.needs_justification
    assert [r.key for r in proposal.legal_risks] == ["dismissal"]


def test_second_concealment_suggests_serious() -> None:
    assert run("R12", concealed_tip_fen=100).suggested_severity is None
    proposal = run("R12", concealed_tip_fen=100, prior_concealments=1)
    assert proposal.suggested_severity is SERIOUS
    assert "再次隐匿" in proposal.suggestion_zh
    # A suggestion is not a decision: the reviewer's severity still picks the outcomes.
    assert proposal.kinds() == (K.RESTITUTION, K.WAGE_DEDUCTION)


def test_large_concealment_suggests_serious() -> None:
    assert run("R12", concealed_tip_fen=50_000).suggested_severity is SERIOUS


def test_concealment_needs_the_amount() -> None:
    proposal = run("R12")
    assert [i.key for i in proposal.issues] == ["concealed_tip_fen"]
    assert proposal.outcomes[0].amount_fen is None


# --- R13 solicitation / theft ----------------------------------------------------------------


def test_solicitation_is_dismissal_plus_restitution() -> None:
    assert run("R13", restitution_fen=30_000).kinds() == (K.DISMISSAL, K.RESTITUTION)
    assert run("R13", restitution_fen=30_000).outcomes[1].amount_fen == 30_000
    assert run("R13").kinds() == (K.DISMISSAL,)
    assert run("R13", MINOR).kinds() == (K.DISMISSAL,)


def test_serious_solicitation_adds_legal_referral() -> None:
    proposal = run("R13", SERIOUS, restitution_fen=30_000)
    assert proposal.kinds() == (K.DISMISSAL, K.RESTITUTION, K.LEGAL_REFERRAL)
    assert run("R13", SERIOUS).kinds() == (K.DISMISSAL, K.LEGAL_REFERRAL)
    assert "移送司法机关" in "".join(proposal.explanation_zh)


# --- no fine, anywhere -----------------------------------------------------------------------


def test_there_is_no_fine_outcome() -> None:
    assert not [k for k in OutcomeKind if "fine" in k.value]
    assert not [v for v in OUTCOME_LABELS_ZH.values() if "罚" in v]
    assert not [v for v in OUTCOME_LABELS_EN.values() if "fine" in v.lower()]


@pytest.mark.parametrize("code", [r.code for r in registry.RULES])
@pytest.mark.parametrize("severity", [MINOR, STANDARD, SERIOUS])
def test_every_rule_proposes_something_explained(code: str, severity: Severity) -> None:
    proposal = run(code, severity, compensation_fen=1, concealed_tip_fen=1, restitution_fen=1)
    assert proposal.outcomes and proposal.complete
    assert proposal.rule_code == code and proposal.rule_version == registry.get(code).version
    assert len(proposal.explanation_zh) == len(proposal.explanation_en) >= 3
    assert proposal.explanation_zh[-1] == "以上为建议,由人决定。"
    assert all(o.label_zh and o.label_en for o in proposal.outcomes)


# --- reproducibility -------------------------------------------------------------------------


def test_same_inputs_same_digest_and_order_does_not_matter() -> None:
    priors = [
        prior(1),
        prior(2),
        PriorBreach(9, "BSW-2024-0009", "R03", datetime(2020, 1, 1, tzinfo=UTC)),
    ]
    a = run("R03", SERIOUS, priors)
    b = run("R03", SERIOUS, list(reversed(priors)))
    assert a == b and a.digest() == b.digest() and a.to_json() == b.to_json()
    assert a.input_digest == b.input_digest
    assert run("R03", STANDARD, priors).input_digest != a.input_digest


def test_round_trip_and_replay() -> None:
    for proposal in (
        run("R03", SERIOUS, [prior(1), prior(2)]),
        run("R12", concealed_tip_fen=20_000, prior_concealments=1),
        run("R11"),
    ):
        stored = proposal.to_dict()
        assert Proposal.from_dict(stored) == proposal
        assert (
            replay(registry.get(proposal.rule_code), stored, guardrails=CN).digest()
            == proposal.digest()
        )


def test_replay_refuses_another_version() -> None:
    stored = run("R03", priors=[prior(1)]).to_dict()
    newer = replace(registry.get("R03"), version=2)
    with pytest.raises(ValueError, match="v1"):
        replay(newer, stored, guardrails=CN)
    assert replay(registry.get("R03"), stored, guardrails=CN).to_dict() == stored


def test_inputs_round_trip() -> None:
    f = facts(compensation_fen=5, case_number="BSW-2025-0001")
    p = prior(3)
    assert SanctionFacts.from_dict(to_dict(f)) == f
    assert PriorBreach.from_dict(to_dict(p)) == p


def test_rule_not_yet_in_force_is_an_issue() -> None:
    proposal = run("R01", incident_at=datetime(2023, 12, 31, 2, tzinfo=UTC))
    assert [i.key for i in proposal.issues] == ["rule_not_in_force"]


@pytest.mark.parametrize(
    "bad",
    [
        {"incident_at": datetime(2025, 6, 1)},  # noqa: DTZ001 - naive on purpose
        {"monthly_wage_fen": -1},
        {"compensation_fen": -5},
        {"prior_incompetence_steps": -1},
        {"time_zone": "Mars/Olympus"},
    ],
)
def test_bad_facts_are_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        facts(**bad)


def test_naive_prior_is_rejected() -> None:
    with pytest.raises(ValueError):
        PriorBreach(1, None, "R01", datetime(2025, 1, 1))  # noqa: DTZ001
