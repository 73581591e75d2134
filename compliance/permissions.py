"""Who may do what: every permission and the roles that hold it, declared once (SPEC §9).

Route dependencies (`api.deps.require`), the menu, the services' checks (`Ctx.require`) and
the case life cycle's capacities all read `GRANTS`. Rules about persons rather than roles
(nobody handles their own case, the same person may not propose and approve) stay with the
use cases that apply them.

The office director is a manager with is_director set: a grant to "manager" covers the
director too, a grant to "director" only the director.
"""

from collections.abc import Mapping
from enum import StrEnum

from compliance.actors import Actor, Role
from compliance.errors import Forbidden
from compliance.i18n import N_

DIRECTOR = "director"


class Permission(StrEnum):
    """Something a role may do. Case steps carry their action's name (cases/lifecycle.py)."""

    # Everyone signed in: their own account, the rulebook, the tip ledger, the unit list
    USE_APP = "use_app"
    # Administration
    ADMINISTER = "administer"  # rule parameters, calendar, minimum wages, audit chain
    MANAGE_USERS = "manage_users"
    # Staff and residents
    LIST_STAFF = "list_staff"
    FIND_STAFF = "find_staff"
    MANAGE_STAFF = "manage_staff"
    VIEW_WAGES = "view_wages"
    RECORD_RULEBOOK_ACK = "record_rulebook_ack"
    MANAGE_RESIDENTS = "manage_residents"
    LIST_RESIDENTS = "list_residents"
    SEE_RESIDENT_CONTACTS = "see_resident_contacts"
    # Records a manager keeps
    RECORD_ATTENDANCE = "record_attendance"
    MANAGE_VISITS = "manage_visits"
    VIEW_VISITS = "view_visits"
    RECORD_SPOT_CHECK = "record_spot_check"
    VIEW_SPOT_CHECKS = "view_spot_checks"
    RECORD_FEEDBACK = "record_feedback"
    VIEW_RECORDS = "view_records"  # the feedback, damage and overtime pages
    RECORD_DAMAGE = "record_damage"
    VALUE_DAMAGE = "value_damage"
    VIEW_DAMAGE = "view_damage"
    LIST_DAMAGES = "list_damages"
    UPLOAD_FILES = "upload_files"
    VIEW_FILES = "view_files"
    REQUEST_OVERTIME = "request_overtime"
    ENTER_OVERTIME = "enter_overtime"  # the overtime page's form, for a staff member
    DECIDE_OVERTIME = "decide_overtime"
    LIST_OVERTIME = "list_overtime"
    # Tips
    DECLARE_TIP = "declare_tip"
    KEEP_TIP_DESK = "keep_tip_desk"
    VIEW_TIP_DESK = "view_tip_desk"
    # Findings
    TRIAGE_FINDINGS = "triage_findings"
    RUN_DETECTION = "run_detection"
    VIEW_OWN_RECORD = "view_own_record"
    VIEW_DASHBOARD = "view_dashboard"
    # Cases
    READ_CASES = "read_cases"
    VIEW_CASE_QUEUE = "view_case_queue"
    OPEN_CASE = "open_case"
    PRINT_DOSSIERS = "print_dossiers"
    ADD_EVIDENCE = "add_evidence"
    REQUEST_STATEMENT = "request_statement"
    SUBMIT_STATEMENT = "submit_statement"
    RECORD_REFUSAL = "record_refusal"
    RECORD_SILENCE = "record_silence"
    PROPOSE = "propose"
    AMEND = "amend"
    RECORD_UNION_NOTICE = "record_union_notice"
    RECORD_UNION_REPLY = "record_union_reply"
    APPROVE = "approve"
    DISMISS = "dismiss"
    SERVE_NOTICE = "serve_notice"
    ACKNOWLEDGE = "acknowledge"
    RECORD_ACK_REFUSAL = "record_ack_refusal"
    APPEAL = "appeal"
    DECIDE_APPEAL = "decide_appeal"
    FINALIZE = "finalize"
    MARK_EXECUTED = "mark_executed"
    CLOSE = "close"
    ANNOTATE = "annotate"
    # Pay
    RUN_PAYROLL = "run_payroll"
    RECORD_LEAVING = "record_leaving"
    VIEW_PAY_SCHEDULE = "view_pay_schedule"
    LIST_MINIMUM_WAGES = "list_minimum_wages"
    # Cases: the approver's "no" (驳回 / 退回修改)
    REJECT_PROPOSAL = "reject_proposal"
    SEND_BACK = "send_back"
    # Attendance on the web: the punch and roster lists, the exceptions report, corrections
    VIEW_ATTENDANCE = "view_attendance"
    CORRECT_ATTENDANCE = "correct_attendance"  # a punch or shift changed, with a reason
    # Notices drafted from a case: edit, print, serve (compliance/notices)
    EDIT_NOTICES = "edit_notices"
    # Punch-clock imports and the office's import profile (HR keeps the clock's enrolments)
    IMPORT_ATTENDANCE = "import_attendance"
    # Service standards (articles 2–3): work orders, calls, emergencies, return visits, fees
    VIEW_SERVICE = "view_service"  # the work-order list, calls, return visits, notices
    RECEIVE_SERVICE = "receive_service"  # open a work order, log a call (the front desk)
    DISPATCH_SERVICE = "dispatch_service"  # assign a manager, dispatch, transfer, close, cancel
    WORK_SERVICE_ORDER = "work_service_order"  # accept, arrive, handle: on one's own orders
    REPLY_SERVICE = "reply_service"  # record a reply, contact or follow-up with the resident
    IMPORT_CALLS = "import_calls"  # the phone system's export
    DRAFT_EMERGENCY_REPORT = "draft_emergency_report"  # 突发事件处理表
    APPROVE_EMERGENCY_REPORT = "approve_emergency_report"  # a company leader
    RECORD_RETURN_VISIT = "record_return_visit"
    POST_LOBBY_NOTICE = "post_lobby_notice"
    MANAGE_FEES = "manage_fees"  # bills, payments, reminders, objections; the billing import
    VIEW_FEES = "view_fees"
    VIEW_SERVICE_DASHBOARD = "view_service_dashboard"
    EVALUATE_SERVICE = "evaluate_service"  # run the clocks (also nightly)
    KEEP_FRONT_DESK = "keep_front_desk"  # the front desk's phone tabs (接待 / 工单)


P = Permission
A, M, H, C, S = Role.ADMIN, Role.MANAGER, Role.HR, Role.CASHIER, Role.STAFF
F = Role.FRONT_DESK
EVERY_ROLE = frozenset(Role)


def _g(*holders: str) -> frozenset[str]:
    return frozenset(holders)


GRANTS: Mapping[Permission, frozenset[str]] = {
    P.USE_APP: EVERY_ROLE,
    P.ADMINISTER: _g(A),
    P.MANAGE_USERS: _g(A),
    P.LIST_STAFF: EVERY_ROLE,  # a staff member sees only themself
    P.FIND_STAFF: _g(A, M, H, C),
    P.MANAGE_STAFF: _g(A, H),
    P.VIEW_WAGES: _g(A, H, S),  # a staff member: their own
    P.RECORD_RULEBOOK_ACK: _g(S, H, A),
    P.MANAGE_RESIDENTS: _g(A, M),
    P.LIST_RESIDENTS: _g(A, M, H, C),
    P.SEE_RESIDENT_CONTACTS: _g(A, M, H),
    P.RECORD_ATTENDANCE: _g(M, A),
    P.MANAGE_VISITS: _g(M, A),
    P.VIEW_VISITS: _g(M, H, A),
    P.RECORD_SPOT_CHECK: _g(M),
    P.VIEW_SPOT_CHECKS: _g(M, H),
    P.RECORD_FEEDBACK: _g(M, H),
    P.VIEW_RECORDS: _g(M, H),
    P.RECORD_DAMAGE: _g(M),
    P.VALUE_DAMAGE: _g(M, H),
    P.VIEW_DAMAGE: _g(A, M, H),
    P.LIST_DAMAGES: _g(A, M, H, S),  # a staff member: their own
    P.UPLOAD_FILES: _g(M, H, A),
    P.VIEW_FILES: _g(A, M, H, S),  # a staff member: their own
    P.REQUEST_OVERTIME: _g(M, S),
    P.ENTER_OVERTIME: _g(M),
    P.DECIDE_OVERTIME: _g(DIRECTOR),  # R09
    P.LIST_OVERTIME: _g(A, M, H, S),  # a staff member: their own
    P.DECLARE_TIP: _g(S, C, M),
    P.KEEP_TIP_DESK: _g(C),
    P.VIEW_TIP_DESK: _g(C, M, H, A),
    P.TRIAGE_FINDINGS: _g(M, H),
    P.RUN_DETECTION: _g(M, H, A),
    P.VIEW_OWN_RECORD: _g(S),
    P.VIEW_DASHBOARD: _g(M, H, A),
    P.READ_CASES: _g(A, M, H, S),  # a staff member: their own
    P.VIEW_CASE_QUEUE: _g(A, M, H),  # staff follow their own cases under "My records"
    P.OPEN_CASE: _g(M, H),
    P.PRINT_DOSSIERS: _g(M, H, A),
    # Case steps. A staff member takes theirs only on their own case (cases/lifecycle.py).
    P.ADD_EVIDENCE: _g(M, H),
    P.REQUEST_STATEMENT: _g(H),
    P.SUBMIT_STATEMENT: _g(H, S),
    P.RECORD_REFUSAL: _g(H),
    P.RECORD_SILENCE: _g(H),
    P.PROPOSE: _g(H),
    P.AMEND: _g(H),
    P.RECORD_UNION_NOTICE: _g(H),
    P.RECORD_UNION_REPLY: _g(H),
    P.APPROVE: _g(H, DIRECTOR),
    P.DISMISS: _g(H),
    P.SERVE_NOTICE: _g(H),
    P.ACKNOWLEDGE: _g(S),
    P.RECORD_ACK_REFUSAL: _g(H),
    P.APPEAL: _g(S),
    P.DECIDE_APPEAL: _g(H, DIRECTOR),
    P.FINALIZE: _g(H),
    P.MARK_EXECUTED: _g(H),
    P.CLOSE: _g(H),
    P.ANNOTATE: _g(M, H, A),
    P.RUN_PAYROLL: _g(H),
    P.RECORD_LEAVING: _g(H, A),
    P.VIEW_PAY_SCHEDULE: _g(H, S),  # a staff member: their own
    P.LIST_MINIMUM_WAGES: _g(A, H, M),
    P.REJECT_PROPOSAL: _g(H, DIRECTOR),  # whoever may approve may say no
    P.SEND_BACK: _g(H, DIRECTOR),
    P.VIEW_ATTENDANCE: _g(M, H, A),
    P.CORRECT_ATTENDANCE: _g(M, H, A),  # HR keeps attendance (补卡) with the manager
    P.EDIT_NOTICES: _g(H),
    P.IMPORT_ATTENDANCE: _g(M, H, A),
    P.VIEW_SERVICE: _g(F, M, H, A),
    P.RECEIVE_SERVICE: _g(F, M),
    P.DISPATCH_SERVICE: _g(F, M),
    P.WORK_SERVICE_ORDER: _g(S),  # only the orders they hold (accept, arrive, handle)
    P.REPLY_SERVICE: _g(F, M),
    P.IMPORT_CALLS: _g(F, M, A),
    P.DRAFT_EMERGENCY_REPORT: _g(F, M),
    P.APPROVE_EMERGENCY_REPORT: _g(DIRECTOR),  # 交公司领导审批
    P.RECORD_RETURN_VISIT: _g(F, M),
    P.POST_LOBBY_NOTICE: _g(F, M),
    P.MANAGE_FEES: _g(C, M),
    P.VIEW_FEES: _g(C, M, H, A),
    P.VIEW_SERVICE_DASHBOARD: _g(M, H, A),
    P.EVALUATE_SERVICE: _g(M, H, A),
    P.KEEP_FRONT_DESK: _g(F),
}


def holds(actor: Actor, permission: Permission) -> bool:
    """Whether the actor's role (or being the office director) grants the permission."""
    granted = GRANTS[permission]
    return actor.role in granted or (actor.is_director and DIRECTOR in granted)


def role_may(role: Role, permission: Permission) -> bool:
    """Whether someone with the role may hold the permission (a manager may be the director)."""
    granted = GRANTS[permission]
    return role in granted or (role == Role.MANAGER and DIRECTOR in granted)


def roles_for(permission: Permission) -> frozenset[Role]:
    """The roles whose holders may hold the permission."""
    return frozenset(r for r in Role if role_may(r, permission))


def refusal(actor: Actor, permission: Permission) -> Forbidden:
    """Why the actor is refused: their role and those the permission is granted to (a page
    says only that their role may not)."""
    return Forbidden(
        N_("role %(role)s may not do this (needs %(roles)s)"),
        role=actor.role.value,
        roles=", ".join(sorted(GRANTS[permission])),
    )
