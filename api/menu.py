"""The menu: each item carries the permission that shows it (compliance/permissions.py)."""

from dataclasses import dataclass

from api.i18n import N_
from compliance.actors import Actor
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
    MenuItem("/me", N_("My records"), Permission.VIEW_OWN_RECORD),
    # Staff follow their own cases under "My records"; the queue is for those who handle cases.
    MenuItem("/cases", N_("Cases"), Permission.VIEW_CASE_QUEUE),
    MenuItem("/dashboard", N_("Dashboard"), Permission.VIEW_DASHBOARD),
    MenuItem("/payroll", N_("Payroll"), Permission.RUN_PAYROLL),
    MenuItem("/rules", N_("Rulebook"), Permission.USE_APP),
    MenuItem("/admin", N_("Administration"), Permission.ADMINISTER),
    MenuItem("/me/password", N_("Password"), Permission.USE_APP),
)


def menu_for(actor: Actor | None) -> list[MenuItem]:
    """The items the actor's role holds, in menu order (none for a visitor)."""
    return [item for item in MENU if actor is not None and holds(actor, item.permission)]
