"""R03 — knock or ring before entering; each ring at most 2 minutes, 5 s between rings."""

from policies.base import Bound, ChecklistItem, ObservedValue, Parameter, Policy
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.conduct.default_ladder import DEFAULT_LADDER
from policies.vocab import EvidenceKind

CODE = "R03"

POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=3,
    title_zh="敲门与按铃",
    title_en="Knocking and ringing",
    text_zh=(
        "进入业主(住户)房间服务需先敲门或按门铃,敲门力度应适当,"
        "鸣铃时间每次不得超过2分钟,每按一次应有不少于5秒钟的间隔时间。"
    ),
    text_en=(
        "Before entering a resident's home to serve, staff knock or ring the doorbell. "
        "Knock with proper force; each ring lasts no more than 2 minutes, with at least "
        "5 seconds between rings."
    ),
    evidence_kinds=(EvidenceKind.INSPECTION, EvidenceKind.SPOT_CHECK_ITEM),
    checklist=(
        ChecklistItem(
            key="knock_before_entry",
            rule_code=CODE,
            label_zh="入户前先敲门或按门铃,敲门力度适当",
            label_en="Knocked or rang before entering, with proper force",
        ),
        ChecklistItem(
            key="ring_duration",
            rule_code=CODE,
            label_zh="每次按铃时长符合规定",
            label_en="Each ring within the time allowed",
            observed=ObservedValue(
                name="ring_seconds",
                unit="s",
                label_zh="按铃时长(秒)",
                label_en="Ring length (s)",
                limit_param="max_ring_seconds",
                bound=Bound.MAX,
                breach_zh="门铃每次鸣响 {observed} 秒,超过规定的 {limit} 秒",
                breach_en="Rang for {observed} s, more than the {limit} s allowed",
                pass_zh="门铃每次鸣响 {observed} 秒,未超过规定的 {limit} 秒",
                pass_en="Rang for {observed} s, within the {limit} s allowed",
            ),
        ),
        ChecklistItem(
            key="ring_interval",
            rule_code=CODE,
            label_zh="两次按铃间隔符合规定",
            label_en="Long enough gap between rings",
            observed=ObservedValue(
                name="gap_seconds",
                unit="s",
                label_zh="按铃间隔(秒)",
                label_en="Gap between rings (s)",
                limit_param="min_ring_gap_seconds",
                bound=Bound.MIN,
                breach_zh="两次按铃间隔 {observed} 秒,少于规定的 {limit} 秒",
                breach_en="Waited {observed} s between rings, less than the {limit} s required",
                pass_zh="两次按铃间隔 {observed} 秒,不少于规定的 {limit} 秒",
                pass_en="Waited {observed} s between rings, at least the {limit} s required",
            ),
        ),
    ),
    parameters=(
        Parameter(
            name="max_ring_seconds",
            default=120,
            unit="s",
            description_zh="每次鸣铃的最长时间",
            description_en="Longest a single ring may last",
            minimum=1,
            maximum=600,
        ),
        Parameter(
            name="min_ring_gap_seconds",
            default=5,
            unit="s",
            description_zh="两次按铃之间的最短间隔",
            description_en="Shortest gap allowed between two rings",
            minimum=0,
            maximum=120,
        ),
    ),
    detectors=(),
    sanction=DEFAULT_LADDER,
)
