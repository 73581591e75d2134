"""Service of the decision notice (送达) and the appeal window counted from it.

Written from the law before the code:
- A decision binds the staff member only once it is served: they sign for the notice, or,
  when they refuse, the refusal is recorded with a witness, its time and place (留置送达,
  cf. 《民事诉讼法》第八十九条). A refusal nobody witnessed is not service.
- The appeal window is 7 days counted from the day after service (《民法典》第二百零一条); a
  last day that falls on a rest day or public holiday moves to the next working day
  (第二百零三条). The decision becomes final only after the window, or once an appeal is
  decided.
- A deadline in a year whose holidays are not entered is refused, never guessed.

The fixture clock stands at Tuesday 2026-03-31 12:00 in Shanghai (04:00 UTC).
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from compliance.audit.models import AuditEvent
from compliance.calendar import service as calendar
from compliance.calendar.service import CalendarNotCovered
from compliance.cases import appeal as case_appeal
from compliance.cases import notice as case_notice
from compliance.cases import read
from compliance.cases import statement as case_statement
from compliance.cases.models import CaseStatus, Notice
from compliance.errors import GuardrailViolation, ValidationFailed
from tests.compliance.cases.helpers import (
    WITNESS,
    act,
    drive,
    refuse_before_witness,
    row,
    step_count,
)
from tests.conftest import NOW

S = CaseStatus
DAY = timedelta(days=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(ctx, day: date, hour: int = 10, minute: int = 0) -> None:
    """Set the clock to a moment of an office-local day."""
    ctx.clock.current = datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _notice(ctx, case_id: int) -> Notice:
    found = ctx.session.execute(select(Notice).where(Notice.case_id == case_id)).scalar_one()
    ctx.session.refresh(found)
    return found


def test_finalize_is_refused_before_the_notice_is_served(ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED, served=False)
    ctx.clock.advance(30 * DAY)  # long past any window: still not final without service
    with pytest.raises(GuardrailViolation) as err:
        case_appeal.finalize(act(ctx, office, "hr"), case_id)
    assert "not been served" in str(err.value) and "留置送达" in err.value.text("zh")
    case = row(ctx, case_id)
    assert case.status == "notified" and case.service_completed_at is None
    assert "finalize" not in read.get_case(act(ctx, office, "hr"), case_id).allowed_actions


def test_handing_over_the_notice_opens_no_window(ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED, served=False)
    case = row(ctx, case_id)
    assert case.notified_at == NOW
    assert case.service_completed_at is None and case.appeal_deadline is None


def test_the_window_counts_from_the_day_the_staff_member_signs(ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED, served=False)  # handed over Tuesday 03-31
    _at(ctx, date(2026, 4, 8), 9)  # signed for on Wednesday 04-08, eight days later
    case_notice.acknowledge(act(ctx, office, "staff"), case_id)
    case = row(ctx, case_id)
    assert case.service_completed_at == datetime(2026, 4, 8, 1, tzinfo=UTC)
    assert case.appeal_deadline == date(2026, 4, 15)
    _at(ctx, date(2026, 4, 15), 23, 59)  # the last day of the window
    with pytest.raises(ValidationFailed, match="2026-04-15"):
        case_appeal.finalize(act(ctx, office, "hr"), case_id)
    _at(ctx, date(2026, 4, 16), 0, 0)
    assert case_appeal.finalize(act(ctx, office, "hr"), case_id).status == "final"


def test_an_appeal_counts_from_the_signature_not_from_the_notice(ctx, office):
    late = drive(ctx, office, S.NOTIFIED, served=False)
    _at(ctx, date(2026, 4, 8), 9)
    case_notice.acknowledge(act(ctx, office, "staff"), late)
    _at(ctx, date(2026, 4, 15), 23, 59)  # 15 days after the notice, 7 after the signature
    assert case_appeal.appeal(act(ctx, office, "staff"), late, "处理过重").status == "appealed"


def test_an_appeal_after_the_window_is_refused(ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED, served=False)
    _at(ctx, date(2026, 4, 8), 9)
    case_notice.acknowledge(act(ctx, office, "staff"), case_id)
    _at(ctx, date(2026, 4, 16), 0, 0)  # midnight after the last day, office time
    with pytest.raises(ValidationFailed, match="2026-04-15"):
        case_appeal.appeal(act(ctx, office, "staff"), case_id, "处理过重")
    assert row(ctx, case_id).status == "notified"


def test_a_refusal_recorded_before_a_witness_serves_the_notice(ctx, office):
    case_id = drive(ctx, office, S.NOTIFIED, served=False)
    ctx.clock.advance(DAY)  # recorded Wednesday 04-01 12:00 ...
    refused_at = datetime(2026, 4, 1, 9, 30, tzinfo=SHANGHAI)  # ... of a refusal at 09:30
    before = step_count(ctx, case_id)
    case_notice.record_ack_refusal(
        act(ctx, office, "hr"),
        case_id,
        "保安 李见证、主管 王五",
        at=refused_at,
        place="管理处办公室",
        note="当面宣读后拒绝签字,通知书留置于其工位",
    )
    case = row(ctx, case_id)
    assert case.service_completed_at == refused_at.astimezone(UTC)
    assert case.appeal_deadline == date(2026, 4, 8)
    notice = _notice(ctx, case_id)
    assert notice.ack_kind == "refused_to_sign"
    assert notice.witnesses == "保安 李见证、主管 王五"
    assert notice.service_place == "管理处办公室" and "留置" in notice.service_note
    assert notice.ack_recorded_by == office.users["hr"].id
    assert notice.ack_recorded_at == ctx.clock.now()
    assert step_count(ctx, case_id) == before + 1
    event = ctx.session.execute(
        select(AuditEvent).where(AuditEvent.action == "case.record_ack_refusal")
    ).scalar_one()
    assert "李见证" in event.payload and "管理处办公室" in event.payload
    _at(ctx, date(2026, 4, 8), 18)
    with pytest.raises(ValidationFailed, match="2026-04-08"):
        case_appeal.finalize(act(ctx, office, "hr"), case_id)
    _at(ctx, date(2026, 4, 9), 9)
    assert case_appeal.finalize(act(ctx, office, "hr"), case_id).status == "final"


@pytest.mark.parametrize(
    ("witnesses", "at", "field"),
    [
        (None, None, "witnesses"),
        ([], None, "witnesses"),
        (["   "], None, "witnesses"),
        ("、 ,", None, "witnesses"),
        ("STAFF", None, "witnesses"),  # the staff member cannot witness their own refusal
        ([WITNESS], NOW + timedelta(hours=1), "at"),  # not yet happened
        ([WITNESS], NOW - timedelta(minutes=1), "at"),  # before the notice was handed over
    ],
)
def test_a_refusal_without_a_witness_is_not_service(ctx, office, witnesses, at, field):
    case_id = drive(ctx, office, S.NOTIFIED, served=False)
    if witnesses == "STAFF":
        witnesses = [office.staff[0].name]
    version, steps = row(ctx, case_id).version, step_count(ctx, case_id)
    with pytest.raises(ValidationFailed) as err:
        case_notice.record_ack_refusal(act(ctx, office, "hr"), case_id, witnesses, at=at)
    assert err.value.errors[0].field == field
    case = row(ctx, case_id)
    assert (case.version, case.service_completed_at) == (version, None)
    assert step_count(ctx, case_id) == steps
    assert _notice(ctx, case_id).ack_kind is None
    ctx.clock.advance(30 * DAY)
    with pytest.raises(GuardrailViolation):
        case_appeal.finalize(act(ctx, office, "hr"), case_id)


def test_an_appeal_decided_becomes_final_only_once_served(ctx, office):
    case_id = drive(ctx, office, S.APPEAL_DECIDED, served=False)  # appealed before signing
    with pytest.raises(GuardrailViolation, match="not been served"):
        case_appeal.finalize(act(ctx, office, "hr"), case_id)
    refuse_before_witness(ctx, office, case_id)
    assert case_appeal.finalize(act(ctx, office, "hr"), case_id).status == "final"


def test_a_window_ending_in_national_day_runs_to_the_next_working_day(ctx, office):
    # Served Monday 2026-09-28: seven days later is 10-05, inside 国庆 (10-01..07), so the
    # window stays open until Thursday 10-08, the first working day after the holiday.
    _at(ctx, date(2026, 9, 28), 10)
    case_id = drive(ctx, office, S.NOTIFIED)
    assert row(ctx, case_id).appeal_deadline == date(2026, 10, 8)
    appealed = drive(ctx, office, S.NOTIFIED, rule="R01")
    _at(ctx, date(2026, 10, 8), 23, 30)
    assert case_appeal.appeal(act(ctx, office, "staff"), appealed, "不服").status == "appealed"
    with pytest.raises(ValidationFailed, match="2026-10-08"):
        case_appeal.finalize(act(ctx, office, "hr"), case_id)
    _at(ctx, date(2026, 10, 9), 9)
    assert case_appeal.finalize(act(ctx, office, "hr"), case_id).status == "final"


def test_a_statement_requested_before_national_day_counts_the_make_up_saturday(ctx, office):
    # Wednesday 2026-09-30: 10-01..07 are off; Thursday 10-08 and Friday 10-09 are the 1st
    # and 2nd working days; Saturday 10-10 is a 调休 working day, the 3rd.
    _at(ctx, date(2026, 9, 30), 15)
    case_id = drive(ctx, office, S.OPEN)
    assert case_statement.request_statement(act(ctx, office, "hr"), case_id).statement_due == date(
        2026, 10, 10
    )


def test_a_deadline_in_an_unentered_year_is_refused_until_an_admin_enters_it(ctx, office):
    # Served Monday 2026-12-28: the window ends in 2027, which chinesecalendar does not hold.
    _at(ctx, date(2026, 12, 28), 10)
    case_id = drive(ctx, office, S.NOTIFIED)
    case = row(ctx, case_id)
    assert case.service_completed_at is not None and case.appeal_deadline is None
    assert "not counted yet" in read.get_case(act(ctx, office, "hr"), case_id).steps[-1].note
    _at(ctx, date(2027, 1, 4), 20)  # within 7 days of service: an appeal is surely in time
    other = drive(ctx, office, S.OPEN, rule="R01")
    with pytest.raises(CalendarNotCovered) as err:  # and no statement deadline is guessed
        case_statement.request_statement(act(ctx, office, "hr"), other)
    assert "2027 年的节假日安排尚未录入" in err.value.text("zh")
    assert "compliance calendar set 2027-" in err.value.text("zh")
    assert row(ctx, other).status == "open"
    _at(ctx, date(2027, 1, 11), 10)
    with pytest.raises(CalendarNotCovered):
        case_appeal.finalize(act(ctx, office, "hr"), case_id)
    assert row(ctx, case_id).status == "notified"
    admin = act(ctx, office, "admin")
    calendar.set_day(admin, date(2027, 1, 1), "holiday", "元旦")
    calendar.confirm_year(admin, 2027, "国办发明电〔2026〕示例号")
    assert case_appeal.finalize(act(ctx, office, "hr"), case_id).status == "final"
    assert row(ctx, case_id).appeal_deadline == date(2027, 1, 4)


def test_a_refusal_recorded_without_a_witness_before_the_rule_can_be_recorded_again(ctx, office):
    # Before this rule a refusal was recorded with no witness: the notice was never served.
    case_id = drive(ctx, office, S.NOTIFIED, served=False)
    notice = _notice(ctx, case_id)
    notice.ack_kind, notice.acknowledged_at = "refused_to_sign", NOW
    ctx.session.add(notice)
    ctx.session.commit()
    assert "record_ack_refusal" in read.get_case(act(ctx, office, "hr"), case_id).allowed_actions
    refuse_before_witness(ctx, office, case_id)
    case = row(ctx, case_id)
    assert case.service_completed_at == NOW and case.appeal_deadline == date(2026, 4, 7)
    assert _notice(ctx, case_id).witnesses == WITNESS
