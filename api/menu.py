"""The menu and the phone's tab bar: each item carries the permission that shows it
(compliance/permissions.py)."""

from dataclasses import dataclass

from api.i18n import N_
from compliance.actors import Actor
from compliance.i18n import NP_, pgettext
from compliance.permissions import Permission, holds


@dataclass(frozen=True)
class MenuItem:
    """A link in the page header, shown to those who hold its permission."""

    href: str
    label: str
    permission: Permission


MENU: tuple[MenuItem, ...] = (
    MenuItem("/findings", N_("Findings"), Permission.TRIAGE_FINDINGS),
    MenuItem("/feedback/new", N_("Record feedback"), Permission.RECORD_FEEDBACK),
    MenuItem("/spot-checks/new", N_("Spot check"), Permission.RECORD_SPOT_CHECK),
    MenuItem("/damages", N_("Damage incidents"), Permission.VIEW_RECORDS),
    MenuItem("/overtime", N_("Overtime requests"), Permission.VIEW_RECORDS),
    MenuItem("/visits", N_("Work orders"), Permission.VIEW_VISITS),
    MenuItem("/attendance", N_("Attendance"), Permission.VIEW_ATTENDANCE),
    MenuItem("/tips", N_("Tips and receipts"), Permission.KEEP_TIP_DESK),
    # Service standards (articles 2–3)
    MenuItem("/service/desk", N_("Front desk"), Permission.RECEIVE_SERVICE),
    MenuItem("/service/orders", N_("Service work orders"), Permission.VIEW_SERVICE),
    MenuItem("/service/my", N_("My jobs"), Permission.WORK_SERVICE_ORDER),
    MenuItem("/service/calls", N_("Call log"), Permission.VIEW_SERVICE),
    MenuItem("/service/emergencies", N_("Emergencies"), Permission.VIEW_SERVICE),
    MenuItem("/service/return-visits", N_("Return visits"), Permission.VIEW_SERVICE),
    MenuItem("/service/lobby-notices", N_("Lobby notices"), Permission.VIEW_SERVICE),
    MenuItem("/fees", N_("Fee collection"), Permission.VIEW_FEES),
    MenuItem("/service/dashboard", N_("Service standards"), Permission.VIEW_SERVICE_DASHBOARD),
    MenuItem("/me", N_("My records"), Permission.VIEW_OWN_RECORD),
    # Staff follow their own cases under "My records"; the queue is for those who handle cases.
    MenuItem("/cases", N_("Cases"), Permission.VIEW_CASE_QUEUE),
    MenuItem("/dashboard", N_("Dashboard"), Permission.VIEW_DASHBOARD),
    MenuItem("/payroll", N_("Payroll"), Permission.RUN_PAYROLL),
    MenuItem("/reports", N_("Monthly report"), Permission.PRINT_DOSSIERS),
    MenuItem("/attendance/import", N_("Attendance import"), Permission.IMPORT_ATTENDANCE),
    MenuItem("/rules", N_("Rulebook"), Permission.USE_APP),
    MenuItem("/admin", N_("Administration"), Permission.ADMINISTER),
    MenuItem("/account", N_("My account"), Permission.USE_APP),
)


def menu_for(actor: Actor | None) -> list[MenuItem]:
    """The items the actor's role holds, in menu order (none for a visitor)."""
    return [item for item in MENU if actor is not None and holds(actor, item.permission)]


@dataclass(frozen=True)
class Tab:
    """A tab of the phone's bottom bar: where it goes, its short name (msgctxt "tab"), the
    permission that shows it, and the other paths under which it is the current tab."""

    href: str
    label: tuple[str, str]
    permission: Permission
    also: tuple[str, ...] = ()


# 首页 / 抽查 / 线索 / 我的 for a manager; a staff member holds 首页 / 我的记录 / 我的.
TABS: tuple[Tab, ...] = (
    Tab("/", NP_("tab", "Home"), Permission.USE_APP),
    Tab(
        "/spot-checks/new",
        NP_("tab", "Spot check"),
        Permission.RECORD_SPOT_CHECK,
        ("/spot-checks",),
    ),
    Tab("/findings", NP_("tab", "Findings"), Permission.TRIAGE_FINDINGS),
    Tab("/service/desk", NP_("tab", "Front desk"), Permission.KEEP_FRONT_DESK),
    Tab("/service/orders", NP_("tab", "Orders"), Permission.KEEP_FRONT_DESK),
    Tab("/service/my", NP_("tab", "My jobs"), Permission.WORK_SERVICE_ORDER),
    Tab("/me", NP_("tab", "My records"), Permission.VIEW_OWN_RECORD),
    Tab("/account", NP_("tab", "My account"), Permission.USE_APP, ("/me/password", "/me/tokens")),
)
# Home and the account page alone make no bar: the header menu is enough.
_ALWAYS = frozenset({"/", "/account"})


@dataclass(frozen=True)
class ShownTab:
    """A tab as the page shows it: translated, and whether it is the page's own."""

    href: str
    label: str
    current: bool


def _is_current(tab: Tab, path: str) -> bool:
    if tab.href == "/":
        return path == "/"
    # "/me" is staff's records, but "/me/password" belongs to the account tab.
    if any(path == p or path.startswith(p + "/") for p in tab.also):
        return True
    others = [p for t in TABS if t is not tab for p in t.also]
    if any(path == p or path.startswith(p + "/") for p in others):
        return False
    return path == tab.href or path.startswith(tab.href + "/")


def tabs_for(actor: Actor | None, path: str, lang: str) -> list[ShownTab]:
    """The tabs the actor's role holds, the current one marked; none for a visitor or for a
    role that holds no tab beyond home and the account page."""
    if actor is None:
        return []
    held = [t for t in TABS if holds(actor, t.permission)]
    if all(t.href in _ALWAYS for t in held):
        return []
    return [ShownTab(t.href, pgettext(lang, *t.label), _is_current(t, path)) for t in held]
