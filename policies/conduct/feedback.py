"""A detector shared by rules whose breach is simply 'a resident reported it'."""

from collections.abc import Callable, Iterator, Mapping

from policies.base import Decision, Detector, EvidenceRef, Severity, breach
from policies.facts import FactBundle, FeedbackFact
from policies.text import CHANNEL_EN, CHANNEL_ZH, yuan
from policies.vocab import EvidenceKind, FeedbackCategory, FeedbackChannel, Satisfaction

TOPIC_ZH: dict[FeedbackCategory, str] = {
    FeedbackCategory.ATTITUDE: "服务态度差",
    FeedbackCategory.FACILITY_USE: "使用业主家的娱乐或生活设施",
    FeedbackCategory.OUTSIDERS: "将与工作无关的人员带进家中",
    FeedbackCategory.PRIVACY: "与他人谈论业主家庭情况",
    FeedbackCategory.LINGERING: "在房内无故停留",
    FeedbackCategory.IMPROPER_RELATIONSHIP: "与住户有不正当关系",
    FeedbackCategory.SOLICITATION: "索取财物",
    FeedbackCategory.THEFT: "偷盗",
}

TOPIC_EN: dict[FeedbackCategory, str] = {
    FeedbackCategory.ATTITUDE: "a poor service attitude",
    FeedbackCategory.FACILITY_USE: "use of the resident's entertainment or household facilities",
    FeedbackCategory.OUTSIDERS: "people unrelated to the work brought into the home",
    FeedbackCategory.PRIVACY: "the resident's family affairs discussed with others",
    FeedbackCategory.LINGERING: "lingering in the home without reason",
    FeedbackCategory.IMPROPER_RELATIONSHIP: "an improper relationship with a resident",
    FeedbackCategory.SOLICITATION: "soliciting money or goods",
    FeedbackCategory.THEFT: "theft",
}

# Where each category of feedback leads: the rules that judge it. Every category is listed;
# a test runs every rule over every category so that none is silently dropped.
RULES_FED: dict[FeedbackCategory, tuple[str, ...]] = {
    FeedbackCategory.PRAISE: (),
    FeedbackCategory.ATTITUDE: ("R01",),
    FeedbackCategory.FACILITY_USE: ("R05",),
    FeedbackCategory.OUTSIDERS: ("R06",),
    FeedbackCategory.PRIVACY: ("R07",),
    FeedbackCategory.LINGERING: ("R08",),
    FeedbackCategory.IMPROPER_RELATIONSHIP: ("R08",),
    FeedbackCategory.INCOMPETENT: ("R10",),  # 多次反映: three reports from two households
    FeedbackCategory.DAMAGE: ("R11",),  # through the damage incident it opens, once valued
    FeedbackCategory.TIP_REPORTED: ("R12",),
    FeedbackCategory.SOLICITATION: ("R13",),
    FeedbackCategory.THEFT: ("R13",),
    FeedbackCategory.OTHER: (),
}

# Categories whose rule judges another record that the feedback opens, not the feedback.
OPENS_RECORD: dict[FeedbackCategory, EvidenceKind] = {
    FeedbackCategory.DAMAGE: EvidenceKind.DAMAGE,
}


def rules_fed(
    category: FeedbackCategory, channel: FeedbackChannel, satisfaction: Satisfaction | None
) -> tuple[str, ...]:
    """The rules a piece of feedback feeds; empty means it is kept on file only.

    Besides its category, a return visit rated 不满意 feeds R04 (保证客户满意).
    """
    rules = set(RULES_FED[category])
    if channel is FeedbackChannel.RETURN_VISIT and satisfaction is Satisfaction.UNSATISFIED:
        rules.add("R04")
    return tuple(sorted(rules))


SeverityFn = Callable[[FeedbackFact, Mapping[str, int]], Severity | None]


def reported(fb: FeedbackFact) -> tuple[str, str]:
    """Explain a resident's report in both languages, with its date, channel and amount."""
    amount_zh = f",涉及金额 {yuan(fb.amount_fen)}" if fb.amount_fen is not None else ""
    amount_en = f", involving {yuan(fb.amount_fen)}" if fb.amount_fen is not None else ""
    zh = (
        f"住户于 {fb.work_date.isoformat()} 通过{CHANNEL_ZH[fb.channel]}反映:"
        f"{TOPIC_ZH[fb.category]}{amount_zh}(反馈 #{fb.id})。"
    )
    en = (
        f"A resident reported {TOPIC_EN[fb.category]}{amount_en} "
        f"{CHANNEL_EN[fb.channel]} on {fb.work_date.isoformat()} (feedback #{fb.id})."
    )
    return zh, en


def category_detector(
    *,
    key: str,
    rule_code: str,
    categories: frozenset[FeedbackCategory],
    description_zh: str,
    description_en: str,
    params: tuple[str, ...] = (),
    severity: SeverityFn | None = None,
) -> Detector:
    """Make a detector that turns every feedback of the given categories into a breach."""

    def run(bundle: FactBundle, p: Mapping[str, int]) -> Iterator[Decision]:
        for fb in bundle.feedback:
            if fb.category not in categories:
                continue
            zh, en = reported(fb)
            yield breach(
                explanation_zh=zh,
                explanation_en=en,
                evidence=[EvidenceRef(EvidenceKind.FEEDBACK, fb.id)],
                staff_id=fb.staff_id,
                occurred_at=fb.occurred_at,
                dedupe_key=f"feedback:{fb.id}",
                inputs=fb,
                severity=severity(fb, p) if severity else None,
                observed={"amount_fen": fb.amount_fen} if fb.amount_fen is not None else None,
            )

    return Detector(
        key=key,
        rule_code=rule_code,
        description_zh=description_zh,
        description_en=description_en,
        needs=frozenset({"feedback"}),
        params=params,
        run=run,
    )
