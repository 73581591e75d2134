"""The home page's to-do centre (issue 14, item 1): per role, the lines with their counts and
links, over seeded data, office by office; and the page shows them."""

import re
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from api.read_models.todo import TodoLine, todo
from compliance.cases.models import Approval, CaseStatus, Proposal
from compliance.context import Ctx
from compliance.flows import open_case as opening
from compliance.inspections.models import SpotCheck
from compliance.overtime.models import OvertimeRequest
from compliance.staff.models import StaffStatus
from tests import factories
from tests.compliance.cases.helpers import act, confirmed, drive, finding, row
from tests.conftest import NOW

S = CaseStatus


def _lines(ctx: Ctx, office: factories.OfficeSet, who: str) -> dict[str, TodoLine]:
    return {line.key: line for line in todo(act(ctx, office, who))}


def _shown(html: str) -> dict[str, tuple[int, str]]:
    """The to-do lines of the home page: key → (count, link)."""
    return {
        key: (int(count), href)
        for key, href, count in re.findall(
            r'<li id="todo-([a-z_]+)">\s*<a href="([^"]+)" data-count="(\d+)"', html
        )
    }


def _other_office(session: Session) -> factories.OfficeSet:
    """A second office with the same kinds of work waiting: none of it may be counted."""
    return factories.office_set(session, code="OTH", n_staff=2, n_units=1)


def test_the_managers_lines_count_open_findings_and_staff_not_yet_checked(
    ctx: Ctx, office: factories.OfficeSet, session: Session, browser
) -> None:
    other = _other_office(session)
    for staff in (0, 1, 2):
        finding(ctx, office, staff=staff, rule="R05")
    confirmed(ctx, office, staff=0, rule="R06")  # triaged: no longer waits
    finding(act(ctx, other, "manager"), other, staff=0)  # another office's
    # staff[0] was checked this month, staff[1] only last month; staff[2] has left.
    today = date(2026, 3, 31)
    for staff, day in ((0, today), (1, date(2026, 2, 27))):
        session.add(
            SpotCheck(
                office_id=office.office.id or 0,
                staff_id=office.staff[staff].id or 0,
                inspector_id=office.users["manager"].id or 0,
                area="大堂",
                checked_at=NOW - timedelta(days=(today - day).days),
                work_date=day,
                created_at=NOW,
            )
        )
    office.staff[2].status = StaffStatus.LEFT
    session.flush()

    lines = _lines(ctx, office, "manager")
    # a manager has no case queue of theirs (service_due: the service clocks, tested on its own)
    assert list(lines) == ["findings", "spot_checks", "service_due"]
    assert (lines["findings"].count, lines["findings"].href) == (3, "/findings")
    assert (lines["spot_checks"].count, lines["spot_checks"].href) == (1, "/spot-checks/new")

    page = browser("manager").client.get("/").text
    assert _shown(page) == {
        "findings": (3, "/findings"),
        "spot_checks": (1, "/spot-checks/new"),
        "service_due": (0, "/service/orders"),
    }
    assert 'id="todo-total">4<' in page


def _hr_office(ctx: Ctx, office: factories.OfficeSet, session: Session) -> dict[str, int]:
    """One or two cases in each state HR works on, each on its own rule."""
    ids = {
        "open": drive(ctx, office, S.OPEN, rule="R04"),
        "late": drive(ctx, office, S.AWAITING_STATEMENT, rule="R05"),
        "waiting": drive(ctx, office, S.AWAITING_STATEMENT, rule="R06"),
        "review1": drive(ctx, office, S.UNDER_REVIEW, rule="R07"),
        "review2": drive(ctx, office, S.UNDER_REVIEW, rule="R10"),
        "proposed": drive(ctx, office, S.DECISION_PROPOSED, rule="R11"),
        "hr_signed": drive(ctx, office, S.DECISION_PROPOSED, rule="R03"),
        "approved": drive(ctx, office, S.APPROVED, rule="R01"),
        "appealed": drive(ctx, office, S.APPEALED, rule="R02"),
        "final": drive(ctx, office, S.FINAL, rule="R08"),
    }
    # The late one's deadline was yesterday (office days); the other's is still ahead.
    row(ctx, ids["late"]).statement_due = date(2026, 3, 30)
    assert (row(ctx, ids["waiting"]).statement_due or date.min) >= date(2026, 3, 31)
    # The first (HR) approval of a dismissal is in: HR has nothing left to give there. (Given
    # by the second HR reviewer: "hr" made every proposal and approves none of them.)
    proposal = session.execute(
        select(Proposal).where(col(Proposal.case_id) == ids["hr_signed"])
    ).scalar_one()
    session.add(
        Approval(
            case_id=ids["hr_signed"],
            proposal_id=proposal.id or 0,
            approver_id=office.users["hr2"].id or 0,
            capacity="hr",
            approved_at=NOW,
        )
    )
    session.flush()
    return ids


def test_hrs_lines_count_each_step_waiting_on_hr(
    ctx: Ctx, office: factories.OfficeSet, session: Session, browser
) -> None:
    ids = _hr_office(ctx, office, session)
    other = _other_office(session)
    drive(ctx, other, S.UNDER_REVIEW)  # another office's case
    # An approval lapses when evidence is added: the approved case waits on approval again.
    relapsed = drive(ctx, office, S.APPROVED, rule="R09")
    extra = confirmed(ctx, office, rule="R09")
    opening.add_evidence(act(ctx, office, "hr"), relapsed, extra)
    assert row(ctx, relapsed).status == S.DECISION_PROPOSED

    lines = _lines(ctx, office, "hr")
    got = {k: (v.count, v.href) for k, v in lines.items()}
    assert got == {
        "findings": (0, "/findings"),
        "statements_to_request": (1, f"/cases/{ids['open']}"),
        "statements_overdue": (1, f"/cases/{ids['late']}"),
        "proposals": (2, "/cases?status=under_review"),
        "amend": (0, "/cases?status=decision_proposed"),
        # "hr" made both proposals waiting on an HR approval: neither waits on them.
        "approvals": (0, "/cases?status=decision_proposed"),
        "appeals": (1, f"/cases/{ids['appealed']}"),
        "notices_to_serve": (1, f"/cases/{ids['approved']}"),
        "executions": (1, f"/cases/{ids['final']}"),
    }
    assert lines["statements_overdue"].overdue and lines["statements_overdue"].due == date(
        2026, 3, 30
    )
    page = browser("hr").client.get("/").text
    assert _shown(page) == got
    assert "截止 2026-03-30，已逾期" in page
    # The second HR reviewer has the same queue, and the two approvals to give.
    second = {k: (v.count, v.href) for k, v in _lines(ctx, office, "hr2").items()}
    assert second == got | {"approvals": (2, "/cases?status=decision_proposed")}  # + relapsed
    assert _shown(browser("hr2").client.get("/").text) == second


def test_the_directors_lines_are_approvals_appeals_and_overtime(
    ctx: Ctx, office: factories.OfficeSet, session: Session, browser
) -> None:
    ids = _hr_office(ctx, office, session)
    for decision in ("pending", "pending", "approved"):
        session.add(
            OvertimeRequest(
                office_id=office.office.id or 0,
                staff_id=office.staff[0].id or 0,
                unit_id=office.units[0].id or 0,
                requested_at=NOW,
                decision=decision,
                created_at=NOW,
            )
        )
    session.flush()
    lines = _lines(ctx, office, "director")
    got = {k: (v.count, v.href) for k, v in lines.items()}
    # The director, a manager, keeps the manager's lines; HR's first approval of the
    # dismissal leaves the director's to give: both proposals wait on them.
    assert got == {
        "findings": (0, "/findings"),
        "spot_checks": (3, "/spot-checks/new"),
        "overtime": (2, "/overtime"),
        "approvals": (2, "/cases?status=decision_proposed"),
        "appeals": (1, f"/cases/{ids['appealed']}"),
        "service_due": (0, "/service/orders"),
    }
    assert _shown(browser("director").client.get("/").text) == got


def test_a_staff_members_lines_are_their_own_statement_and_notices(
    ctx: Ctx, office: factories.OfficeSet, session: Session, browser
) -> None:
    mine = drive(ctx, office, S.AWAITING_STATEMENT, rule="R05")
    served = drive(ctx, office, S.NOTIFIED, rule="R06", served=False)
    signed = drive(ctx, office, S.NOTIFIED, rule="R07")  # signed for: nothing to do
    drive(ctx, office, S.AWAITING_STATEMENT, rule="R05", staff=1)  # a colleague's
    due = row(ctx, mine).statement_due
    assert due is not None and row(ctx, signed).status == S.NOTIFIED

    lines = _lines(ctx, office, "staff")
    got = {k: (v.count, v.href) for k, v in lines.items()}
    assert got == {
        "statement": (1, f"/me/cases/{mine}"),
        "notices_to_sign": (1, f"/me/cases/{served}"),
        "service_due": (0, "/service/my"),
    }
    assert lines["statement"].due == due and not lines["statement"].overdue

    page = browser("staff").client.get("/").text
    assert _shown(page) == got
    assert f"截止 {due.isoformat()}" in page
    # The greeting names the staff member, not the user name.
    assert "您好，李明" in page

    # A second statement to write: the line leads to the list, with the earliest deadline.
    drive(ctx, office, S.AWAITING_STATEMENT, rule="R12")
    second = _lines(ctx, office, "staff")["statement"]
    assert (second.count, second.href, second.due) == (2, "/me", due)


def test_no_lines_for_a_role_without_a_queue(ctx: Ctx, office: factories.OfficeSet) -> None:
    assert todo(act(ctx, office, "cashier")) == []
    assert todo(act(ctx, office, "admin")) == []


def test_a_proposal_sent_back_waits_on_hr_not_on_the_approvers(
    ctx: Ctx, office: factories.OfficeSet, session: Session
) -> None:
    from compliance.cases import review

    waiting = drive(ctx, office, S.DECISION_PROPOSED)
    sent_back = drive(ctx, office, S.DECISION_PROPOSED, rule="R09")
    review.send_back(act(ctx, office, "director"), sent_back, "请改为书面警告并说明理由")
    assert row(ctx, sent_back).status == S.DECISION_PROPOSED

    hr = _lines(ctx, office, "hr")
    assert (hr["amend"].count, hr["amend"].href) == (1, f"/cases/{sent_back}")
    assert hr["approvals"].count == 0  # "hr" proposed both
    hr2 = _lines(ctx, office, "hr2")
    assert (hr2["approvals"].count, hr2["approvals"].href) == (1, f"/cases/{waiting}")
    director = _lines(ctx, office, "director")
    assert (director["approvals"].count, director["approvals"].href) == (1, f"/cases/{waiting}")


def test_the_proposers_own_revision_is_no_approval_waiting_on_them(
    ctx: Ctx, office: factories.OfficeSet, session: Session, browser
) -> None:
    from compliance.cases import decision

    case_id = drive(ctx, office, S.DECISION_PROPOSED)  # revision 1, made by "hr"
    mine, others = _lines(ctx, office, "hr"), _lines(ctx, office, "hr2")
    assert mine["approvals"].count == 0
    assert (others["approvals"].count, others["approvals"].href) == (1, f"/cases/{case_id}")
    assert _lines(ctx, office, "director")["approvals"].count == 1
    assert _shown(browser("hr").client.get("/").text)["approvals"][0] == 0
    # The second HR reviewer amends it: revision 2 is theirs, and waits on "hr" instead.
    decision.amend(act(ctx, office, "hr2"), case_id, [{"kind": "verbal_warning"}], "初犯从轻")
    mine, others = _lines(ctx, office, "hr"), _lines(ctx, office, "hr2")
    assert (mine["approvals"].count, mine["approvals"].href) == (1, f"/cases/{case_id}")
    assert others["approvals"].count == 0
    assert _lines(ctx, office, "director")["approvals"].count == 1
