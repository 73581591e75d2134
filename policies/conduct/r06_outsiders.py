"""R06 — do not bring people unrelated to the work into a home."""

from policies.base import ChecklistItem, Policy
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.conduct.default_ladder import DEFAULT_LADDER
from policies.conduct.feedback import category_detector
from policies.vocab import EvidenceKind, FeedbackCategory

CODE = "R06"

POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=6,
    title_zh="不得带无关人员入户",
    title_en="No outsiders in a home",
    text_zh="对外服务人员不得将与工作无关人员带进业主(住户)家中。",
    text_en=(
        "Staff serving residents must not bring anyone unrelated to the work into a "
        "resident's home."
    ),
    evidence_kinds=(EvidenceKind.INSPECTION, EvidenceKind.SPOT_CHECK_ITEM, EvidenceKind.FEEDBACK),
    checklist=(
        ChecklistItem(
            key="no_outsiders",
            rule_code=CODE,
            label_zh="未将与工作无关人员带进业主家中",
            label_en="Brought no one unrelated to the work into the home",
        ),
    ),
    parameters=(),
    detectors=(
        category_detector(
            key="outsiders_reported",
            rule_code=CODE,
            categories=frozenset({FeedbackCategory.OUTSIDERS}),
            description_zh="住户反映员工带无关人员入户",
            description_en="A resident reported people unrelated to the work brought into the home",
        ),
    ),
    sanction=DEFAULT_LADDER,
)
