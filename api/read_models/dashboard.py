"""Dashboard figures, aggregated in SQL: breaches by rule and team per month, repeat
offenders, open cases by state, this month's deductions."""

from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, case, func, select
from sqlmodel import col

from compliance.cases.lifecycle import TERMINAL_STATES
from compliance.cases.models import Case, CaseStatus
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.findings.models import Finding, FindingStatus
from compliance.pay.models import Deduction, Instalment
from compliance.permissions import Permission
from compliance.staff.models import Staff
from policies.guardrails import add_months

MONTHS = 6
REPEAT_MONTHS = 12
STATUS_ORDER = [s.value for s in CaseStatus]


class Offender(BaseModel):
    """A staff member with more than one confirmed breach in the window."""

    staff_id: int
    name: str
    employee_no: str
    team: str
    breaches: int
    rule_codes: list[str]


class Dashboard(BaseModel):
    """Everything on the dashboard; series are {label: [count per month]}."""

    months: list[str]
    by_rule: dict[str, list[int]]
    by_team: dict[str, list[int]]
    offenders: list[Offender]
    open_cases: dict[str, int]  # in life-cycle order
    open_findings: int  # the triage backlog: findings not yet confirmed or dismissed
    deduction_month: str
    deductions_fen: int
    deductions_count: int
    deductions_staff: int


def _month_bucket(ctx: Ctx, column: Any, firsts: list[date]) -> Any:
    """A CASE putting each time into its local month ('2026-03'), None outside the window."""
    edges = [datetime.combine(d, time(), ctx.tz) for d in [*firsts, add_months(firsts[-1], 1)]]
    return case(
        *[
            (and_(column >= lo, column < hi), f"{d:%Y-%m}")
            for d, lo, hi in zip(firsts, edges, edges[1:], strict=False)
        ],
        else_=None,
    )


def _series(rows: Any, labels: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for key, month, n in rows:
        if month is None:
            continue
        out.setdefault(str(key), [0] * len(labels))[labels.index(month)] += int(n)
    return dict(sorted(out.items()))


def dashboard(ctx: Ctx) -> Dashboard:
    """The office's figures for the last six months (manager, HR, admin)."""
    ctx.require(Permission.VIEW_DASHBOARD)
    s, office_id = ctx.session, ctx.actor.office_id
    today = local_date(ctx.now(), ctx.tz)
    this_month = today.replace(day=1)
    firsts = [add_months(this_month, -i) for i in range(MONTHS - 1, -1, -1)]
    labels = [f"{d:%Y-%m}" for d in firsts]
    bucket = _month_bucket(ctx, col(Finding.occurred_at), firsts).label("month")
    confirmed = and_(
        col(Finding.office_id) == office_id, col(Finding.status) == FindingStatus.CONFIRMED.value
    )
    by_rule = s.execute(
        select(col(Finding.rule_code), bucket, func.count())
        .where(confirmed)
        .group_by(col(Finding.rule_code), bucket)
    )
    by_team = s.execute(
        select(col(Staff.team), bucket, func.count())
        .join(Staff, col(Staff.id) == col(Finding.staff_id))
        .where(confirmed)
        .group_by(col(Staff.team), bucket)
    )
    since = datetime.combine(add_months(this_month, -(REPEAT_MONTHS - 1)), time(), ctx.tz)
    breaches = func.count(col(Finding.id))
    offenders = s.execute(
        select(col(Staff.id), col(Staff.name), col(Staff.employee_no), col(Staff.team), breaches)
        .join(Staff, col(Staff.id) == col(Finding.staff_id))
        .where(confirmed, col(Finding.occurred_at) >= since)
        .group_by(col(Staff.id), col(Staff.name), col(Staff.employee_no), col(Staff.team))
        .having(breaches >= 2)
        .order_by(breaches.desc(), col(Staff.employee_no))
        .limit(20)
    ).all()
    # Which rules each offender broke, in one query (a count alone told the reader little).
    rule_codes: dict[int, list[str]] = {}
    for staff_id, code in s.execute(
        select(col(Finding.staff_id), col(Finding.rule_code))
        .where(
            confirmed,
            col(Finding.occurred_at) >= since,
            col(Finding.staff_id).in_([row[0] for row in offenders]),
        )
        .distinct()
        .order_by(col(Finding.rule_code))
    ):
        rule_codes.setdefault(staff_id, []).append(code)
    open_cases = s.execute(
        select(col(Case.status), func.count())
        .where(
            col(Case.office_id) == office_id,
            col(Case.status).not_in([t.value for t in TERMINAL_STATES]),
        )
        .group_by(col(Case.status))
    )
    open_findings = s.execute(
        select(func.count()).where(
            col(Finding.office_id) == office_id, col(Finding.status) == FindingStatus.OPEN.value
        )
    ).scalar_one()
    fen, count, staff = s.execute(
        select(
            func.coalesce(func.sum(col(Instalment.amount_fen)), 0),
            func.count(col(Instalment.id)),
            func.count(func.distinct(col(Instalment.staff_id))),
        )
        .join(Deduction, col(Deduction.id) == col(Instalment.deduction_id))
        .where(col(Deduction.office_id) == office_id, col(Instalment.month) == this_month)
    ).one()
    return Dashboard(
        months=labels,
        by_rule=_series(by_rule, labels),
        by_team=_series(by_team, labels),
        offenders=[
            Offender(
                staff_id=i,
                name=n,
                employee_no=no,
                team=t,
                breaches=int(b),
                rule_codes=rule_codes[i],
            )
            for i, n, no, t, b in offenders
        ],
        # SQL returns the states in no useful order; the chart reads best along the life cycle.
        open_cases={
            st: int(n) for st, n in sorted(open_cases, key=lambda r: STATUS_ORDER.index(r[0]))
        },
        open_findings=int(open_findings),
        deduction_month=f"{this_month:%Y-%m}",
        deductions_fen=int(fen),
        deductions_count=int(count),
        deductions_staff=int(staff),
    )
