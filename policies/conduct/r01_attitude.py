"""R01 — follow the Employee Code of Conduct; serve with good spirit and attitude."""

from policies.base import ChecklistItem, Policy
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.conduct.default_ladder import DEFAULT_LADDER
from policies.conduct.feedback import category_detector
from policies.vocab import EvidenceKind, FeedbackCategory

CODE = "R01"

POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=1,
    title_zh="服务态度",
    title_en="Conduct and service attitude",
    text_zh=(
        "对外服务工作人员严格遵守《员工行为规范》,以良好的精神面貌和优异的服务态度对待服务工作。"
    ),
    text_en=(
        "Staff serving residents strictly follow the Employee Code of Conduct and approach "
        "their work with good spirit and an excellent service attitude."
    ),
    evidence_kinds=(EvidenceKind.INSPECTION, EvidenceKind.SPOT_CHECK_ITEM, EvidenceKind.FEEDBACK),
    checklist=(
        ChecklistItem(
            key="attitude",
            rule_code=CODE,
            label_zh="服务态度良好",
            label_en="Good bearing and service attitude",
        ),
    ),
    parameters=(),
    detectors=(
        category_detector(
            key="attitude_complaint",
            rule_code=CODE,
            categories=frozenset({FeedbackCategory.ATTITUDE}),
            description_zh="住户投诉服务态度",
            description_en="A resident complained about the service attitude",
        ),
    ),
    sanction=DEFAULT_LADDER,
)
