"""R13 — never solicit money or goods from residents; no theft."""

from collections.abc import Mapping

from policies.base import Parameter, Policy, Severity
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.conduct.feedback import category_detector
from policies.draft import Draft
from policies.facts import FeedbackFact
from policies.sanction import OutcomeKind, SanctionSchedule, SanctionStep
from policies.text import yuan
from policies.vocab import EvidenceKind, FeedbackCategory

CODE = "R13"


def suggested_severity(report: FeedbackFact, params: Mapping[str, int]) -> Severity:
    """Serious when the amount involved reaches the threshold; unknown amounts are standard."""
    amount = report.amount_fen
    if amount is not None and amount >= params["serious_amount_fen"]:
        return Severity.SERIOUS
    return Severity.STANDARD


def handle_sanction(d: Draft) -> None:
    """Dismissal on discovery with restitution; serious: also referral for legal action."""
    kinds = d.match(None)
    value = d.facts.restitution_fen
    if not value:
        kinds = [k for k in kinds if k is not OutcomeKind.RESTITUTION]
    d.kinds = kinds
    d.amounts[OutcomeKind.RESTITUTION] = value
    money_zh = f",退还财物 {yuan(value)}" if value else ",未记录须退还的金额"
    money_en = f", restitution of {yuan(value)}" if value else ", no amount to restore recorded"
    d.say(f"一经发现即作辞退处理{money_zh}。", f"Dismissal on discovery{money_en}.")
    if OutcomeKind.LEGAL_REFERRAL in kinds:
        d.say("情节严重:移送司法机关追究法律责任。", "Serious: referral for legal action.")
    threshold = d.params.get("serious_amount_fen")
    if value and threshold is not None and value >= threshold:
        d.suggest_serious(
            f"涉及金额 {yuan(value)} 不低于 {yuan(threshold)}",
            f"the amount involved, {yuan(value)}, is at least {yuan(threshold)}",
        )


SANCTION = SanctionSchedule(
    text_zh="一经发现,立即作辞退处理并退还财物;情节严重者还将追究法律责任。",
    text_en=(
        "Dismissal on discovery, with restitution; serious cases are also referred for legal "
        "action."
    ),
    steps=(
        SanctionStep((OutcomeKind.DISMISSAL, OutcomeKind.RESTITUTION)),
        SanctionStep(
            (OutcomeKind.DISMISSAL, OutcomeKind.RESTITUTION, OutcomeKind.LEGAL_REFERRAL),
            severity=Severity.SERIOUS,
        ),
    ),
    handler=handle_sanction,
)


POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=13,
    title_zh="严禁索取财物与偷盗",
    title_en="No soliciting, no theft",
    text_zh=(
        "严禁向业主(住户)索取财物,严禁偷盗行为,如有违反者,一经发现,立即作辞退处理,"
        "情节严重者还将追究法律责任。"
    ),
    text_en=(
        "Soliciting money or goods from residents and theft are strictly forbidden. Anyone "
        "found doing either is dismissed at once; serious cases are also referred for legal "
        "action."
    ),
    evidence_kinds=(EvidenceKind.FEEDBACK, EvidenceKind.MANUAL),
    checklist=(),
    parameters=(
        Parameter(
            name="serious_amount_fen",
            default=100_000,
            unit="fen",
            description_zh="涉及金额达到此数时建议按情节严重处理",
            description_en="Amount involved from which the case is suggested as serious",
            minimum=0,
            maximum=100_000_000,
        ),
    ),
    detectors=(
        category_detector(
            key="solicitation_or_theft_reported",
            rule_code=CODE,
            categories=frozenset({FeedbackCategory.SOLICITATION, FeedbackCategory.THEFT}),
            description_zh="住户反映索取财物或偷盗",
            description_en="A resident reported soliciting money or goods, or theft",
            params=("serious_amount_fen",),
            severity=suggested_severity,
        ),
    ),
    sanction=SANCTION,
)
