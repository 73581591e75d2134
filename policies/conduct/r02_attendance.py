"""R02 — report to the office before going out, sign back when work ends, wear the badge."""

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta

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
from policies.facts import FactBundle, FieldDayFact
from policies.sanction import DEFAULT_LADDER
from policies.text import duration_en, duration_zh
from policies.vocab import EvidenceKind

CODE = "R02"


def judge_check_in(day: FieldDayFact) -> Outcome:
    """A field day breaches when no office check-in came at or before the first home job."""
    if day.first_check_in_at is None or day.first_check_in_at > day.first_job_at:
        return Outcome.BREACH
    return Outcome.PASS


def work_end(day: FieldDayFact) -> datetime | None:
    """When the working day ended: the end of the shift, or later if a job ran past it."""
    if day.shift_end_at is None:
        return None  # no roster: the end of the working day is unknown
    if day.last_job_end_at is not None and day.last_job_end_at > day.shift_end_at:
        return day.last_job_end_at
    return day.shift_end_at


def judge_sign_back(day: FieldDayFact, as_of: datetime, grace_minutes: int) -> Outcome:
    """A field day breaches when there is no sign-back by the end of work plus the grace."""
    end = work_end(day)
    if end is None:
        return Outcome.NOT_APPLICABLE
    deadline = end + timedelta(minutes=grace_minutes)
    if day.last_sign_back_at is not None and day.last_sign_back_at <= deadline:
        return Outcome.PASS
    if as_of < deadline:
        return Outcome.NOT_APPLICABLE  # the day is not over yet
    return Outcome.BREACH


def _refs(day: FieldDayFact, *pairs: tuple[EvidenceKind, int | None]) -> list[EvidenceRef]:
    refs = [EvidenceRef(EvidenceKind.VISIT, day.first_job_visit_id)]
    refs += [EvidenceRef(kind, ref_id) for kind, ref_id in pairs if ref_id is not None]
    return refs


def _run_check_in(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    for day in bundle.field_days:
        if judge_check_in(day) is not Outcome.BREACH:
            continue
        when = day.work_date.isoformat()
        if day.first_check_in_at is None:
            zh = f"{when} 第一项入户工作(工单 #{day.first_job_visit_id})开始前没有到管理处报到。"
            en = (
                f"No office check-in before the first home job "
                f"(visit #{day.first_job_visit_id}) on {when}."
            )
        else:
            late = day.first_check_in_at - day.first_job_at
            zh = (
                f"{when} 首次到管理处报到比第一项入户工作(工单 #{day.first_job_visit_id})"
                f"开始晚 {duration_zh(late)}。"
            )
            en = (
                f"On {when} the first office check-in came {duration_en(late)} after the first "
                f"home job (visit #{day.first_job_visit_id}) started."
            )
        yield breach(
            explanation_zh=zh,
            explanation_en=en,
            evidence=_refs(day, (EvidenceKind.ATTENDANCE, day.first_check_in_id)),
            staff_id=day.staff_id,
            occurred_at=day.first_job_at,
            dedupe_key=f"fieldday:{day.staff_id}:{day.work_date.isoformat()}:checkin",
            inputs=day,
        )


def _run_sign_back(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    grace = params["signback_grace_minutes"]
    for day in bundle.field_days:
        if judge_sign_back(day, bundle.as_of, grace) is not Outcome.BREACH:
            continue
        end = work_end(day)
        assert end is not None  # judge_sign_back says not applicable otherwise
        when = day.work_date.isoformat()
        after_job = end != day.shift_end_at
        end_zh = "最后一项入户工作结束" if after_job else "下班"
        end_en = "the last home job ended" if after_job else "the end of the shift"
        if day.last_sign_back_at is None:
            zh = f"{when} 有入户工作,但{end_zh}后 {grace} 分钟内没有回管理处签到。"
            en = (
                f"On {when}, a day with home jobs, there was no sign-back at the office "
                f"within {grace} min of {end_en}."
            )
        else:
            late = day.last_sign_back_at - end
            zh = f"{when} {end_zh}后 {duration_zh(late)}才回管理处签到,超过允许的 {grace} 分钟。"
            en = (
                f"On {when} signed back at the office {duration_en(late)} after {end_en}, "
                f"more than the {grace} min allowed."
            )
        yield breach(
            explanation_zh=zh,
            explanation_en=en,
            evidence=_refs(
                day,
                (EvidenceKind.ROSTER, day.roster_id),
                (EvidenceKind.ATTENDANCE, day.last_sign_back_id),
            ),
            staff_id=day.staff_id,
            occurred_at=end,
            dedupe_key=f"fieldday:{day.staff_id}:{day.work_date.isoformat()}:signback",
            inputs=day,
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
            description_zh="入户工作开始前当天没有到管理处报到",
            description_en="A home job started with no office check-in earlier that day",
            needs=frozenset({"field_days"}),
            params=(),
            run=_run_check_in,
        ),
        Detector(
            key="no_sign_back",
            rule_code=CODE,
            description_zh="有入户工作的工作日,下班或最后一项入户工作结束(以较晚者为准)后宽限时间内没有回管理处签到",
            description_en=(
                "A day with home jobs and no sign-back within the grace after the end of the "
                "shift or of the last home job, whichever is later"
            ),
            needs=frozenset({"field_days"}),
            params=("signback_grace_minutes",),
            run=_run_sign_back,
        ),
    ),
    sanction=DEFAULT_LADDER,
)
