"""R07 — do not discuss residents' family affairs with others."""

from policies.base import ChecklistItem, Policy
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.conduct.default_ladder import DEFAULT_LADDER
from policies.conduct.feedback import category_detector
from policies.vocab import EvidenceKind, FeedbackCategory

CODE = "R07"

POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=7,
    title_zh="不得谈论业主家庭情况",
    title_en="Residents' privacy",
    text_zh="对外服务人员不得随意与他人谈论业主(住户)家庭情况。",
    text_en=(
        "Staff serving residents must not casually discuss a resident's family affairs with others."
    ),
    evidence_kinds=(EvidenceKind.INSPECTION, EvidenceKind.SPOT_CHECK_ITEM, EvidenceKind.FEEDBACK),
    checklist=(
        ChecklistItem(
            key="no_gossip",
            rule_code=CODE,
            label_zh="不议论业主家庭情况",
            label_en="Does not discuss residents' family affairs",
        ),
    ),
    parameters=(),
    detectors=(
        category_detector(
            key="privacy_reported",
            rule_code=CODE,
            categories=frozenset({FeedbackCategory.PRIVACY}),
            description_zh="住户反映员工与他人谈论其家庭情况",
            description_en="A resident reported their family affairs discussed with others",
        ),
    ),
    sanction=DEFAULT_LADDER,
)
