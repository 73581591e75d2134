"""Demo generator, second layer: jobs in homes, overtime requests and damage incidents."""

from datetime import timedelta
from itertools import pairwise

from compliance.damages.models import DamageIncident, Settlement
from compliance.demo import names as N
from compliance.demo.builder import (
    A_MINUTE,
    HOUR,
    MIN,
    SHIFT_END,
    SHIFT_START,
    JobPlan,
    Row,
    StaffPlan,
    pick_labels,
)
from compliance.demo.people import PeopleBuilder
from compliance.overtime.models import OvertimeDecision, OvertimeRequest
from compliance.visits.models import Visit
from policies.vocab import FeedbackCategory as Cat
from policies.vocab import FeedbackChannel as Chan


class JobsBuilder(PeopleBuilder):
    """Adds the work orders (with their near misses), overtime and damage."""

    def plan_jobs(self) -> list[JobPlan]:
        """Home jobs inside shifts, overtime jobs in the evening or on a rest day, labelled."""
        rng, rates = self.rng, self.rates
        jobs: list[JobPlan] = []
        for s in self.staff:
            p, p_ot = rates.visits * s.weight, rates.overtime * s.weight
            for d in range(s.first_day, self.days):
                if not s.shifts[d]:
                    if rng.random() < p_ot * 1.5:
                        arrive, onsite = rng.randint(570, 900) * MIN, rng.randint(40, 120) * MIN
                        jobs.append(JobPlan(s, d, arrive, onsite, "rest_day", self.unit()))
                    continue
                u = rng.random()
                if u < p:
                    cursor = SHIFT_START + rng.randint(15, 150) * MIN
                    for _ in range(2 if u < p / 4 else 1):
                        onsite = rng.randint(40, 150) * MIN
                        if cursor + onsite > SHIFT_END - 10 * MIN:
                            break
                        jobs.append(JobPlan(s, d, cursor, onsite, "", self.unit()))
                        cursor += onsite + rng.randint(15, 60) * MIN
                if rng.random() < p_ot * 0.75:
                    jobs.append(self._evening_job(s, d))
        # A small office may draw too few overtime jobs to show every kind of R09 case.
        home = [s for s in self.staff if s.weight >= 1] or self.staff
        for _ in range(6 * rates.min_each - sum(1 for j in jobs if j.overtime)):
            s = rng.choice(home)
            jobs.append(self._evening_job(s, self.shift_day(s)))
        m, b = rates.min_each, rates.boundary
        regular = [j for j in jobs if not j.overtime]
        specs = [
            ("open", rates.open_jobs * 0.6, m),
            ("open_arrived", rates.open_jobs * 0.4, 1),
            ("next_day", rates.next_day_jobs, 1),
            ("linger", rates.lingering, m),
        ]
        for j, label in zip(regular, pick_labels(rng, len(regular), specs), strict=True):
            j.label = label
        # Near misses on the linger limit in each stretch of time one limit was in force, so
        # that the demo shows the same 12 minutes passing before a tightening and not after.
        for lo, hi in self.linger_segments():
            plain = [j for j in regular if lo <= j.day < hi and not j.label]
            near = [("linger_at_limit", b, 1), ("linger_between", b / 2, 1)]
            for j, label in zip(plain, pick_labels(rng, len(plain), near), strict=True):
                j.label = label
        overtime = [j for j in jobs if j.overtime]
        specs = [
            ("late", rates.approved_late, m),
            ("not_director", rates.not_director, m),
            ("refused", rates.refused, m),
            ("no_request", rates.no_request, m),
            ("at_arrival", b, 1),
        ]
        for j, label in zip(overtime, pick_labels(rng, len(overtime), specs), strict=True):
            j.label = label
        return jobs

    def _evening_job(self, s: StaffPlan, d: int) -> JobPlan:
        rng = self.rng
        arrive = 18 * HOUR + rng.randint(15, 150) * MIN
        return JobPlan(s, d, arrive, rng.randint(30, 90) * MIN, "evening", self.unit())

    def linger_segments(self) -> list[tuple[int, int]]:
        """Day ranges [lo, hi) of the period in which one linger limit was in force."""
        cuts = sorted({(since - self.local.start).days for since, _ in self.rates.linger_limits})
        bounds = [0, *(c for c in cuts if 0 < c < self.days), self.days]
        return list(pairwise(bounds))

    def linger_limit(self, d: int) -> int:
        """The R08 limit in minutes in force on day d."""
        day, limit = self.local.day(d), self.r08["linger_minutes"]
        for since, minutes in self.rates.linger_limits:
            if since <= day:
                limit = minutes
        return limit

    def _linger(self, j: JobPlan, limit: int) -> int:
        if j.label == "linger":
            room = max(1, min(30, j.onsite // MIN - 10 - limit))
            return (limit + self.rng.randint(1, room)) * MIN
        if j.label == "linger_at_limit":
            return limit * MIN
        if j.label == "linger_between":
            return 12 * MIN  # a breach only once the limit is below 12 minutes
        return self.rng.randint(30, 8 * MIN)

    def visits(self, jobs: list[JobPlan]) -> None:
        """Insert the jobs as work orders, in the order the front desk took them."""
        for j in jobs:
            j.row = self._visit(j)
        jobs.sort(key=lambda j: (j.row["requested_at"], j.staff.idx))
        ids = self.insert_ids(Visit, [j.row for j in jobs])
        for j, vid in zip(jobs, ids, strict=True):
            j.id = vid

    def _visit(self, j: JobPlan) -> Row:
        rng, at, d = self.rng, self.local.at, j.day
        kind, text, outcome = rng.choice(N.JOBS[j.staff.team])
        if j.overtime:
            requested = max(7 * HOUR, j.arrive - rng.randint(180, 480) * MIN)
        else:
            requested = max(7 * HOUR + 30 * MIN, j.arrive - rng.randint(20, 180) * MIN)
        assigned = requested + rng.randint(2, 15) * MIN
        arrive: int | None = j.arrive
        leave: int | None = j.arrive + j.onsite
        done: int | None = None
        end_day = d
        if j.label == "open":
            arrive = leave = None
        elif j.label == "open_arrived" or (j.label == "next_day" and d + 1 >= self.days):
            pass  # came, could not finish, left: still open
        elif j.label == "next_day":
            end_day = d + 1
            done = 9 * HOUR + 30 * MIN + rng.randint(0, 90) * MIN
            leave = done + rng.randint(2, 6) * MIN
        else:
            assert leave is not None
            done = leave - self._linger(j, self.linger_limit(d))
        if arrive is not None and leave is not None:
            key = (j.staff.idx, d)
            self.field_first[key] = min(arrive, self.field_first.get(key, arrive))
            if end_day == d:
                self.field_last[key] = max(leave, self.field_last.get(key, leave))
            if j.overtime:
                self.overtime_days.add(key)
        return {
            "office_id": self.office_id,
            "staff_id": j.staff.id,
            "unit_id": j.unit_id,
            "kind": kind,
            "description": text,
            "requested_at": at(d, requested),
            "work_date": self.local.day(d),
            "assigned_at": at(d, assigned),
            "arrived_at": None if arrive is None else at(d, arrive),
            "done_at": None if done is None else at(end_day, done),
            "done_date": None if done is None else self.local.day(end_day),
            "left_at": None if leave is None else at(end_day, leave),
            "outcome": outcome if done is not None else (N.VISIT_NOT_DONE if arrive else ""),
            "created_at": at(d, requested),
            "created_by": self.users["manager"],
        }

    def overtime(self, jobs: list[JobPlan]) -> None:
        """Overtime requests: mostly approved by the director before the job, some not."""
        rng, users = self.rng, self.users
        rows: list[Row] = []
        for j in jobs:
            if not j.overtime or j.label == "no_request":
                continue
            requested, arrived = j.row["requested_at"], j.row["arrived_at"]
            decided = max(
                arrived - timedelta(minutes=rng.randint(10, 120)), requested + 5 * A_MINUTE
            )
            decision, decider = OvertimeDecision.APPROVED, users["director"]
            if j.label == "at_arrival":
                decided = arrived
            elif j.label == "late":
                decided = arrived + timedelta(minutes=rng.randint(10, 90))
            elif j.label == "not_director":
                decider = users["manager"]
            elif j.label == "refused":
                decision = OvertimeDecision.REFUSED
            rows.append(
                {
                    "office_id": self.office_id,
                    "staff_id": j.staff.id,
                    "unit_id": j.unit_id,
                    "visit_id": j.id,
                    "reason": rng.choice(N.OVERTIME_REASONS),
                    "requested_at": requested,
                    "decision": decision.value,
                    "decided_by": decider,
                    "decided_at": decided,
                    # Entered as given, in the capacity the decider held then (R09).
                    "approver_was_director": decider == users["director"],
                    "entered_by": decider,
                    "entered_at": decided,
                    "decision_note": rng.choice(N.OVERTIME_NOTES[decision.value]),
                    "rearranged_others": decision is OvertimeDecision.APPROVED,
                    "created_at": requested + 2 * A_MINUTE,
                    "created_by": users["manager"],
                }
            )
        self.insert(OvertimeRequest, rows)

    def damages(self, jobs: list[JobPlan]) -> list[Row]:
        """Damage incidents during jobs, valued and settled; returns the residents' reports."""
        rng, now = self.rng, self.now
        done = [j for j in jobs if not j.overtime and j.label == ""]
        k = min(len(done), max(self.rates.min_each, round(self.rates.damages * len(done))))
        rows: list[Row] = []
        reports: list[Row] = []
        for j in rng.sample(done, k):
            item, text, (lo, hi), basis, note = rng.choice(N.DAMAGES)
            arrived, finished = j.row["arrived_at"], j.row["done_at"]
            span = int((finished - arrived).total_seconds())
            occurred = arrived + timedelta(seconds=rng.randint(60, max(61, span - 60)))
            value: int | None = rng.randrange(lo, hi + 1, 10) * 100
            valued_by: str | None = basis
            if rng.random() < 0.1:  # the resident has not produced a receipt or quote yet
                value, valued_by, note = None, None, "待住户提供购买凭证或报价"
            signed = None
            if value is not None and rng.random() < 0.9:
                signed = self.clamp(
                    occurred + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 6))
                )
            settled = (
                None if signed is None else self.clamp(signed + timedelta(days=rng.randint(1, 10)))
            )
            settlement = Settlement.PENDING
            if settled is not None:
                settlement = rng.choice((Settlement.PAID_DIRECTLY, Settlement.DEDUCTED))
            # Paid directly: the whole account is settled. "Deducted" is still owed until a
            # case's deduction takes it from pay, so it is pending, not settled.
            paid = value if settlement == Settlement.PAID_DIRECTLY and value is not None else 0
            if settlement == Settlement.DEDUCTED:
                settlement, settled = Settlement.PENDING, None
            rows.append(
                {
                    "office_id": self.office_id,
                    "staff_id": j.staff.id,
                    "unit_id": j.unit_id,
                    "item": item,
                    "description": text,
                    "occurred_at": occurred,
                    "assessed_value_fen": value,
                    "valuation_basis": valued_by,
                    "valuation_note": note,
                    "resident_signed_off_at": signed,
                    "settlement": settlement.value,
                    "settled_at": settled,
                    "settled_fen": paid,
                    "created_at": min(now, occurred + timedelta(hours=2)),
                    "created_by": self.users["manager"],
                }
            )
            if rng.random() < 0.5:
                text = N.feedback_text(rng, "damage", j.staff.team, self.who(j.staff))
                reports.append(
                    self.feedback(j.staff, j.unit_id, Cat.DAMAGE, Chan.PHONE, occurred, text)
                )
        self.insert(DamageIncident, rows)
        return reports
