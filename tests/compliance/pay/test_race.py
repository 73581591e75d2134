"""Two HR users executing the same payroll month at once, on a database that really commits."""

import threading
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.errors import Conflict
from compliance.pay.models import Instalment, PayrollRun
from compliance.pay.payroll import execute_month
from compliance.pay.service import create_deductions_for_case, record_deduction_notice
from tests import factories
from tests.compliance.pay.helpers import add_min_wage, compensation, make_case
from tests.conftest import NOW

APRIL = date(2026, 4, 1)


def test_two_executions_of_one_month_take_it_once(race_engine, settings):
    with Session(race_engine, expire_on_commit=False) as s:
        office = factories.office_set(s)  # with its second HR reviewer, "hr2"
        add_min_wage(s)
        hr = Ctx(session=s, actor=office.actor("hr"), clock=FixedClock(NOW), settings=settings)
        for staff in office.staff:
            case, proposal = make_case(s, office, staff, compensation(250_000))
            create_deductions_for_case(hr, case, proposal)
            s.commit()
            record_deduction_notice(hr, case.id or 0, "照价赔偿通知")
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name: str) -> None:
        with Session(race_engine, expire_on_commit=False) as s:
            c = Ctx(session=s, actor=office.actor(name), clock=FixedClock(NOW), settings=settings)
            start.wait()
            try:
                outcomes[name] = str(execute_month(c, APRIL).total_fen)
            except Conflict:
                outcomes[name] = "conflict"
            except Exception as exc:  # reported by the assertion below, not lost in the thread
                outcomes[name] = repr(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("hr", "hr2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes.values()) == ["300000", "conflict"]
    with Session(race_engine) as s:
        assert s.execute(select(func.count()).select_from(PayrollRun)).scalar_one() == 1
        taken = s.execute(
            select(func.count(), func.sum(Instalment.amount_fen)).where(
                Instalment.status == "taken"
            )
        ).one()
        assert tuple(taken) == (3, 300_000)
