"""R05 — do not use residents' entertainment or household facilities."""

from policies.base import ChecklistItem, Policy
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.conduct.default_ladder import DEFAULT_LADDER
from policies.conduct.feedback import category_detector
from policies.vocab import EvidenceKind, FeedbackCategory

CODE = "R05"

POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=5,
    title_zh="不得使用业主设施",
    title_en="No use of residents' facilities",
    text_zh="对外服务人员不得借工作之便使用业主(住户)家的娱乐及生活设施。",
    text_en=(
        "Staff serving residents must not take advantage of their work to use the "
        "entertainment or household facilities in a resident's home."
    ),
    evidence_kinds=(EvidenceKind.INSPECTION, EvidenceKind.SPOT_CHECK_ITEM, EvidenceKind.FEEDBACK),
    checklist=(
        ChecklistItem(
            key="no_facility_use",
            rule_code=CODE,
            label_zh="未使用业主家的娱乐及生活设施",
            label_en="Did not use the resident's entertainment or household facilities",
        ),
    ),
    parameters=(),
    detectors=(
        category_detector(
            key="facility_use_reported",
            rule_code=CODE,
            categories=frozenset({FeedbackCategory.FACILITY_USE}),
            description_zh="住户反映员工使用其家中娱乐或生活设施",
            description_en="A resident reported use of their entertainment or household facilities",
        ),
    ),
    sanction=DEFAULT_LADDER,
)
