"""The default ladder: the sanction of every rule that names none (R01–R09)."""

from policies.draft import Draft
from policies.sanction import OutcomeKind, SanctionSchedule, SanctionStep, Severity


def handle(d: Draft) -> None:
    """One step per earlier decided breach in the window; serious moves one step up."""
    top = d.top()
    d.ordinal = d.incidents + 1
    base = min(d.ordinal, top)
    d.step = min(base + 1, top) if d.severity is Severity.SERIOUS else base
    d.kinds = d.match(d.step)
    d.say(
        f"本次为统计期内第 {d.ordinal} 次违反本条 → 阶梯第 {base} 级(共 {top} 级)。",
        f"This is breach no. {d.ordinal} of this rule in the window → ladder step {base} of {top}.",
    )
    if d.severity is Severity.SERIOUS:
        moved = "已是最高一级" if base == top else f"上调一级至第 {d.step} 级"
        moved_en = "already the top step" if base == top else f"moved one step up to {d.step}"
        d.say(f"情节严重:{moved}。", f"Serious: {moved_en}.")
    elif d.severity is Severity.MINOR and d.step == 1:
        d.say("情节轻微,首次违反:口头警告。", "Minor, first breach: a verbal warning.")


DEFAULT_LADDER = SanctionSchedule(
    text_zh=(
        "本条未规定处理方式,按默认阶梯:12 个月内同一条第 1 次书面警告(轻微:口头警告),"
        "第 2 次书面警告并再培训,第 3 次最后书面警告,第 4 次建议以严重违反规章制度辞退;"
        "情节严重的上调一级。"
    ),
    text_en=(
        "The rule names no sanction; default ladder over confirmed breaches of the same rule "
        "in 12 months: 1st written warning (minor: verbal warning), 2nd written warning and "
        "retraining, 3rd final written warning, 4th proposed dismissal for serious violation "
        "of the rulebook. Serious moves one step up."
    ),
    steps=(
        SanctionStep((OutcomeKind.WRITTEN_WARNING,), ordinal=1),
        SanctionStep((OutcomeKind.VERBAL_WARNING,), ordinal=1, severity=Severity.MINOR),
        SanctionStep((OutcomeKind.WRITTEN_WARNING, OutcomeKind.RETRAINING), ordinal=2),
        SanctionStep((OutcomeKind.FINAL_WRITTEN_WARNING,), ordinal=3),
        SanctionStep((OutcomeKind.DISMISSAL,), ordinal=4),
    ),
    handler=handle,
    counts_repeats=True,
)
