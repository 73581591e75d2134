"""The service standards (第2篇 某小区管理处服务工作内容), declared as data beside the conduct
rules and versioned like them: a standard's code never changes meaning; a change of target is
a new version, and `digest()` changes with it.

Per-subject clocks (kind "clock") are evaluated per call, work order, emergency or notice by
`policies.service.clocks`; office figures (kind "office_figure") are monthly or quarterly
ratios shown on the dashboard and in the report, never findings against a person.
"""

from dataclasses import dataclass
from datetime import date

from policies.canonical import digest as _digest

# Version 1: the rulebook as published (same dates as the conduct rules).
EFFECTIVE_FROM = date(2024, 1, 1)

# A call system that gives only the seconds to answer: one ring is about this many seconds
# (the office may configure it); ≤ 3 rings ≈ ≤ 15 s by default.
SECONDS_PER_RING_DEFAULT = 5

# Satisfaction degree (S13): the score of each rating 5, 4, 3, 2, 1 (0–100), configurable and
# stored with each report.
SATISFACTION_WEIGHTS_DEFAULT: tuple[int, int, int, int, int] = (100, 80, 60, 30, 0)

# A rating at or above this counts as satisfied (S12).
SATISFIED_MIN_RATING = 4


@dataclass(frozen=True)
class Standard:
    """One service standard: what it measures, its target and the unit of the target."""

    code: str  # "S01" … "S15"
    version: int
    title: str  # msgid-like English; the UI translates it
    article: str  # where it is in the rulebook, e.g. "第2篇 2、(2)"
    text_zh: str  # the rulebook's sentence
    rule_code: str  # the conduct rule a breach falls under ("R04")
    kind: str  # "clock" | "office_figure"
    target: int
    # "minutes" | "rings" | "working_days_end" | "days" | "households" | "per_mille" | "score"
    unit: str
    # S04: the target for important (and major) written complaints, in the same unit.
    target_important: int | None = None
    effective_from: date = EFFECTIVE_FROM

    @property
    def is_clock(self) -> bool:
        return self.kind == "clock"


def _s(
    code: str,
    title: str,
    article: str,
    text_zh: str,
    kind: str,
    target: int,
    unit: str,
    *,
    target_important: int | None = None,
) -> Standard:
    return Standard(
        code=code,
        version=1,
        title=title,
        article=article,
        text_zh=text_zh,
        rule_code="R04",
        kind=kind,
        target=target,
        unit=unit,
        target_important=target_important,
    )


STANDARDS: tuple[Standard, ...] = (
    _s(
        "S01",
        "Calls answered within 3 rings",
        "第2篇 1、",
        "要求所有来电不得超过三声必须接听",
        "clock",
        3,
        "rings",
    ),
    _s(
        "S02",
        "Complaint assigned to a manager within 10 minutes",
        "第2篇 2、",
        "对于业主的投诉,管理规定不分有效或无效,一律在10分钟内安排管理员进行处理",
        "clock",
        10,
        "minutes",
    ),
    _s(
        "S03",
        "Work order answered the same working day",
        "第2篇 1、(3)",
        "凡业主/住户的投诉、报修、家政服务必须按照公司规定开出《服务工作单》交由相关部门处理,"
        "且工作单必须当日回复。",
        "clock",
        0,
        "working_days_end",
    ),
    _s(
        "S04",
        (
            "Written complaint answered the same day; important ones within 2 working days "
            "by the office head"
        ),
        "第2篇 2、(2)",
        "安排管理员于当日将处理结果回复业主/住户,对于重要的投诉管理处负责人亲自出面协调处理,"
        "并在二个工作日答复业主/住户处理结果。",
        "clock",
        0,
        "working_days_end",
        target_important=2,
    ),
    _s(
        "S05",
        "Attitude complaint answered the same day with a rectification deadline and a penalty",
        "第2篇 2、(3)",
        "管理处负责人于当日将结果回复给业主/住户,并对工作人员做出限期整改措施及相应处罚。",
        "clock",
        0,
        "working_days_end",
    ),
    _s(
        "S06",
        "Repair and housekeeping done the same day",
        "第2篇 3、",
        "管理处前台接到业主/住户报修或家政服务时,应开出《服务工作单》给维修班长或清洁班长,"
        "限定在当日完成",
        "clock",
        0,
        "working_days_end",
    ),
    _s(
        "S07",
        "Follow-up with the resident within 3 days of handling",
        "第2篇 2、",
        "处理完毕后三天内必须对业主进行进一步跟踪、沟通",
        "clock",
        3,
        "days",
    ),
    _s(
        "S08",
        "Long-running complaint: the resident contacted every week until solved",
        "第2篇 2、(4)",
        "接待员须做到每星期向业主/住户沟通一次跟进处理情况直到问题解决为止。",
        "clock",
        7,
        "days",
    ),
    _s(
        "S09",
        "Emergency: duty staff on site within 5 minutes",
        "第2篇 2、(1)",
        "相关人员必须在5分钟内赶到现场采取紧急措施处理",
        "clock",
        5,
        "minutes",
    ),
    _s(
        "S10",
        "Lobby notice posted within a week",
        "第2篇 4、(4)",
        "对大部分业主/住户提出的相同的问题,管理处必须于一周内以书面通知的形式张贴在大堂公告栏处回复业主",
        "clock",
        7,
        "days",
    ),
    _s(
        "S11",
        "At least 20 households revisited a month",
        "第2篇 4、",
        "管理处规定每月通过电话、上门等形式了解业主/住户对小区管理工作满意情况,不得少于20户回访工作",
        "office_figure",
        20,
        "households",
    ),
    _s(
        "S12",
        "Satisfaction rate at least 96%",
        "第2篇 4、",
        "业主/住户满意率为96%以上",
        "office_figure",
        960,
        "per_mille",
    ),
    _s(
        "S13",
        "Satisfaction degree at least 75",
        "第2篇 4、",
        "满意度为75%以上",
        "office_figure",
        75,
        "score",
    ),
    _s(
        "S14",
        "Every complaint revisited; major ones by the office head",
        "第2篇 4、",
        "管理处负责人负责重大投诉回访工作,且投诉回访率达到100%。",
        "clock",
        1000,
        "per_mille",
    ),
    _s(
        "S15",
        "Fee collection at least 99% of the quarter's receivables",
        "第2篇 6、",
        "力争保持每季度99%以上收费率。",
        "office_figure",
        990,
        "per_mille",
    ),
)

_BY_CODE = {s.code: s for s in STANDARDS}
if len(_BY_CODE) != len(STANDARDS):
    raise RuntimeError("standard codes must be unique")


def standard(code: str) -> Standard:
    """The standard with this code, e.g. 'S03'; KeyError if there is none."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"no service standard {code!r} (known: {', '.join(_BY_CODE)})") from None


def digest() -> str:
    """SHA-256 over every standard (code, version, texts, targets) and the default weights."""
    return _digest(
        {
            "standards": list(STANDARDS),
            "seconds_per_ring": SECONDS_PER_RING_DEFAULT,
            "satisfaction_weights": SATISFACTION_WEIGHTS_DEFAULT,
            "satisfied_min_rating": SATISFIED_MIN_RATING,
        }
    )


__all__ = [
    "EFFECTIVE_FROM",
    "SATISFACTION_WEIGHTS_DEFAULT",
    "SATISFIED_MIN_RATING",
    "SECONDS_PER_RING_DEFAULT",
    "STANDARDS",
    "Standard",
    "digest",
    "standard",
]
