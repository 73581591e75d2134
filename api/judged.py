"""What judging a record saved through the JSON API concluded, as part of its response."""

from pydantic import BaseModel

from compliance.context import Ctx
from compliance.flows.judge import judge_saved
from compliance.flows.judgments import RecordKind


class RuleVerdict(BaseModel):
    """One rule's conclusion on the saved record."""

    rule_code: str
    verdict: str  # finding_opened | finding_exists | no_breach | not_applicable | error
    detail_zh: str
    detail_en: str
    finding_id: int | None = None


class Judgment(BaseModel):
    """The rules the record feeds, judged in the same request (error: judging failed, the
    record is kept and the nightly run judges it again)."""

    outcomes: list[RuleVerdict]
    findings_opened: list[int]
    error: str = ""


def judge(ctx: Ctx, kind: RecordKind, record_id: int) -> Judgment:
    """Judge a record the route's use case has just committed."""
    result = judge_saved(ctx, kind, record_id)
    return Judgment(
        outcomes=[
            RuleVerdict(
                rule_code=o.rule_code,
                verdict=o.verdict.value,
                detail_zh=o.detail_zh,
                detail_en=o.detail_en,
                finding_id=o.finding_id,
            )
            for o in result.outcomes
        ],
        findings_opened=result.opened,
        error=result.error,
    )
