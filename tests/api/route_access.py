"""Who may call each route, as it was before the roles were declared once: a snapshot.

Each route declares a permission in code (`require(...)`, `require_case_step(...)`,
`signed_in` or `public`), and compliance/permissions.py says which roles hold it. The
role-matrix test calls every registered route as every role and as an anonymous visitor and
compares the answer with this table, so neither a route added without an entry here nor a
change to who holds a permission goes unnoticed.

`ok` is the status an allowed caller gets for a bare request: no body beyond the CSRF
token, and 999999 for every id in the path (a record that does not exist).
Anyone else gets 403; an anonymous visitor is sent to /login (pages) or gets 401 (API).
"""

from dataclasses import dataclass

ANONYMOUS = "anonymous"
# A director is a manager with is_director set; the table names them apart.
ROLE_NAMES = ("admin", "manager", "director", "hr", "cashier", "staff", "front_desk")

SIGNED_IN = frozenset(ROLE_NAMES)
EVERYONE = SIGNED_IN | {ANONYMOUS}
TRIAGE = frozenset({"manager", "director", "hr"})
ADMIN = frozenset({"admin"})
HR = frozenset({"hr"})
CASE_READERS = frozenset({"admin", "manager", "director", "hr", "staff"})
APPROVERS = frozenset({"hr", "manager", "director"})
OFFICE_VIEW = frozenset({"admin", "manager", "director", "hr"})
MANAGERS = frozenset({"manager", "director"})
STAFF = frozenset({"staff"})
CASHIER = frozenset({"cashier"})
DESK = frozenset({"cashier", "manager", "director", "hr", "admin"})
IMPORTERS = frozenset({"admin", "manager", "director", "hr"})
PHOTO_VIEWERS = frozenset({"admin", "manager", "director", "hr", "staff"})
FRONT_DESK = frozenset({"front_desk"})


@dataclass(frozen=True)
class Access:
    """The callers a route admits and what an admitted bare request answers."""

    allow: frozenset[str]
    ok: int


ROUTE_ACCESS: dict[tuple[str, str], Access] = {
    # Sign-in, language, static files and API docs
    ("GET", "/login"): Access(EVERYONE, 200),
    ("POST", "/login"): Access(EVERYONE, 422),
    ("POST", "/logout"): Access(SIGNED_IN, 303),
    ("GET", "/lang/en"): Access(EVERYONE, 303),
    ("GET", "/lang/zh"): Access(EVERYONE, 303),
    ("GET", "/static/{path}"): Access(EVERYONE, 200),
    ("GET", "/docs"): Access(SIGNED_IN, 200),
    # Swagger UI's own files (api/docs.py); a bare request names none of them: 404.
    ("GET", "/docs/assets/{path}"): Access(EVERYONE, 404),
    ("GET", "/openapi.json"): Access(SIGNED_IN, 200),
    ("GET", "/healthz"): Access(EVERYONE, 200),
    ("GET", "/readyz"): Access(EVERYONE, 200),
    # Pages
    ("GET", "/"): Access(SIGNED_IN, 200),
    ("GET", "/findings"): Access(TRIAGE, 200),
    ("GET", "/findings/{finding_id}/confirm"): Access(TRIAGE, 404),
    ("POST", "/findings/{finding_id}/confirm"): Access(TRIAGE, 404),
    ("POST", "/findings/dismiss"): Access(TRIAGE, 422),
    ("POST", "/findings/{finding_id}/dismiss"): Access(TRIAGE, 422),
    ("GET", "/feedback/new"): Access(TRIAGE, 200),
    ("POST", "/feedback/new"): Access(TRIAGE, 422),
    ("GET", "/account"): Access(SIGNED_IN, 200),
    ("GET", "/me/password"): Access(SIGNED_IN, 200),
    ("POST", "/me/password"): Access(SIGNED_IN, 422),
    ("GET", "/me/tokens"): Access(SIGNED_IN, 200),
    ("POST", "/me/tokens"): Access(SIGNED_IN, 422),
    ("POST", "/me/tokens/{token_id}/revoke"): Access(SIGNED_IN, 404),
    # Spot checks, records, the cashier's desk, staff self-service
    ("GET", "/spot-checks/new"): Access(MANAGERS, 200),
    ("POST", "/spot-checks/new"): Access(MANAGERS, 422),
    ("GET", "/spot-checks/{spot_check_id}"): Access(TRIAGE, 404),
    ("GET", "/units/qr"): Access(frozenset({"admin", "manager", "director"}), 200),
    ("GET", "/units/scan"): Access(SIGNED_IN, 303),
    ("GET", "/feedback"): Access(TRIAGE, 200),
    ("GET", "/damages"): Access(TRIAGE, 200),
    ("POST", "/damages/new"): Access(MANAGERS, 422),
    ("GET", "/damages/{damage_id}"): Access(TRIAGE, 404),
    ("POST", "/damages/{damage_id}/valuation"): Access(TRIAGE, 404),
    ("POST", "/damages/{damage_id}/sign-off"): Access(MANAGERS, 404),
    ("POST", "/damages/{damage_id}/settle"): Access(TRIAGE, 404),
    ("POST", "/damages/{damage_id}/photos"): Access(MANAGERS, 404),
    ("GET", "/overtime"): Access(TRIAGE, 200),
    ("POST", "/overtime/new"): Access(MANAGERS, 422),
    ("POST", "/overtime/{request_id}/decision"): Access(frozenset({"director"}), 422),
    # Work orders, punches, the roster and attendance exceptions (api/pages/visits.py, ...)
    ("GET", "/visits"): Access(OFFICE_VIEW, 200),
    ("GET", "/visits/new"): Access(MANAGERS | ADMIN, 200),
    ("POST", "/visits/new"): Access(MANAGERS | ADMIN, 422),
    ("GET", "/visits/{visit_id}/edit"): Access(MANAGERS | ADMIN, 404),
    ("POST", "/visits/{visit_id}/edit"): Access(MANAGERS | ADMIN, 404),
    ("GET", "/attendance"): Access(OFFICE_VIEW, 200),
    ("GET", "/attendance/new"): Access(MANAGERS | ADMIN, 200),
    ("POST", "/attendance/new"): Access(MANAGERS | ADMIN, 422),
    ("GET", "/attendance/{punch_id}/edit"): Access(OFFICE_VIEW, 404),
    ("POST", "/attendance/{punch_id}/edit"): Access(OFFICE_VIEW, 404),
    ("GET", "/attendance/exceptions"): Access(OFFICE_VIEW, 200),
    ("GET", "/attendance/exceptions/print"): Access(OFFICE_VIEW, 200),
    ("GET", "/attendance/exceptions.csv"): Access(OFFICE_VIEW, 200),
    ("GET", "/rosters"): Access(OFFICE_VIEW, 200),
    ("GET", "/rosters/new"): Access(MANAGERS | ADMIN, 200),
    ("POST", "/rosters/new"): Access(MANAGERS | ADMIN, 422),
    ("GET", "/rosters/{shift_id}/edit"): Access(OFFICE_VIEW, 404),
    ("POST", "/rosters/{shift_id}/edit"): Access(OFFICE_VIEW, 404),
    ("GET", "/files/{file_id}"): Access(PHOTO_VIEWERS, 404),
    ("GET", "/tips"): Access(CASHIER, 200),
    ("POST", "/tips/new"): Access(CASHIER, 422),
    ("POST", "/tips/{tip_id}/handover"): Access(CASHIER, 422),
    ("GET", "/tips/{tip_id}/receipt"): Access(DESK, 404),
    ("GET", "/me"): Access(STAFF, 200),
    ("GET", "/me/cases/{case_id}"): Access(STAFF, 404),
    ("POST", "/me/cases/{case_id}/statement"): Access(STAFF, 404),
    ("POST", "/me/cases/{case_id}/acknowledge"): Access(STAFF, 404),
    ("POST", "/me/cases/{case_id}/appeal"): Access(STAFF, 404),
    ("POST", "/api/spot-checks"): Access(MANAGERS, 422),
    ("GET", "/api/spot-checks/{spot_check_id}"): Access(TRIAGE, 404),
    ("POST", "/api/damages"): Access(MANAGERS, 422),
    ("POST", "/api/overtime"): Access(MANAGERS | STAFF, 422),
    ("POST", "/api/overtime/{request_id}/decision"): Access(frozenset({"director"}), 422),
    ("POST", "/api/tips"): Access(frozenset({"staff", "cashier", "manager", "director"}), 422),
    ("POST", "/api/tips/{tip_id}/handover"): Access(CASHIER, 422),
    ("GET", "/api/tips/{tip_id}/receipt"): Access(DESK, 404),
    ("GET", "/api/me/cases"): Access(STAFF, 200),
    ("GET", "/api/me/findings"): Access(STAFF, 200),
    # HR review queue, case pages, payroll, dashboard, rulebook, administration
    ("GET", "/cases"): Access(CASE_READERS, 200),
    ("GET", "/cases/{case_id}"): Access(CASE_READERS, 404),
    ("POST", "/cases/{case_id}/dossier.pdf"): Access(
        frozenset({"admin", "manager", "director", "hr"}), 404
    ),
    # A case's drafted notices (compliance/notices): HR
    ("GET", "/cases/{case_id}/notices"): Access(HR, 404),
    ("GET", "/cases/{case_id}/notices/{kind}"): Access(HR, 404),
    ("POST", "/cases/{case_id}/notices/{kind}"): Access(HR, 404),
    ("POST", "/cases/{case_id}/notices/{kind}/reset"): Access(HR, 404),
    ("POST", "/cases/{case_id}/notices/{kind}/pdf"): Access(HR, 404),
    ("POST", "/cases/{case_id}/notices/{kind}/serve"): Access(HR, 404),
    ("GET", "/cases/{case_id}/notices/{kind}/v{version}.pdf"): Access(HR, 404),
    ("GET", "/dossiers/verify"): Access(EVERYONE, 200),
    ("POST", "/dossiers/verify"): Access(EVERYONE, 422),
    ("POST", "/cases/{case_id}/add_evidence"): Access(TRIAGE, 404),
    ("POST", "/cases/{case_id}/request_statement"): Access(HR, 404),
    ("POST", "/cases/{case_id}/submit_statement"): Access(HR | {"staff"}, 404),
    ("POST", "/cases/{case_id}/record_refusal"): Access(HR, 404),
    ("POST", "/cases/{case_id}/record_silence"): Access(HR, 404),
    ("POST", "/cases/{case_id}/propose"): Access(HR, 404),
    ("POST", "/cases/{case_id}/amend"): Access(HR, 404),
    ("POST", "/cases/{case_id}/record_union_notice"): Access(HR, 404),
    ("POST", "/cases/{case_id}/record_union_reply"): Access(HR, 404),
    ("POST", "/cases/{case_id}/approve"): Access(APPROVERS, 404),
    ("POST", "/cases/{case_id}/reject_proposal"): Access(APPROVERS, 404),
    ("POST", "/cases/{case_id}/send_back"): Access(APPROVERS, 404),
    ("POST", "/cases/{case_id}/dismiss"): Access(HR, 404),
    ("POST", "/cases/{case_id}/serve_notice"): Access(HR, 404),
    ("POST", "/cases/{case_id}/acknowledge"): Access(frozenset({"staff"}), 404),
    ("POST", "/cases/{case_id}/record_ack_refusal"): Access(HR, 404),
    ("POST", "/cases/{case_id}/appeal"): Access(frozenset({"staff"}), 404),
    ("POST", "/cases/{case_id}/decide_appeal"): Access(APPROVERS, 404),
    ("POST", "/cases/{case_id}/finalize"): Access(HR, 404),
    ("POST", "/cases/{case_id}/mark_executed"): Access(HR, 404),
    ("POST", "/cases/{case_id}/close"): Access(HR, 404),
    ("POST", "/cases/{case_id}/annotate"): Access(OFFICE_VIEW, 404),
    # No minimum wage is recorded for the test office's city: the page says so (422).
    ("GET", "/payroll"): Access(HR, 422),
    ("GET", "/payroll/{month}.csv"): Access(HR, 422),
    ("GET", "/payroll/{month}.xlsx"): Access(HR, 422),
    ("POST", "/payroll/execute"): Access(HR, 422),
    ("GET", "/payroll/confirm"): Access(HR, 422),
    ("GET", "/reports"): Access(OFFICE_VIEW, 200),
    ("POST", "/reports/monthly.pdf"): Access(OFFICE_VIEW, 422),
    ("GET", "/attendance/import"): Access(IMPORTERS, 200),
    ("POST", "/attendance/import"): Access(IMPORTERS, 422),
    ("GET", "/attendance/import/profile"): Access(IMPORTERS, 200),
    ("POST", "/attendance/import/profile"): Access(IMPORTERS, 303),
    ("GET", "/attendance/import/{sha}"): Access(IMPORTERS, 404),
    ("POST", "/attendance/import/{sha}/mapping"): Access(IMPORTERS, 404),
    ("POST", "/attendance/import/{sha}/enrolments"): Access(IMPORTERS, 404),
    ("POST", "/attendance/import/{sha}/confirm"): Access(IMPORTERS, 404),
    ("GET", "/dashboard"): Access(OFFICE_VIEW, 200),
    # The service standards dashboard (issue 15): VIEW_SERVICE_DASHBOARD
    ("GET", "/service/dashboard"): Access(OFFICE_VIEW, 200),
    ("GET", "/service/dashboard/breaches"): Access(OFFICE_VIEW, 200),
    ("GET", "/service/dashboard.xlsx"): Access(OFFICE_VIEW, 200),
    ("GET", "/rules"): Access(SIGNED_IN, 200),
    ("GET", "/admin"): Access(ADMIN, 200),
    ("GET", "/admin/audit/verify"): Access(ADMIN, 200),
    ("GET", "/admin/calendar"): Access(ADMIN, 200),
    ("POST", "/admin/calendar/days"): Access(ADMIN, 422),
    ("POST", "/admin/calendar/confirm"): Access(ADMIN, 422),
    ("POST", "/admin/calendar/import"): Access(ADMIN, 422),
    ("POST", "/admin/rules/{rule_code}"): Access(ADMIN, 422),
    ("POST", "/admin/minimum-wages"): Access(ADMIN, 422),
    ("POST", "/admin/users"): Access(ADMIN, 422),
    ("POST", "/admin/users/password"): Access(ADMIN, 422),
    ("POST", "/admin/users/{user_id}/disable"): Access(ADMIN, 404),
    ("POST", "/admin/users/{user_id}/enable"): Access(ADMIN, 404),
    ("GET", "/api/cases"): Access(CASE_READERS, 200),
    ("GET", "/api/cases/{case_id}"): Access(CASE_READERS, 404),
    ("POST", "/api/cases/{case_id}/add_evidence"): Access(TRIAGE, 422),
    ("POST", "/api/cases/{case_id}/request_statement"): Access(HR, 404),
    ("POST", "/api/cases/{case_id}/submit_statement"): Access(HR | {"staff"}, 422),
    ("POST", "/api/cases/{case_id}/record_refusal"): Access(HR, 404),
    ("POST", "/api/cases/{case_id}/record_silence"): Access(HR, 404),
    ("POST", "/api/cases/{case_id}/propose"): Access(HR, 422),
    ("POST", "/api/cases/{case_id}/amend"): Access(HR, 422),
    ("POST", "/api/cases/{case_id}/record_union_notice"): Access(HR, 422),
    ("POST", "/api/cases/{case_id}/record_union_reply"): Access(HR, 422),
    ("POST", "/api/cases/{case_id}/approve"): Access(APPROVERS, 404),
    ("POST", "/api/cases/{case_id}/reject_proposal"): Access(APPROVERS, 422),
    ("POST", "/api/cases/{case_id}/send_back"): Access(APPROVERS, 422),
    ("POST", "/api/cases/{case_id}/dismiss"): Access(HR, 422),
    ("POST", "/api/cases/{case_id}/serve_notice"): Access(HR, 422),
    ("POST", "/api/cases/{case_id}/acknowledge"): Access(frozenset({"staff"}), 404),
    ("POST", "/api/cases/{case_id}/record_ack_refusal"): Access(HR, 404),
    ("POST", "/api/cases/{case_id}/appeal"): Access(frozenset({"staff"}), 422),
    ("POST", "/api/cases/{case_id}/decide_appeal"): Access(APPROVERS, 422),
    ("POST", "/api/cases/{case_id}/finalize"): Access(HR, 404),
    ("POST", "/api/cases/{case_id}/mark_executed"): Access(HR, 404),
    ("POST", "/api/cases/{case_id}/close"): Access(HR, 404),
    ("POST", "/api/cases/{case_id}/annotate"): Access(OFFICE_VIEW, 422),
    ("GET", "/api/admin/users"): Access(ADMIN, 200),
    ("POST", "/api/admin/users"): Access(ADMIN, 422),
    ("POST", "/api/admin/users/{user_id}/active"): Access(ADMIN, 422),
    ("POST", "/api/admin/rules/{rule_code}"): Access(ADMIN, 422),
    ("GET", "/api/admin/minimum-wages"): Access(ADMIN, 200),
    ("POST", "/api/admin/minimum-wages"): Access(ADMIN, 422),
    ("GET", "/api/admin/audit/verify"): Access(ADMIN, 200),
    # The front desk, work orders and the executor's phone view (api/pages/service_desk.py);
    # the front desk role (front_desk) holds what managers hold here but is not in this table.
    ("GET", "/service/desk"): Access(MANAGERS | FRONT_DESK, 200),
    ("POST", "/service/desk"): Access(MANAGERS | FRONT_DESK, 422),
    ("GET", "/service/orders"): Access(OFFICE_VIEW | FRONT_DESK, 200),
    ("GET", "/service/orders/{order_id}"): Access(OFFICE_VIEW | FRONT_DESK, 404),
    ("GET", "/service/orders/{order_id}/photos/{file_id}"): Access(OFFICE_VIEW | FRONT_DESK, 404),
    ("POST", "/service/orders/{order_id}/assign_manager"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/orders/{order_id}/dispatch"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/orders/{order_id}/transfer"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/orders/{order_id}/reply"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/orders/{order_id}/contact"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/orders/{order_id}/follow_up"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/orders/{order_id}/rectify"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/orders/{order_id}/wait_resident"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/orders/{order_id}/resume"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/orders/{order_id}/close"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/orders/{order_id}/reopen"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/orders/{order_id}/cancel"): Access(MANAGERS | FRONT_DESK, 404),
    ("GET", "/service/my"): Access(STAFF, 200),
    ("GET", "/service/my/checkin"): Access(STAFF, 200),
    ("POST", "/service/my/{order_id}/accept"): Access(STAFF, 404),
    ("POST", "/service/my/{order_id}/arrive"): Access(STAFF, 404),
    ("POST", "/service/my/{order_id}/wait_resident"): Access(STAFF, 404),
    ("POST", "/service/my/{order_id}/resume"): Access(STAFF, 404),
    ("POST", "/service/my/{order_id}/handle"): Access(STAFF, 404),
    ("POST", "/service/my/{order_id}/return"): Access(STAFF, 404),
    # JSON API
    ("GET", "/api/me"): Access(SIGNED_IN, 200),
    ("POST", "/api/me/password"): Access(SIGNED_IN, 422),
    ("POST", "/api/users/{user_id}/password"): Access(ADMIN, 422),
    ("GET", "/api/findings"): Access(TRIAGE, 200),
    ("POST", "/api/findings/dismiss"): Access(TRIAGE, 422),
    ("POST", "/api/findings/{finding_id}/confirm"): Access(TRIAGE, 404),
    ("POST", "/api/findings/{finding_id}/dismiss"): Access(TRIAGE, 422),
    ("POST", "/api/feedback"): Access(TRIAGE, 422),
    ("GET", "/api/tokens"): Access(SIGNED_IN, 200),
    ("POST", "/api/tokens"): Access(SIGNED_IN, 422),
    ("DELETE", "/api/tokens/{token_id}"): Access(SIGNED_IN, 404),
    # The call log and emergencies (第2篇 1、, 2、(1))
    ("GET", "/service/calls"): Access(OFFICE_VIEW | FRONT_DESK, 200),
    ("POST", "/service/calls"): Access(MANAGERS | FRONT_DESK, 422),
    ("GET", "/service/calls/import"): Access(
        frozenset({"admin", "manager", "director"}) | FRONT_DESK, 200
    ),
    ("POST", "/service/calls/import"): Access(
        frozenset({"admin", "manager", "director"}) | FRONT_DESK, 422
    ),
    ("POST", "/service/calls/import/extensions"): Access(
        frozenset({"admin", "manager", "director"}) | FRONT_DESK, 303
    ),
    ("GET", "/service/calls/import/{sha}"): Access(
        frozenset({"admin", "manager", "director"}) | FRONT_DESK, 404
    ),
    ("POST", "/service/calls/import/{sha}/extensions"): Access(
        frozenset({"admin", "manager", "director"}) | FRONT_DESK, 404
    ),
    ("POST", "/service/calls/import/{sha}/confirm"): Access(
        frozenset({"admin", "manager", "director"}) | FRONT_DESK, 404
    ),
    ("GET", "/service/emergencies"): Access(OFFICE_VIEW | FRONT_DESK, 200),
    ("GET", "/service/emergencies/duty"): Access(SIGNED_IN, 200),
    ("GET", "/service/emergencies/new"): Access(MANAGERS | FRONT_DESK, 200),
    ("POST", "/service/emergencies"): Access(MANAGERS | FRONT_DESK, 422),
    ("GET", "/service/emergencies/{order_id}"): Access(SIGNED_IN, 404),
    ("POST", "/service/emergencies/{order_id}/dispatch"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/emergencies/{order_id}/arrive"): Access(SIGNED_IN, 404),
    ("POST", "/service/emergencies/{order_id}/controlled"): Access(SIGNED_IN, 404),
    ("POST", "/service/emergencies/{order_id}/report"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/emergencies/{order_id}/submit"): Access(MANAGERS | FRONT_DESK, 404),
    ("POST", "/service/emergencies/{order_id}/approve"): Access(frozenset({"director"}), 404),
    ("POST", "/service/emergencies/{order_id}/return"): Access(frozenset({"director"}), 404),
    ("GET", "/service/emergencies/{order_id}/report.pdf"): Access(OFFICE_VIEW | FRONT_DESK, 404),
    # Service work orders and calls (issue 15): the desk and the executor's phone
    ("GET", "/api/service/orders"): Access(OFFICE_VIEW | FRONT_DESK, 200),
    ("POST", "/api/service/orders"): Access(MANAGERS | FRONT_DESK, 422),
    ("GET", "/api/service/orders/{order_id}"): Access(OFFICE_VIEW | FRONT_DESK, 404),
    ("POST", "/api/service/orders/{order_id}/assign-manager"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/dispatch"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/transfer"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/give-back"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/wait-resident"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/resume"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/handle"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/reply"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/contact"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/follow-up"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/rectify"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/close"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/reopen"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/orders/{order_id}/cancel"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/api/service/calls"): Access(MANAGERS | FRONT_DESK, 422),
    ("GET", "/api/service/my"): Access(STAFF, 200),
    ("GET", "/api/service/my/{order_id}"): Access(STAFF, 404),
    ("POST", "/api/service/my/{order_id}/accept"): Access(STAFF, 422),
    ("POST", "/api/service/my/{order_id}/arrive"): Access(STAFF, 422),
    ("POST", "/api/service/my/{order_id}/wait-resident"): Access(STAFF, 422),
    ("POST", "/api/service/my/{order_id}/resume"): Access(STAFF, 422),
    ("POST", "/api/service/my/{order_id}/handle"): Access(STAFF, 422),
    ("POST", "/api/service/my/{order_id}/give-back"): Access(STAFF, 422),
    # Return visits, lobby notices, fees (issue 15)
    ("GET", "/service/return-visits"): Access(OFFICE_VIEW | FRONT_DESK, 200),
    ("GET", "/service/return-visits/new"): Access(MANAGERS | FRONT_DESK, 200),
    ("POST", "/service/return-visits/new"): Access(MANAGERS | FRONT_DESK, 422),
    ("POST", "/service/return-visits/new/orders"): Access(MANAGERS | FRONT_DESK, 200),
    ("GET", "/service/lobby-notices"): Access(OFFICE_VIEW | FRONT_DESK, 200),
    ("POST", "/service/lobby-notices/{notice_id}/post"): Access(MANAGERS | FRONT_DESK, 404),
    ("GET", "/fees"): Access(DESK, 200),
    ("POST", "/fees/payments"): Access(MANAGERS | CASHIER, 422),
    ("POST", "/fees/bills"): Access(MANAGERS | CASHIER, 422),
    ("POST", "/fees/contacts"): Access(MANAGERS | CASHIER, 422),
    ("GET", "/fees/import"): Access(MANAGERS | CASHIER, 200),
    ("POST", "/fees/import"): Access(MANAGERS | CASHIER, 422),
    ("GET", "/fees/import/{sha}"): Access(MANAGERS | CASHIER, 404),
    ("POST", "/fees/import/{sha}/confirm"): Access(MANAGERS | CASHIER, 404),
}
