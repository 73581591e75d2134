"""Several people taking the same step on a case at once, on a database that really commits."""

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from compliance.accounts.models import User
from compliance.actors import Role
from compliance.audit import service as audit
from compliance.cases import decision, statement
from compliance.cases.models import Approval, Case, CaseFinding, CaseStatus, CaseStep
from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.context import Ctx
from compliance.errors import Conflict
from compliance.flows import open_case as opening
from tests import factories
from tests.compliance.cases.helpers import drive, finding
from tests.conftest import NOW

ROUNDS = 20


def _ctx(session: Session, office: factories.OfficeSet, who: str, settings: Settings) -> Ctx:
    return Ctx(session=session, actor=office.actor(who), clock=FixedClock(NOW), settings=settings)


def _race(engine, office, settings, people: list[str], take: Callable[[Ctx], object]) -> list[str]:
    """Everyone takes the step at the same moment; returns each one's outcome."""
    start = threading.Barrier(len(people))
    outcomes: list[str] = []
    lock = threading.Lock()

    def person(who: str) -> None:
        with Session(engine, expire_on_commit=False) as s:
            c = _ctx(s, office, who, settings)
            start.wait()
            try:
                take(c)
                result = "ok"
            except Conflict:  # InvalidTransition is a Conflict too
                result = "conflict"
            except Exception as exc:  # reported by the assertion, not lost in the thread
                result = repr(exc)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=person, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return sorted(outcomes)


def _count(engine, model, **where: object) -> int:
    with Session(engine) as s:
        stmt = select(func.count()).select_from(model)
        for name, value in where.items():
            stmt = stmt.where(getattr(model, name) == value)
        return int(s.execute(stmt).scalar_one())


def test_same_step_at_once_one_wins_nothing_half_applied(race_engine, settings):
    with Session(race_engine, expire_on_commit=False) as s:
        office = factories.office_set(s)
        for name in ("hr3", "hr4"):  # besides the office's "hr" and "hr2"
            user = User(
                office_id=office.office.id,
                username=f"bsw-{name}",
                display_name=name,
                role=Role.HR.value,
                created_at=NOW,
            )
            s.add(user)
            office.users[name] = user
        s.commit()
    hrs = ["hr", "hr2", "hr3", "hr"]
    for n in range(ROUNDS):
        kind = n % 3
        with Session(race_engine, expire_on_commit=False) as s:
            setup = _ctx(s, office, "manager", settings)
            state = CaseStatus.DECISION_PROPOSED if kind == 2 else CaseStatus.OPEN
            case_id = drive(setup, office, state)
        people = hrs[: 2 + n % 3]
        if kind == 0:
            action = "request_statement"
            outcomes = _race(
                race_engine,
                office,
                settings,
                people,
                lambda c, i=case_id: statement.request_statement(c, i),
            )
        elif kind == 1:
            action = "dismiss"
            outcomes = _race(
                race_engine,
                office,
                settings,
                people,
                lambda c, i=case_id: decision.dismiss(c, i, "不构成违规"),
            )
        else:
            action = "approve"
            outcomes = _race(
                race_engine,
                office,
                settings,
                # Never "hr": whoever made the proposal does not approve it.
                ["hr2", "director", "hr3", "hr4"][: len(people)],
                lambda c, i=case_id: decision.approve(c, i, ""),
            )
            assert _count(race_engine, Approval, case_id=case_id) == 1
        assert outcomes == ["conflict"] * (len(people) - 1) + ["ok"], (n, outcomes)
        assert _count(race_engine, CaseStep, case_id=case_id, action=action) == 1, n
        with Session(race_engine) as s:
            case = s.get(Case, case_id)
            assert case is not None and case.status != state
            if kind == 0:
                # Leave the way clear: the next round's finding must open a new case.
                decision.dismiss(_ctx(s, office, "hr", settings), case_id, "清理")
    with Session(race_engine) as s:
        report = audit.verify(s)
        assert report.ok, report.reason
        numbers = list(s.execute(select(Case.number).order_by(Case.id)).scalars())
    assert numbers == [f"BSW-2026-{i:04d}" for i in range(1, ROUNDS + 1)]


def test_a_step_taken_on_a_stale_read_is_a_conflict(ctx, office):
    # What the losing thread meets on PostgreSQL: its read is older than the row.
    from compliance.cases import repository
    from compliance.cases.models import Case as CaseRow

    case_id = drive(ctx, office, CaseStatus.OPEN)
    fresh = ctx.session.get(CaseRow, case_id)
    stale = CaseRow.model_validate(fresh.model_dump())
    statement.request_statement(_ctx(ctx.session, office, "hr", ctx.settings), case_id)
    with pytest.raises(Conflict, match="someone else changed this case first"):
        repository.move(ctx.session, stale, CaseStatus.DISMISSED)
    ctx.session.refresh(fresh)
    assert fresh.status == "awaiting_statement" and fresh.version == 2


def test_confirmations_at_once_open_one_case_and_join_it(race_engine, settings):
    with Session(race_engine, expire_on_commit=False) as s:
        office = factories.office_set(s)
        s.commit()
    for n, rule in enumerate(("R01", "R02", "R03", "R04", "R06")):
        people = ["manager", "hr", "director"][: 2 + n % 2]
        with Session(race_engine, expire_on_commit=False) as s:
            setup = _ctx(s, office, "manager", settings)
            fids = [finding(setup, office, rule=rule, days_ago=1 + i) for i in range(len(people))]
        pick = dict(zip(people, fids, strict=True))
        outcomes = _race(
            race_engine,
            office,
            settings,
            people,
            lambda c, pick=pick: opening.confirm_into_case(
                c, pick[c.actor.username.split("-")[1]], "属实"
            ),
        )
        assert outcomes == ["ok"] * len(people), (rule, outcomes)
        with Session(race_engine) as s:
            ids = list(s.execute(select(Case.id).where(Case.rule_code == rule)).scalars())
        assert len(ids) == 1, rule
        assert _count(race_engine, CaseFinding, case_id=ids[0]) == len(people)
    with Session(race_engine) as s:
        assert audit.verify(s).ok
        numbers = list(s.execute(select(Case.number).order_by(Case.id)).scalars())
    assert numbers == [f"BSW-2026-{i:04d}" for i in range(1, 6)]
