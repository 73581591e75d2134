"""The demo office: loads once, holds breaches of every rule and near misses that pass."""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, and_, func, select, text
from sqlmodel import Session

from compliance.accounts.models import User
from compliance.actors import Actor, Role
from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.audit import service as audit
from compliance.audit.models import AuditEvent
from compliance.calendar.models import CalendarYear
from compliance.cases.models import Approval, Case, CaseStatus, Notice, Proposal, UnionNotice
from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.counters.models import Counter as CounterRow
from compliance.demo.builder import Rates
from compliance.demo.generate import generate_office
from compliance.demo.load import demo_period, load_demo
from compliance.feedback.models import Feedback
from compliance.findings.detect import run_detection
from compliance.findings.models import Finding, FindingSource
from compliance.inspections.models import SpotCheckItem
from compliance.pay.models import Deduction, Instalment
from compliance.residents.models import Unit
from compliance.staff.models import Staff
from compliance.staff.repository import wage_on
from compliance.tips.models import TipLine
from compliance.visits.models import Visit
from policies import registry

TODAY = date(2026, 4, 1)
TZ = ZoneInfo("Asia/Shanghai")
DETECTED = [p.code for p in registry.RULES if p.detectors]


def _count(session: Session, model: type) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _manager(session: Session, clock: FixedClock) -> Ctx:
    user = session.execute(select(User).where(User.username == "bsw-manager")).scalar_one()
    assert user.id is not None
    actor = Actor(user.id, user.username, Role(user.role), user.office_id)
    return Ctx(session=session, actor=actor, clock=clock)


@pytest.fixture
def demo(fresh_engine: Engine) -> tuple[Engine, dict[str, int]]:
    """The demo loaded into a database of the test's own."""
    return fresh_engine, load_demo(fresh_engine, today=TODAY)


def test_demo_has_the_office_in_the_expected_sizes_and_loads_once(
    demo: tuple[Engine, dict[str, int]],
) -> None:
    engine, counts = demo
    start, days = demo_period(TODAY)
    assert (start, days) == (date(2026, 1, 1), 90)
    assert counts["staff"] == 40 and counts["unit"] == 300
    assert 2_500 <= counts["roster_shift"] <= 3_300  # Mon-Sat for 40 people, less leave
    assert (
        1.9 * counts["roster_shift"] <= counts["attendance_event"] <= 2.1 * counts["roster_shift"]
    )
    assert 150 <= counts["visit"] <= 600
    assert 150 <= counts["feedback"] <= 600
    assert counts["tip_line"] >= 12 and counts["damage_incident"] >= 3
    assert counts["spot_check_item"] == 10 * counts["spot_check"] >= 500
    assert counts["policy_version"] == 1  # R08 tightened to 10 min from 2026-03-01
    assert counts["spot_check_recorded"] == 5  # through the real use case
    assert counts["spot_check_finding"] > 0
    assert load_demo(engine, today=TODAY) == {}
    with Session(engine) as session:
        assert _count(session, Staff) == 40
        names = session.execute(select(Staff.name, Staff.team)).all()
        # The five teams, and the office head and a manager linked to staff records of the
        # office itself (管理处).
        assert {team for _, team in names} == {"维修", "保洁", "安保", "客服", "绿化", "管理处"}
        assert sum(team == "管理处" for _, team in names) == 2
        assert all("\u4e00" <= name[0] <= "\u9fff" for name, _ in names)
        generated = (
            session.execute(select(AuditEvent).where(AuditEvent.action == "demo.generated"))
            .scalars()
            .all()
        )
        assert len(generated) == 1 and '"staff":40' in generated[0].payload
        assert audit.verify(session).ok


def test_detection_finds_every_rule_once(demo: tuple[Engine, dict[str, int]]) -> None:
    engine, _ = demo
    start, days = demo_period(TODAY)
    clock = FixedClock(datetime.combine(TODAY, time(9), TZ).astimezone(UTC))
    with Session(engine, expire_on_commit=False) as session:
        # The demo ran detection week by week as it loaded; every rule has findings.
        by_rule = Counter(session.execute(select(Finding.rule_code)).scalars())
        for code in DETECTED:
            assert by_rule[code] >= 3, f"{code}: {by_rule[code]}"
        spot = Counter(
            session.execute(
                select(Finding.rule_code).where(Finding.source == FindingSource.SPOT_CHECK.value)
            ).scalars()
        )
        assert spot["R03"] >= 3  # R03 has no detector: rings are measured on spot checks

        again = run_detection(_manager(session, clock), start, start + timedelta(days=days - 1))
        assert again.errors == 0, again.error_messages
        assert again.new == 0
        assert again.existing > 0
        assert audit.verify(session).ok


def test_demo_has_a_case_in_every_state(demo: tuple[Engine, dict[str, int]]) -> None:
    engine, _ = demo
    with Session(engine) as session:
        states = Counter(session.execute(select(Case.status)).scalars())
        assert set(states) == {s.value for s in CaseStatus}, states
        # The dismissal went through its gates: union notice and reply, two approvers.
        dismissal = session.execute(
            select(Case).where(Case.rule_code == "R13", Case.status == "executed")
        ).scalar_one()
        union = session.execute(
            select(UnionNotice).where(UnionNotice.case_id == dismissal.id)
        ).scalar_one()
        assert union.reply_at is not None
        # Two approvals, one as HR (the company's HR) and one as the director, and nobody
        # anywhere approved a revision they made themselves.
        approvals = session.execute(
            select(Approval.capacity, User.username)
            .join(User, User.id == Approval.approver_id)
            .where(Approval.case_id == dismissal.id)
        ).all()
        assert sorted(approvals) == [("director", "bsw-director"), ("hr", "bsw-hr-company")]
        own = session.execute(
            select(func.count())
            .select_from(Approval)
            .join(Proposal, Proposal.id == Approval.proposal_id)
            .where(Proposal.created_by == Approval.approver_id)
        ).scalar_one()
        assert own == 0
        # R11 compensation recovered over three months at the 20% cap.
        comp = session.execute(
            select(Deduction).where(Deduction.kind == "compensation")
        ).scalar_one()
        plan = (
            session.execute(
                select(Instalment.amount_fen)
                .where(Instalment.deduction_id == comp.id)
                .order_by(Instalment.month)
            )
            .scalars()
            .all()
        )
        wage = wage_on(session, comp.staff_id, comp.start_month) or 0
        assert len(plan) == 3 and plan[0] == plan[1] == wage * 20 // 100
        assert sum(plan) == comp.amount_fen
        # The concealed tip: a legal-risk proposal approved with a justification.
        r12 = session.execute(select(Case).where(Case.rule_code == "R12")).scalar_one()
        proposal = session.execute(select(Proposal).where(Proposal.case_id == r12.id)).scalar_one()
        approval = session.execute(select(Approval).where(Approval.case_id == r12.id)).scalar_one()
        assert proposal.legal_risk and approval.justification
        # Every decision in force was served first: signed for, or (the dismissed member has no
        # user) refused before a witness; the notified case is handed over, not yet served.
        for case in session.execute(select(Case)).scalars():
            if case.status in ("final", "executed", "closed"):
                assert case.service_completed_at is not None, case.number
        refusal = session.execute(select(Notice).where(Notice.case_id == dismissal.id)).scalar_one()
        assert refusal.ack_kind == "refused_to_sign" and refusal.witnesses
        notified = session.execute(select(Case).where(Case.status == "notified")).scalar_one()
        assert notified.service_completed_at is None and notified.appeal_deadline is None
        # The office calendar holds the years the demo spans (春节 2026 off, 02-14 worked).
        years = session.execute(select(CalendarYear.year)).scalars().all()
        assert {2025, 2026} <= set(years)


def test_near_misses_pass_and_the_tightened_linger_limit_applies(
    demo: tuple[Engine, dict[str, int]],
) -> None:
    engine, _ = demo
    start, days = demo_period(TODAY)
    clock = FixedClock(datetime.combine(TODAY, time(9), TZ).astimezone(UTC))
    with Session(engine, expire_on_commit=False) as session:
        run_detection(_manager(session, clock), start, start + timedelta(days=days - 1))
        flagged = {
            (code, key)
            for code, key in session.execute(select(Finding.rule_code, Finding.dedupe_key))
        }
        versions = dict(session.execute(select(Finding.dedupe_key, Finding.policy_version)).all())

        # A ring of exactly 120 s and a gap of exactly 5 s pass; one second more (less) fails.
        items = session.execute(
            select(SpotCheckItem.id, SpotCheckItem.item_key, SpotCheckItem.observed).where(
                SpotCheckItem.observed.is_not(None)  # type: ignore[union-attr]
            )
        ).all()
        exact = [
            i
            for i in items
            if (i.item_key, i.observed) in {("ring_duration", 120), ("ring_interval", 5)}
        ]
        over = [i for i in items if (i.item_key == "ring_duration" and i.observed > 120)]
        assert exact and over
        assert not any(("R03", f"spot_check_item:{i.id}") in flagged for i in exact)
        assert all(("R03", f"spot_check_item:{i.id}") in flagged for i in over)

        # Leaving exactly at the limit passes: 15 min before 2026-03-01, 10 min after. Twelve
        # minutes passes before the tightening and is a breach (version 1.1) after it.
        tightened = datetime.combine(date(2026, 3, 1), time(), TZ).astimezone(UTC)
        visits = session.execute(select(Visit.id, Visit.done_at, Visit.left_at)).all()
        linger = {
            v.id: (v.left_at - v.done_at, v.done_at >= tightened)
            for v in visits
            if v.done_at and v.left_at
        }
        at_limit = [
            vid for vid, (stay, late) in linger.items()
            if stay == timedelta(minutes=10 if late else 15)
        ]  # fmt: skip
        twelve = [
            (vid, late) for vid, (stay, late) in linger.items() if stay == timedelta(minutes=12)
        ]
        assert at_limit and any(late for _, late in twelve) and any(not late for _, late in twelve)
        assert not any(("R08", f"visit:{vid}") in flagged for vid in at_limit)
        for vid, late in twelve:
            assert (("R08", f"visit:{vid}") in flagged) == late
            if late:
                assert versions[f"visit:{vid}"] == "1.1"

        # Signing back exactly at the end of the shift plus the 60 minutes' grace passes.
        a, rs = AttendanceEvent, RosterShift
        backs = session.execute(
            select(a.staff_id, a.work_date, a.at, rs.end_at)
            .join(rs, and_(rs.staff_id == a.staff_id, rs.work_date == a.work_date))
            .where(a.kind == "sign_back")
        ).all()
        grace = timedelta(hours=1)
        on_limit = [(b.staff_id, b.work_date) for b in backs if b.at - b.end_at == grace]
        late = [(b.staff_id, b.work_date) for b in backs if b.at - b.end_at > grace]
        assert on_limit and late
        signback = {key for code, key in flagged if code == "R02" and key.endswith(":signback")}
        assert not any(f"fieldday:{s}:{d.isoformat()}:signback" in signback for s, d in on_limit)

        # A tip handed over 47 h after it was received satisfies the report of it.
        tips = session.execute(
            select(TipLine.received_at, TipLine.handed_over_at, TipLine.staff_id, TipLine.unit_id)
        ).all()
        on_time = {
            (t.staff_id, t.unit_id, t.received_at)
            for t in tips
            if t.handed_over_at and t.handed_over_at - t.received_at == timedelta(hours=47)
        }
        reports = session.execute(
            select(Feedback.id, Feedback.staff_id, Feedback.unit_id, Feedback.occurred_at).where(
                Feedback.category == "tip_reported"
            )
        ).all()
        near = [r.id for r in reports if (r.staff_id, r.unit_id, r.occurred_at) in on_time]
        assert near
        assert not any(("R12", f"feedback:{fid}") in flagged for fid in near)


def test_receipts_are_gap_free_and_nothing_is_dated_after_the_load(
    demo: tuple[Engine, dict[str, int]],
) -> None:
    engine, _ = demo
    now = datetime.combine(TODAY, time(), TZ).astimezone(UTC)
    with Session(engine) as session:
        numbers = (
            session.execute(
                select(TipLine.receipt_no).where(TipLine.receipt_no.is_not(None))  # type: ignore[union-attr]
            )
            .scalars()
            .all()
        )
        by_year: dict[int, list[int]] = {}
        for no in numbers:
            office, kind, year, n = no.split("-")
            assert (office, kind) == ("BSW", "SJ")
            by_year.setdefault(int(year), []).append(int(n))
        counters = dict(
            session.execute(
                select(CounterRow.year, CounterRow.value).where(CounterRow.name == "tip_receipt")
            ).all()
        )
        for year, ns in by_year.items():
            assert sorted(ns) == list(range(1, len(ns) + 1))
            assert counters[year] == len(ns)
        for column in (
            Visit.left_at,
            Visit.done_at,
            Feedback.received_at,
            TipLine.handed_over_at,
            AttendanceEvent.at,
        ):
            latest = session.execute(select(func.max(column))).scalar_one()
            assert latest is not None and latest <= now


def test_generator_is_deterministic(session: Session) -> None:
    def snapshot(code: str) -> list[tuple[object, ...]]:
        counts = generate_office(
            session, code=code, name=f"{code}管理处", city="深圳", n_staff=8, n_units=30,
            start=date(2026, 2, 1), days=21, seed=7, rates=Rates(),
        )  # fmt: skip
        assert counts["staff"] == 8
        office_id = session.execute(
            text("SELECT id FROM office WHERE code = :c"), {"c": code}
        ).scalar_one()
        staff = session.execute(
            select(Staff.employee_no, Staff.name, Staff.team)
            .where(Staff.office_id == office_id)
            .order_by(Staff.employee_no)
        ).all()
        visits = session.execute(
            select(Visit.requested_at, Visit.arrived_at, Visit.done_at, Visit.description)
            .where(Visit.office_id == office_id)
            .order_by(Visit.id)  # type: ignore[arg-type]
        ).all()
        units = session.execute(
            select(Unit.building, Unit.room).where(Unit.office_id == office_id).order_by(Unit.id)
        ).all()  # type: ignore[arg-type]
        return [*map(tuple, staff), *map(tuple, visits), *map(tuple, units)]

    assert snapshot("AAA") == snapshot("BBB")


def test_bulk_load_stores_times_exactly_as_the_orm_does(session: Session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the fast text binds are used on SQLite only")
    generate_office(
        session, code="TXT", name="测试管理处", city="深圳", n_staff=3, n_units=4,
        start=date(2026, 2, 1), days=7, seed=1, rates=Rates(),
    )  # fmt: skip
    bulk = session.execute(
        select(AttendanceEvent).order_by(AttendanceEvent.id).limit(1)
    ).scalar_one()  # type: ignore[arg-type]
    orm = AttendanceEvent(
        office_id=bulk.office_id, staff_id=bulk.staff_id, kind=bulk.kind, at=bulk.at,
        work_date=bulk.work_date, source="test", created_at=bulk.created_at,
    )  # fmt: skip
    session.add(orm)
    session.flush()
    raw = session.execute(
        text(
            "SELECT at, work_date, created_at FROM attendance_event"
            " WHERE id IN (:a, :b) ORDER BY id"
        ),
        {"a": bulk.id, "b": orm.id},
    ).all()
    assert tuple(raw[0]) == tuple(raw[1])
    assert bulk.at.tzinfo is UTC
