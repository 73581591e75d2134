"""`compliance office create` and `compliance user ...`."""

from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session, col, select

from compliance.accounts import users as service
from compliance.accounts.models import User
from compliance.cli.common import acting, console, engine, reports_errors
from compliance.clock import SystemClock
from compliance.migrate import upgrade

office_app = typer.Typer(help="Offices.", no_args_is_help=True)
user_app = typer.Typer(help="Users and roles (admin only).", no_args_is_help=True)
AsUser = Annotated[str, typer.Option("--as", help="The acting user's username.")]


@office_app.command("create")
@reports_errors
def office_create(
    code: str,
    name: str,
    admin_username: Annotated[str, typer.Option("--admin", help="First admin's username")],
    admin_name: Annotated[str, typer.Option(help="First admin's display name")] = "管理员",
    city: str = "",
    timezone: str = "Asia/Shanghai",
) -> None:
    """Create an office with its first admin (for a new office without the demo)."""
    eng = engine()
    upgrade(eng)
    with Session(eng) as session:
        office_id = service.create_office(
            session,
            SystemClock(),
            {
                "code": code,
                "name": name,
                "city": city,
                "timezone": timezone,
                "admin_username": admin_username,
                "admin_name": admin_name,
            },
        )
    eng.dispose()
    console.print(f"office {code} created (id {office_id}); admin user {admin_username}")


@user_app.command("add")
@reports_errors
def user_add(
    username: str,
    display_name: str,
    role: Annotated[str, typer.Option(help="admin, manager, hr, cashier or staff")],
    as_user: AsUser,
    staff_id: Annotated[int | None, typer.Option(help="Staff record (staff users)")] = None,
    director: Annotated[bool, typer.Option(help="The office director (managers)")] = False,
) -> None:
    """Add a user to the acting admin's office."""
    with acting(as_user) as ctx:
        u = service.create_user(
            ctx,
            {
                "username": username,
                "display_name": display_name,
                "role": role,
                "staff_id": staff_id,
                "is_director": director,
            },
        )
    console.print(f"user {u.username} ({u.role}) created, id {u.id}")


@user_app.command("disable")
@reports_errors
def user_disable(user_id: int, as_user: AsUser) -> None:
    """Disable a user (e.g. a dismissed employee)."""
    with acting(as_user) as ctx:
        u = service.set_active(ctx, user_id, False)
    console.print(f"user {u.username} disabled")


@user_app.command("list")
@reports_errors
def user_list(as_user: AsUser) -> None:
    """Users of the acting user's office."""
    with acting(as_user) as ctx:
        rows = ctx.session.exec(
            select(User).where(col(User.office_id) == ctx.actor.office_id).order_by(col(User.id))
        ).all()
    table = Table("id", "username", "name", "role", "director", "staff", "active")
    for u in rows:
        table.add_row(
            str(u.id),
            u.username,
            u.display_name,
            u.role,
            "yes" if u.is_director else "",
            str(u.staff_id or ""),
            "yes" if u.active else "no",
        )
    console.print(table)
