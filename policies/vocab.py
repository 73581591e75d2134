"""Words shared by the rulebook and the records: categories, channels, results."""

from enum import StrEnum


class FeedbackCategory(StrEnum):
    """What a resident's feedback is about."""

    PRAISE = "praise"
    ATTITUDE = "attitude"
    INCOMPETENT = "incompetent"
    TIP_REPORTED = "tip_reported"
    SOLICITATION = "solicitation"
    THEFT = "theft"
    PRIVACY = "privacy"
    FACILITY_USE = "facility_use"
    OUTSIDERS = "outsiders"
    DAMAGE = "damage"
    LINGERING = "lingering"
    # 第八条: 不得与业主(住户)有不正当关系
    IMPROPER_RELATIONSHIP = "improper_relationship"
    OTHER = "other"


class FeedbackChannel(StrEnum):
    """How the feedback reached the office."""

    PHONE = "phone"
    VISIT = "visit"
    RETURN_VISIT = "return_visit"
    WRITTEN = "written"


class Satisfaction(StrEnum):
    """A return-visit rating."""

    SATISFIED = "satisfied"
    BASIC = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


class ItemResult(StrEnum):
    """A spot-check checklist answer."""

    PASS = "pass"
    FAIL = "fail"
    NA = "na"


class EvidenceKind(StrEnum):
    """Kinds of record a decision can rely on."""

    INSPECTION = "inspection"
    SPOT_CHECK_ITEM = "spot_check_item"
    FEEDBACK = "feedback"
    ATTENDANCE = "attendance"
    ROSTER = "roster"
    VISIT = "visit"
    OVERTIME = "overtime"
    TIP_LINE = "tip_line"
    DAMAGE = "damage"
    # The service standards (policies.service): a work order, its steps, a call, a notice.
    SERVICE_ORDER = "service_order"
    SERVICE_EVENT = "service_event"
    SERVICE_CALL = "service_call"
    LOBBY_NOTICE = "lobby_notice"
    MANUAL = "manual"
