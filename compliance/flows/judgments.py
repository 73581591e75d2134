"""What judging a saved record concluded, rule by rule, in words; and reading a recorded
judgment back for the page a save redirects to (judging itself: judge.py)."""

import json
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlmodel import col

from compliance.context import Ctx
from compliance.errors import NotFound
from compliance.flows.models import Judgment
from policies import registry


class RecordKind(StrEnum):
    """The kinds of record that are judged when saved."""

    FEEDBACK = "feedback"
    SPOT_CHECK = "spot_check"
    VISIT = "visit"
    TIP = "tip"
    DAMAGE = "damage"


class Verdict(StrEnum):
    """What one rule concluded about a saved record."""

    FINDING_OPENED = "finding_opened"
    FINDING_EXISTS = "finding_exists"
    NO_BREACH = "no_breach"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


@dataclass(frozen=True)
class RuleOutcome:
    """One rule's conclusion on a saved record, explained in both languages."""

    rule_code: str
    verdict: Verdict
    detail_zh: str
    detail_en: str
    finding_id: int | None = None


@dataclass(frozen=True)
class JudgeResult:
    """What judging a saved record concluded, rule by rule."""

    record_kind: RecordKind
    record_id: int
    outcomes: tuple[RuleOutcome, ...]
    judgment_id: int | None = None
    error: str = ""

    @property
    def opened(self) -> list[int]:
        """Ids of the findings this judgment opened."""
        return [
            o.finding_id
            for o in self.outcomes
            if o.verdict is Verdict.FINDING_OPENED and o.finding_id is not None
        ]

    def lines(self, lang: str = "zh") -> list[str]:
        """The outcome in words, one line per rule (for the command line)."""
        zh = lang == "zh"
        if self.error:
            return [
                "记录已保存,但判定失败;夜间检查会再次判定。"
                if zh
                else "The record was saved, but judging it failed; the nightly run judges it again."
            ]
        if not self.outcomes:
            return [
                "此记录不涉及任何规则,无需判定。"
                if zh
                else "This record feeds no rule: nothing to judge."
            ]
        return [_line(o, zh) for o in self.outcomes]


_WORDS_ZH = {
    Verdict.FINDING_OPENED: "已生成线索 #{id}",
    Verdict.FINDING_EXISTS: "已有线索 #{id}",
    Verdict.NO_BREACH: "未违规",
    Verdict.NOT_APPLICABLE: "不适用",
    Verdict.ERROR: "无法判定,需人工核查",
}


_WORDS_EN = {
    Verdict.FINDING_OPENED: "finding #{id} opened",
    Verdict.FINDING_EXISTS: "finding #{id} already recorded",
    Verdict.NO_BREACH: "no breach",
    Verdict.NOT_APPLICABLE: "not applicable",
    Verdict.ERROR: "could not be judged, review by hand",
}


def _line(o: RuleOutcome, zh: bool) -> str:
    policy = registry.get(o.rule_code)
    words = (_WORDS_ZH if zh else _WORDS_EN)[o.verdict].format(id=o.finding_id)
    if zh:
        return f"{o.rule_code} {policy.title_zh}:{words} — {o.detail_zh}"
    return f"{o.rule_code} {policy.title_en}: {words} — {o.detail_en}"


def get_judgment(ctx: Ctx, judgment_id: int, kind: RecordKind) -> JudgeResult:
    """A recorded judgment of a record of this kind in the office, to show after the
    redirect that follows a save (each page asks only for its own kind)."""
    row = ctx.session.execute(
        select(Judgment).where(
            col(Judgment.id) == judgment_id,
            col(Judgment.office_id) == ctx.actor.office_id,
            col(Judgment.record_kind) == kind.value,
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"judgment {judgment_id} not found")
    outcomes = tuple(
        RuleOutcome(**{**o, "verdict": Verdict(o["verdict"])}) for o in json.loads(row.outcomes)
    )
    return JudgeResult(RecordKind(row.record_kind), row.record_id, outcomes, row.id, row.error)


def latest_judgment(ctx: Ctx, kind: RecordKind, record_id: int) -> JudgeResult | None:
    """The last judgment of a record of the office, if it was ever judged."""
    found = ctx.session.execute(
        select(col(Judgment.id))
        .where(
            col(Judgment.office_id) == ctx.actor.office_id,
            col(Judgment.record_kind) == kind.value,
            col(Judgment.record_id) == record_id,
        )
        .order_by(col(Judgment.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if found is None else get_judgment(ctx, found, kind)


def shown_judgment(
    ctx: Ctx, judgment_id: int, kind: RecordKind, record_id: int | None = None
) -> JudgeResult | None:
    """The judgment a page was sent back with after a save (`?judged=ID`), if it is one of
    this office's judgments of this kind (and record); else nothing is shown."""
    if judgment_id <= 0:
        return None
    try:
        found = get_judgment(ctx, judgment_id, kind)
    except NotFound:
        return None
    return found if record_id is None or found.record_id == record_id else None


def judged_query(result: JudgeResult) -> str:
    """The query string that sends a saved record's judgment to the page after the redirect."""
    return f"judged={result.judgment_id}" if result.judgment_id is not None else "judged=0"
