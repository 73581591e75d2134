"""The sanction engine: from a confirmed breach, its severity and the history, a proposal.

Pure: the caller passes the rule version in force on the incident date, the earlier confirmed
findings of the same rule by the same staff member with the standing of the case that judged
each, the money facts and the parameters. Only a prior breach a case decided, with the
decision standing, raises the ladder; the others are listed as not counted, with why.
The engine is the same for every rule: it counts and explains the priors, calls the handler
the rule's schedule names (kept in the rule's module) and adds the legal risks the active
guardrail profile names for the outcomes. It only suggests; a person decides. There is no
fine among the outcomes, by design.
"""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from policies.base import Parameter, Policy
from policies.canonical import digest
from policies.draft import SEVERITY_ZH, Draft, names
from policies.guardrails.base import GuardrailProfile
from policies.proposal import (
    PriorBreach,
    Proposal,
    ProposedOutcome,
    SanctionFacts,
    Standing,
)
from policies.sanction import OutcomeKind, Severity
from policies.text import yuan

LADDER_PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        name="repeat_window_days",
        default=365,
        unit="days",
        description_zh="计算重复违规的统计期(事发日前的天数)",
        description_en="Days before the incident within which prior breaches count",
        minimum=1,
        maximum=3650,
    ),
)


def resolve_params(
    policy: Policy, params: Mapping[str, int] | None = None
) -> tuple[dict[str, int], dict[str, int]]:
    """Split overrides into the ladder's and the rule's parameters and resolve both."""
    ladder_by_name = {p.name: p for p in LADDER_PARAMETERS}
    if ladder_by_name.keys() & {p.name for p in policy.parameters}:
        raise ValueError(f"{policy.code}: a rule parameter shadows a ladder parameter")
    ladder = {p.name: p.default for p in LADDER_PARAMETERS}
    rule_overrides: dict[str, int] = {}
    for name, value in (params or {}).items():
        spec = ladder_by_name.get(name)
        if spec is None:
            rule_overrides[name] = value
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"ladder parameter {name!r} must be an integer, got {value!r}")
        if not spec.minimum <= value <= spec.maximum:
            raise ValueError(
                f"ladder parameter {name!r} = {value} is out of range "
                f"[{spec.minimum}, {spec.maximum}] {spec.unit}"
            )
        ladder[name] = value
    return ladder, policy.resolve_params(rule_overrides)


def _split_priors(
    policy: Policy, priors: Sequence[PriorBreach], facts: SanctionFacts, window_days: int
) -> tuple[list[PriorBreach], list[tuple[PriorBreach, str]], date]:
    incident_day = facts.local_date(facts.incident_at)
    since = incident_day - timedelta(days=window_days)
    counted: list[PriorBreach] = []
    ignored: list[tuple[PriorBreach, str]] = []
    seen: set[int] = set()
    for prior in sorted(priors, key=lambda p: (p.occurred_at, p.finding_id)):
        if prior.rule_code != policy.code:
            raise ValueError(
                f"prior finding {prior.finding_id} is {prior.rule_code}, not {policy.code}"
            )
        if prior.finding_id in seen:
            continue
        seen.add(prior.finding_id)
        if facts.case_number is not None and prior.case_number == facts.case_number:
            ignored.append((prior, "same_case"))
        elif prior.occurred_at >= facts.incident_at:
            ignored.append((prior, "not_before"))
        elif prior.standing is not Standing.DECIDED:
            ignored.append((prior, prior.standing.value))
        elif facts.local_date(prior.occurred_at) < since:
            ignored.append((prior, "too_old"))
        else:
            counted.append(prior)
    return counted, ignored, since


def _listing(priors: Sequence[PriorBreach], facts: SanctionFacts, zh: bool) -> str:
    groups: dict[str, list[str]] = {}
    for p in priors:
        label = p.case_number or (f"发现 #{p.finding_id}" if zh else f"finding #{p.finding_id}")
        groups.setdefault(label, []).append(facts.local_date(p.occurred_at).isoformat())
    if zh:
        return "、".join(f"{k}({'、'.join(v)})" for k, v in groups.items())
    return ", ".join(f"{k} ({', '.join(v)})" for k, v in groups.items())


# Why a prior breach is not counted, in the order the explanation lists them.
_IGNORED_ZH = {
    Standing.NO_CASE.value: "未立案,仅确认未处理",
    Standing.PENDING.value: "案件尚未作出生效决定",
    Standing.OVERTURNED.value: "申诉后撤销",
    Standing.WITHDRAWN.value: "案件已撤销,不构成违规",
    "too_old": "超出统计期",
    "not_before": "不早于本次事发",
    "same_case": "属本案",
}
_IGNORED_EN = {
    Standing.NO_CASE.value: "confirmed but never decided in a case",
    Standing.PENDING.value: "its case has no final decision yet",
    Standing.OVERTURNED.value: "overturned on appeal",
    Standing.WITHDRAWN.value: "its case was dismissed as no breach",
    "too_old": "older than the window",
    "not_before": "not before this incident",
    "same_case": "part of this case",
}


def _explain_priors(
    d: Draft,
    counted: Sequence[PriorBreach],
    ignored: Sequence[tuple[PriorBreach, str]],
    since: date,
    window: int,
) -> None:
    day = d.facts.local_date(d.facts.incident_at)
    incidents = len({p.incident_key for p in counted})
    if counted:
        d.say(
            f"统计期为事发日 {day} 前 {window} 天(自 {since} 起);计入此前经生效处理决定认定的"
            f"违反本条 {incidents} 次:{_listing(counted, d.facts, True)}。",
            f"Window: {window} days before the incident on {day} (from {since}); counted "
            f"{incidents} prior decided breach(es) of this rule: "
            f"{_listing(counted, d.facts, False)}.",
        )
        if incidents < len(counted):
            d.say(
                f"同一案件中的 {len(counted)} 项发现按案件计为 {incidents} 次。",
                f"{len(counted)} findings count as {incidents} by case: one decision per case.",
            )
    else:
        d.say(
            f"统计期为事发日 {day} 前 {window} 天(自 {since} 起);"
            "期内没有此前经生效处理决定认定的违反本条记录。",
            f"Window: {window} days before the incident on {day} (from {since}); no prior "
            "decided breach of this rule in it.",
        )
    for reason in _IGNORED_ZH:
        left = [p for p, r in ignored if r == reason]
        if left:
            d.say(
                f"不计入({_IGNORED_ZH[reason]}):{_listing(left, d.facts, True)}。",
                f"Not counted ({_IGNORED_EN[reason]}): {_listing(left, d.facts, False)}.",
            )


def _note(kind: OutcomeKind, amount: int | None, facts: SanctionFacts) -> tuple[str, str]:
    if kind is OutcomeKind.COMPENSATION:
        return (
            "可由员工直接支付,或书面通知后从工资中分期扣除(每月不超过当月工资的 20%,"
            "扣后不低于最低工资)。",
            "Paid directly, or deducted in instalments after a written notice (at most 20% of "
            "the month's wage, leaving at least the minimum wage).",
        )
    if kind is OutcomeKind.WAGE_DEDUCTION:
        return (
            "纪律性扣款,法律依据不明;须记录批准理由,分期执行仍受 20% 上限与最低工资保底限制。",
            "A disciplinary deduction with no clear legal basis; approval needs a recorded "
            "justification; instalments still obey the 20% cap and the minimum-wage floor.",
        )
    if kind is OutcomeKind.TERMINATION_WITH_NOTICE:
        wage = yuan(facts.monthly_wage_fen)
        return (
            f"提前三十日书面通知,或额外支付一个月工资 {wage} 代替通知;另依法支付经济补偿"
            "并事先通知工会。",
            f"30 days' written notice, or one month's wage {wage} in lieu; statutory economic "
            "compensation is also due, and the trade union must be told first.",
        )
    if kind is OutcomeKind.DISMISSAL:
        return (
            "须通过全部解除关卡,并经人事与管理处主任两级批准。",
            "Must pass every dismissal gate and be approved by HR and the office director.",
        )
    if kind is OutcomeKind.RESTITUTION and amount is not None:
        return f"退还/上交 {yuan(amount)}。", f"Restore or hand over {yuan(amount)}."
    return "", ""


def propose(
    policy: Policy,
    *,
    severity: Severity,
    prior_breaches: Sequence[PriorBreach],
    facts: SanctionFacts,
    params: Mapping[str, int] | None = None,
    guardrails: GuardrailProfile,
) -> Proposal:
    """Propose outcomes for a confirmed breach of `policy`, with the reasoning spelled out."""
    severity = Severity(severity)
    ladder, rule = resolve_params(policy, params)
    window = ladder["repeat_window_days"]
    counted, ignored, since = _split_priors(policy, prior_breaches, facts, window)
    schedule = policy.sanction
    d = Draft(
        facts=facts,
        severity=severity,
        schedule=schedule,
        params=rule,
        incidents=len({p.incident_key for p in counted}),
        guardrails=guardrails,
    )
    day = facts.local_date(facts.incident_at)
    d.say(
        f"依据 {policy.code}「{policy.title_zh}」第 {policy.version} 版(规章第 {policy.article} 条,"
        f"{policy.effective_from} 起施行)。",
        f"Rule {policy.code} '{policy.title_en}', version {policy.version} (article "
        f"{policy.article}, in force from {policy.effective_from}).",
    )
    if day < policy.effective_from:
        d.need(
            "rule_not_in_force",
            f"事发日 {day} 本规则版本尚未施行,须按当时有效的版本处理。",
            f"This rule version was not in force on {day}: use the version in force then.",
        )
    if schedule.counts_repeats or counted or ignored:
        _explain_priors(d, counted, ignored, since, window)
    if not schedule.counts_repeats and (counted or ignored):
        d.say(
            "以上记录仅供参考:本条的处理不按违反次数递进。",
            "For information only: this rule's sanction does not escalate by count.",
        )
    schedule.handler(d)
    d.say(f"建议:{names(d.kinds, True)}。", f"Proposed: {names(d.kinds, False)}.")
    risks = guardrails.legal_risks(d.kinds)
    # An outcome whose risk needs a recorded justification is marked, so approval asks for one.
    risky = {
        k for k in d.kinds if any(r.requires_justification for r in guardrails.legal_risks([k]))
    }
    outcomes = []
    for kind in d.kinds:
        amount = d.amounts.get(kind)
        zh, en = _note(kind, amount, facts)
        outcomes.append(ProposedOutcome(kind, amount, kind in risky, zh, en))
    suggestion_zh = suggestion_en = ""
    if d.suggested is not None:
        suggestion_zh = "建议按情节严重处理:" + ";".join(d.why_zh) + "。"
        suggestion_en = "Suggested serious: " + "; ".join(d.why_en) + "."
        if d.suggested is not severity:
            suggestion_zh += f"审核人认定为{SEVERITY_ZH[severity]}。"
            suggestion_en += f" The reviewer set {severity.value}."
        d.say(suggestion_zh, suggestion_en)
    for risk in risks:
        d.say(
            f"法律风险:{risk.text_zh}({risk.law_zh})", f"Legal risk: {risk.text_en} ({risk.law_en})"
        )
    d.say("以上为建议,由人决定。", "The ladder suggests; a person decides.")
    considered = sorted(
        [*counted, *(p for p, _ in ignored)], key=lambda p: (p.occurred_at, p.finding_id)
    )
    return Proposal(
        rule_code=policy.code,
        rule_version=policy.version,
        severity=severity,
        outcomes=tuple(outcomes),
        ladder_step=d.step,
        breach_ordinal=d.ordinal,
        suggested_severity=d.suggested,
        suggestion_zh=suggestion_zh,
        suggestion_en=suggestion_en,
        counted=tuple(counted),
        ignored=tuple(p for p, _ in ignored),
        legal_risks=risks,
        issues=tuple(d.issues),
        explanation_zh=tuple(d.zh),
        explanation_en=tuple(d.en),
        facts=facts,
        params={**rule, **ladder},
        params_digest=digest(
            {"code": policy.code, "version": policy.version, "ladder": ladder, "params": rule}
        ),
        input_digest=digest({"severity": severity, "prior_breaches": considered, "facts": facts}),
    )


def replay(policy: Policy, stored: Mapping[str, Any], *, guardrails: GuardrailProfile) -> Proposal:
    """Re-derive a stored proposal from its own inputs; compare digests to verify it."""
    old = Proposal.from_dict(stored)
    if (old.rule_code, old.rule_version) != (policy.code, policy.version):
        raise ValueError(
            f"stored proposal is {old.rule_code} v{old.rule_version}, "
            f"not {policy.code} v{policy.version}"
        )
    return propose(
        policy,
        severity=old.severity,
        prior_breaches=old.counted + old.ignored,
        facts=old.facts,
        params=old.params,
        guardrails=guardrails,
    )
