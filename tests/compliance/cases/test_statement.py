"""The statement step (申辩): deadline in working days, statement, refusal, silence."""

from datetime import date, timedelta

import pytest

from compliance.cases import read
from compliance.cases import statement as case_statement
from compliance.cases.models import CaseStatus
from compliance.errors import InvalidTransition, ValidationFailed
from compliance.flows import propose as case_propose
from tests.compliance.cases.helpers import act, drive, row, step_count

S = CaseStatus


def _to_thursday(ctx):
    # The fixture clock stands on Tuesday 2026-03-31, noon in Shanghai.
    ctx.clock.advance(timedelta(days=2))
    assert ctx.clock.now().date() == date(2026, 4, 2)


def test_request_before_qingming_skips_the_holiday(ctx, office):
    # Thursday 2026-04-02: Friday 04-03 is the 1st working day; 04-04..06 are 清明 (State
    # Council notice for 2026); Tuesday 04-07 is the 2nd, Wednesday 04-08 the 3rd.
    case_id = drive(ctx, office, S.OPEN)
    _to_thursday(ctx)
    out = case_statement.request_statement(act(ctx, office, "hr"), case_id)
    assert out.statement_due == date(2026, 4, 8) and out.status == "awaiting_statement"


def test_the_deadline_uses_the_office_date_not_utc(ctx, office):
    case_id = drive(ctx, office, S.OPEN)
    # 2026-04-02 17:00 UTC is already Friday 01:00 in Shanghai: due Thursday 04-09 (the
    # 3rd working day after 清明), not Wednesday.
    ctx.clock.advance(timedelta(days=2, hours=13))
    out = case_statement.request_statement(act(ctx, office, "hr"), case_id)
    assert out.statement_due == date(2026, 4, 9)


def test_hr_may_set_a_later_due_date_but_not_a_past_one(ctx, office):
    case_id = drive(ctx, office, S.OPEN)
    with pytest.raises(ValidationFailed, match="due"):
        case_statement.request_statement(act(ctx, office, "hr"), case_id, date(2026, 3, 30))
    assert row(ctx, case_id).status == "open"
    out = case_statement.request_statement(act(ctx, office, "hr"), case_id, date(2026, 4, 10))
    assert out.statement_due == date(2026, 4, 10)


def test_silence_only_after_the_deadline(ctx, office):
    case_id = drive(ctx, office, S.OPEN)
    _to_thursday(ctx)
    case_statement.request_statement(act(ctx, office, "hr"), case_id)
    ctx.clock.advance(timedelta(days=6))  # Wednesday 2026-04-08, the last day to answer
    with pytest.raises(ValidationFailed) as err:
        case_statement.record_silence(act(ctx, office, "hr"), case_id)
    assert "2026-04-08" in str(err.value) and err.value.errors[0].field == "statement_due"
    assert row(ctx, case_id).status == "awaiting_statement"
    ctx.clock.advance(timedelta(days=1))
    out = case_statement.record_silence(act(ctx, office, "hr"), case_id)
    assert out.status == "under_review"
    detail = read.get_case(act(ctx, office, "hr"), case_id)
    assert detail.statement is not None and detail.statement.kind == "silent"


def test_the_staff_member_writes_their_own_statement(ctx, office):
    case_id = drive(ctx, office, S.AWAITING_STATEMENT)
    with pytest.raises(ValidationFailed, match="text"):
        case_statement.submit_statement(act(ctx, office, "staff"), case_id, "   ")
    case_statement.submit_statement(act(ctx, office, "staff"), case_id, "当时业主让我试一下电视")
    detail = read.get_case(act(ctx, office, "staff"), case_id)
    assert detail.statement.kind == "statement"
    assert detail.statement.recorded_by == office.users["staff"].id
    with pytest.raises(InvalidTransition):
        case_statement.submit_statement(act(ctx, office, "staff"), case_id, "补充")


def test_hr_records_a_paper_statement_or_a_refusal(ctx, office):
    paper = drive(ctx, office, S.AWAITING_STATEMENT, rule="R01")
    case_statement.submit_statement(act(ctx, office, "hr"), paper, "书面申辩已扫描存档")
    assert "HR" in read.get_case(act(ctx, office, "hr"), paper).steps[-1].note
    refused = drive(ctx, office, S.AWAITING_STATEMENT, rule="R05")
    case_statement.record_refusal(act(ctx, office, "hr"), refused, "当面拒绝申辩,两名同事在场")
    detail = read.get_case(act(ctx, office, "hr"), refused)
    assert detail.statement.kind == "refused" and "拒绝" in detail.statement.text


def test_no_proposal_without_the_statement_step(ctx, office):
    case_id = drive(ctx, office, S.AWAITING_STATEMENT)
    with pytest.raises(InvalidTransition, match="awaiting_statement"):
        case_propose.propose(act(ctx, office, "hr"), case_id, "standard", "x")
    assert step_count(ctx, case_id, "propose") == 0
