"""R02 — report to the office before going out, sign back when work ends, wear the badge."""

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from policies.base import (
    ChecklistItem,
    Decision,
    Detector,
    EvidenceRef,
    Outcome,
    Parameter,
    Policy,
    breach,
)
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.conduct.default_ladder import DEFAULT_LADDER
from policies.facts import FactBundle, PunchFact, VisitFact
from policies.text import duration_en, duration_zh
from policies.vocab import EvidenceKind

CODE = "R02"
CHECK_IN, SIGN_BACK = "check_in", "sign_back"


# How long before its shift starts a check-in still counts as reporting for that shift.
CHECK_IN_EARLIEST = timedelta(hours=8)


@dataclass
class Duty:
    """One stretch of work a sign-back closes: a rostered shift, or a call-out.

    A job begun inside a rostered shift belongs to that shift, across midnight for a night
    shift. A job begun outside every shift is a call-out: it continues the duty before it
    when the staff member went on to it before a sign-back was due and had not signed back
    in between, and otherwise forms a duty of its own.
    """

    staff_id: int
    jobs: list[VisitFact]
    # When the staff member left the last home of the duty (else done, else arrived).
    last_job_end_at: datetime
    roster_id: int | None = None
    roster_work_date: date | None = None
    shift_start_at: datetime | None = None
    shift_end_at: datetime | None = None

    @property
    def first_job(self) -> VisitFact:
        """The duty's first job in a home."""
        return self.jobs[0]

    def add(self, v: VisitFact) -> None:
        """Another job of the duty, begun after the ones before it."""
        self.jobs.append(v)
        self.last_job_end_at = max(self.last_job_end_at, _job_end(v))

    @property
    def last_job(self) -> VisitFact:
        """The job the sign-back comes after."""
        return max(self.jobs, key=lambda v: (_job_end(v), v.id))

    @property
    def work_end(self) -> datetime:
        """The end of the shift, or of the last job in a home if that was later."""
        end = self.last_job_end_at
        if self.shift_end_at is not None and self.shift_end_at > end:
            return self.shift_end_at
        return end

    @property
    def open_ended(self) -> bool:
        """When some job of the duty ended is unknown (no done or leaving time recorded)."""
        return any(_ended(v) is None for v in self.jobs)

    @property
    def day(self) -> date:
        """The duty's date: the day its shift is rostered on, else its first job's."""
        return self.roster_work_date or self.first_job.work_date

    @property
    def key(self) -> str:
        """Stable words for the duty, the same on every run over the same records."""
        if self.roster_id is not None:
            return f"fieldday:{self.staff_id}:{self.day.isoformat()}"
        return f"callout:{self.staff_id}:{self.first_job.id}"


def _ended(v: VisitFact) -> datetime | None:
    # Leaving the home is when the way back to the office begins; minutes lingered before
    # it are R08's, so the sign-back deadline runs from the leaving, not the job's done.
    # An older record of two trips as one visit does not say when the first trip left.
    return None if v.two_trips_in_one else (v.left_at or v.done_at)


def _job_end(v: VisitFact) -> datetime:
    end = _ended(v) or v.arrived_at
    assert end is not None  # only jobs that began are grouped into duties
    return end


class PunchIndex:
    """One staff member's punches of each kind in time order, looked up by bisection."""

    def __init__(self, punches: Iterable[PunchFact]) -> None:
        self._at: dict[str, list[datetime]] = {}
        self._rows: dict[str, list[PunchFact]] = {}
        for p in sorted(punches, key=lambda p: (p.at, p.id)):
            self._at.setdefault(p.kind, []).append(p.at)
            self._rows.setdefault(p.kind, []).append(p)

    @classmethod
    def of(cls, punches: "Sequence[PunchFact] | PunchIndex") -> "PunchIndex":
        """The index itself, or one built from a list of punches."""
        return punches if isinstance(punches, PunchIndex) else cls(punches)

    def first(self, kind: str, lo: datetime, hi: datetime | None = None) -> PunchFact | None:
        """The first punch of the kind at or after lo (and at or before hi, if given)."""
        times = self._at.get(kind, [])
        i = bisect_left(times, lo)
        if i == len(times) or (hi is not None and times[i] > hi):
            return None
        return self._rows[kind][i]


Punches = Sequence[PunchFact] | PunchIndex  # a list of punches (tests), or one's index


def _by_staff(punches: Iterable[PunchFact]) -> dict[int, PunchIndex]:
    rows: dict[int, list[PunchFact]] = {}
    for p in punches:
        rows.setdefault(p.staff_id, []).append(p)
    return {staff_id: PunchIndex(mine) for staff_id, mine in rows.items()}


def duties(
    visits: Sequence[VisitFact],
    punches: Sequence[PunchFact] | Mapping[int, PunchIndex],
    grace_minutes: int,
) -> list[Duty]:
    """Group the jobs each staff member began into duties, in time order."""
    grace = timedelta(minutes=grace_minutes)
    indexes = punches if isinstance(punches, Mapping) else _by_staff(punches)
    jobs: dict[int, list[VisitFact]] = {}
    for v in visits:
        if v.arrived_at is not None:
            jobs.setdefault(v.staff_id, []).append(v)
    none = PunchIndex(())
    out: list[Duty] = []
    for staff_id in sorted(jobs):
        prev: Duty | None = None
        signed = indexes.get(staff_id, none)
        for v in sorted(jobs[staff_id], key=lambda j: (j.arrived_at, j.id)):
            arrived = v.arrived_at
            assert arrived is not None
            inside = v.in_shift
            if prev is not None and inside and prev.roster_id == v.roster_id:
                prev.add(v)
                continue
            if (
                prev is not None
                and (not inside or prev.roster_id is None)
                and arrived <= prev.work_end + grace
                and signed.first(SIGN_BACK, prev.last_job_end_at, arrived) is None
            ):
                # Went on to this job before a sign-back was due and without one: the same
                # duty (a call-out that ran on into a shift takes the shift's).
                prev.add(v)
                if inside:
                    _adopt_shift(prev, v)
                continue
            prev = Duty(staff_id, [v], _job_end(v))
            if inside:
                _adopt_shift(prev, v)
            out.append(prev)
    return out


def _adopt_shift(duty: Duty, v: VisitFact) -> None:
    duty.roster_id, duty.roster_work_date = v.roster_id, v.roster_work_date
    duty.shift_start_at, duty.shift_end_at = v.shift_start_at, v.shift_end_at


def first_shift_job(duty: Duty) -> VisitFact | None:
    """The first job begun inside the duty's shift; None for a call-out."""
    return next((v for v in duty.jobs if v.in_shift and v.roster_id == duty.roster_id), None)


def check_in_for(duty: Duty, punches: Punches) -> PunchFact | None:
    """The first check-in that reports for the duty's shift, at or before its first job."""
    job = first_shift_job(duty)
    if job is None or duty.shift_start_at is None:
        return None
    return PunchIndex.of(punches).first(
        CHECK_IN, duty.shift_start_at - CHECK_IN_EARLIEST, duty.work_end
    )


def judge_check_in(duty: Duty, punches: Punches) -> Outcome:
    """A rostered duty breaches when no check-in came at or before its first job.

    A call-out (a job begun outside every shift) is not the start of a shift: the rule's
    "report before going out" is judged for rostered shifts only.
    """
    job = first_shift_job(duty)
    if job is None:
        return Outcome.NOT_APPLICABLE
    assert job.arrived_at is not None
    found = check_in_for(duty, punches)
    if found is None or found.at > job.arrived_at:
        return Outcome.BREACH
    return Outcome.PASS


def sign_back_for(duty: Duty, punches: Punches, grace_minutes: int) -> PunchFact | None:
    """The first sign-back after the duty's last job, if one came by the deadline."""
    deadline = duty.work_end + timedelta(minutes=grace_minutes)
    return PunchIndex.of(punches).first(SIGN_BACK, duty.last_job_end_at, deadline)


def judge_sign_back(duty: Duty, punches: Punches, as_of: datetime, grace_minutes: int) -> Outcome:
    """A duty breaches when no sign-back follows its last job by the end of work + grace.

    A call-out whose job has no end recorded is not judged: when its work ended is unknown
    (a rostered duty still ends with its shift at the latest).
    """
    if sign_back_for(duty, punches, grace_minutes) is not None:
        return Outcome.PASS
    if duty.roster_id is None and duty.open_ended:
        return Outcome.NOT_APPLICABLE
    if as_of < duty.work_end + timedelta(minutes=grace_minutes):
        return Outcome.NOT_APPLICABLE  # the duty is not over yet
    return Outcome.BREACH


def _late_sign_back(duty: Duty, punches: PunchIndex) -> PunchFact | None:
    """The first sign-back after the last job, however late (for the explanation)."""
    return punches.first(SIGN_BACK, duty.last_job_end_at)


def _run_check_in(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    by_staff = _by_staff(bundle.punches)
    none = PunchIndex(())
    for duty in duties(bundle.visits, by_staff, params["signback_grace_minutes"]):
        punches = by_staff.get(duty.staff_id, none)
        if judge_check_in(duty, punches) is not Outcome.BREACH:
            continue
        job = first_shift_job(duty)
        assert job is not None and job.arrived_at is not None  # judged above
        found = check_in_for(duty, punches)
        when = duty.day.isoformat()
        if found is None:
            zh = f"{when} 班次第一项入户工作(工单 #{job.id})开始前没有到管理处报到。"
            en = (
                f"No office check-in before the first home job (visit #{job.id}) of {when}'s shift."
            )
        else:
            late = found.at - job.arrived_at
            zh = (
                f"{when} 班次首次到管理处报到比第一项入户工作(工单 #{job.id})"
                f"开始晚 {duration_zh(late)}。"
            )
            en = (
                f"On {when} the first office check-in came {duration_en(late)} after the "
                f"shift's first home job (visit #{job.id}) started."
            )
        refs = [EvidenceRef(EvidenceKind.VISIT, job.id)]
        if duty.roster_id is not None:
            refs.append(EvidenceRef(EvidenceKind.ROSTER, duty.roster_id))
        if found is not None:
            refs.append(EvidenceRef(EvidenceKind.ATTENDANCE, found.id))
        yield breach(
            explanation_zh=zh,
            explanation_en=en,
            evidence=refs,
            staff_id=duty.staff_id,
            occurred_at=job.arrived_at,
            dedupe_key=f"{duty.key}:checkin",
            inputs=(duty.first_job, found),
        )


def _run_sign_back(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    grace = params["signback_grace_minutes"]
    by_staff = _by_staff(bundle.punches)
    none = PunchIndex(())
    for duty in duties(bundle.visits, by_staff, grace):
        punches = by_staff.get(duty.staff_id, none)
        if judge_sign_back(duty, punches, bundle.as_of, grace) is not Outcome.BREACH:
            continue
        end = duty.work_end
        when = duty.day.isoformat()
        after_job = end != duty.shift_end_at
        last = duty.last_job
        if duty.roster_id is None:
            end_zh = f"排班以外的入户工作(工单 #{last.id})结束"
            end_en = f"the call-out job outside the roster (visit #{last.id}) ended"
        elif after_job:
            end_zh, end_en = "最后一项入户工作结束", "the last home job ended"
        else:
            end_zh, end_en = "下班", "the end of the shift"
        late_back = _late_sign_back(duty, punches)
        if late_back is None:
            zh = f"{when} 有入户工作,但{end_zh}后 {grace} 分钟内没有回管理处签到。"
            en = (
                f"On {when}, a duty with home jobs, there was no sign-back at the office "
                f"within {grace} min of {end_en}."
            )
        else:
            late = late_back.at - end
            zh = f"{when} {end_zh}后 {duration_zh(late)}才回管理处签到,超过允许的 {grace} 分钟。"
            en = (
                f"On {when} signed back at the office {duration_en(late)} after {end_en}, "
                f"more than the {grace} min allowed."
            )
        refs = [EvidenceRef(EvidenceKind.VISIT, last.id)]
        if duty.roster_id is not None:
            refs.append(EvidenceRef(EvidenceKind.ROSTER, duty.roster_id))
        if late_back is not None:
            refs.append(EvidenceRef(EvidenceKind.ATTENDANCE, late_back.id))
        yield breach(
            explanation_zh=zh,
            explanation_en=en,
            evidence=refs,
            staff_id=duty.staff_id,
            occurred_at=end,
            dedupe_key=f"{duty.key}:signback",
            inputs=(tuple(duty.jobs), late_back),
        )


POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=2,
    title_zh="报到、签到与佩证",
    title_en="Check in, sign back, wear the badge",
    text_zh=(
        "上班必须先到管理处报到,然后外出工作。工作结束后,必须及时到管理处签到。"
        "上班时间必须佩带工作证,以便接受业主(住户)监督。"
    ),
    text_en=(
        "On starting work, staff first report to the office and only then go out to work. "
        "When work ends they promptly sign back in at the office. On duty they wear their "
        "work badge, so that residents can hold them to account."
    ),
    evidence_kinds=(
        EvidenceKind.ATTENDANCE,
        EvidenceKind.ROSTER,
        EvidenceKind.VISIT,
        EvidenceKind.INSPECTION,
        EvidenceKind.SPOT_CHECK_ITEM,
    ),
    checklist=(
        ChecklistItem(
            key="badge_worn",
            rule_code=CODE,
            label_zh="佩戴工作证",
            label_en="Work badge worn",
        ),
    ),
    parameters=(
        Parameter(
            name="signback_grace_minutes",
            default=60,
            unit="min",
            description_zh="下班(入户工作超过下班时间的,自工作结束)后回管理处签到的宽限时间",
            description_en=(
                "Time allowed for signing back after the end of the shift, or of the last "
                "home job when it ran past the shift"
            ),
            minimum=0,
            maximum=720,
        ),
    ),
    detectors=(
        Detector(
            key="no_check_in",
            rule_code=CODE,
            description_zh="班次的第一项入户工作开始前没有到管理处报到",
            description_en="A shift's first home job started with no office check-in before it",
            needs=frozenset({"visits", "punches"}),
            params=(),
            run=_run_check_in,
        ),
        Detector(
            key="no_sign_back",
            rule_code=CODE,
            description_zh=(
                "有入户工作的班次(含排班以外的出勤),最后一项入户工作结束后、"
                "下班或该工作结束(以较晚者为准)加宽限时间内没有回管理处签到"
            ),
            description_en=(
                "A duty with home jobs (call-outs included) and no sign-back after its last "
                "home job within the grace after the end of the shift or of that job, "
                "whichever is later"
            ),
            needs=frozenset({"visits", "punches"}),
            params=("signback_grace_minutes",),
            run=_run_sign_back,
        ),
    ),
    sanction=DEFAULT_LADDER,
)
