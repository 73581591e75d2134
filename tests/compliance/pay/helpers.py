"""Test data for pay: minimum wages, wages, and minimal case/proposal rows."""

import json
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from compliance.cases.models import Case, CaseStatus, Proposal
from compliance.pay.models import Instalment, MinimumWage
from compliance.staff.models import Staff, StaffWage
from tests import factories
from tests.conftest import NOW

MIN_WAGE = 236_000  # the demo's example figure for 深圳


def add_min_wage(session: Session, fen: int = MIN_WAGE, city: str = "深圳") -> None:
    """Record the city's minimum wage from 2024-01-01."""
    session.add(
        MinimumWage(city=city, monthly_fen=fen, effective_from=date(2024, 1, 1), created_at=NOW)
    )
    session.flush()


def set_wage(session: Session, staff: Staff, fen: int, start: date = date(2023, 5, 1)) -> None:
    """Give the staff member a wage line (replacing the factory's line on the same date)."""
    row = session.execute(
        select(StaffWage).where(StaffWage.staff_id == staff.id, StaffWage.effective_from == start)
    ).scalar_one_or_none()
    if row is None:
        row = StaffWage(
            staff_id=staff.id or 0, effective_from=start, created_at=NOW, monthly_wage_fen=fen
        )
    row.monthly_wage_fen = fen
    session.add(row)
    session.flush()


def make_case(
    session: Session,
    office: factories.OfficeSet,
    staff: Staff,
    outcomes: list[dict[str, Any]],
    rule_code: str = "R11",
) -> tuple[Case, Proposal]:
    """A case at the 'final' step with one proposal carrying the outcomes."""
    n = session.execute(
        select(func.count()).select_from(Case).where(Case.office_id == office.office.id)
    ).scalar_one()
    case = Case(
        office_id=office.office.id or 0,
        number=f"{office.office.code}-2026-{n + 1:04d}",
        staff_id=staff.id or 0,
        rule_code=rule_code,
        policy_version="1",
        params_digest="0" * 64,
        incident_at=NOW,
        status=CaseStatus.FINAL.value,
        opened_at=NOW,
    )
    session.add(case)
    session.flush()
    proposal = Proposal(
        case_id=case.id or 0,
        revision=1,
        outcomes=json.dumps(outcomes),
        reasoning="{}",  # the explanation, as JSON (none here)
        digest="0" * 64,
        created_at=NOW,
    )
    session.add(proposal)
    session.flush()
    return case, proposal


def compensation(fen: int) -> list[dict[str, Any]]:
    """An R11 outcome list: compensation at the assessed price plus a written warning."""
    return [
        {"kind": "compensation", "amount_fen": fen, "legal_risk": False},
        {"kind": "written_warning", "amount_fen": None, "legal_risk": False},
    ]


def plan(session: Session, staff_id: int) -> list[tuple[str, int, int, str]]:
    """(YYYY-MM, deduction id, fen, status) of a staff member's instalments, by month."""
    rows = session.execute(
        select(Instalment)
        .where(Instalment.staff_id == staff_id)
        .order_by(Instalment.month, Instalment.deduction_id)
    ).scalars()
    return [(f"{i.month:%Y-%m}", i.deduction_id, i.amount_fen, i.status) for i in rows]
