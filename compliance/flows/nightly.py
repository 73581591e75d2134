"""The nightly detection run, started by the app itself: once a night across every process.

What needs time to pass (a sign-back missing after the end of the duty, a tip not handed
over within 48 hours) cannot be judged when the record is saved; every night the app runs
every detector over the last weeks. Each server process runs a scheduler thread; the first to
claim the night's row of `job_lease` (one conditional UPDATE, the same on SQLite and
PostgreSQL) runs it, the others see the claim and skip. A claim never finished (the process
died) can be taken over once the lease has run out.

The service standards' minute clocks (S02 ten minutes, S09 five) and their warnings cannot wait
for the night: the same thread also re-evaluates the clocks of the last weeks every minute
(`run_live_clocks`, the same `evaluate_office` as the night), claimed through its own
`job_lease` row so that of several processes only one runs each minute.
"""

import json
import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Engine, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from compliance.actors import Actor
from compliance.audit import service as audit
from compliance.audit.anchor import anchor_quietly
from compliance.clock import Clock
from compliance.config import Settings, get_settings
from compliance.context import Ctx
from compliance.findings.detect import RunSummary, detect_period
from compliance.flows.models import JobLease
from compliance.flows.service_clocks import evaluate_office
from compliance.offices.models import Office
from compliance.usecase import transaction

log = logging.getLogger(__name__)

JOB = "nightly-detection"
LIVE_JOB = "service-clocks-live"
NEVER = date(1970, 1, 1)


class NightlySettings(BaseSettings):
    """When the nightly run starts and what it covers (COMPLIANCE_NIGHTLY_<NAME>)."""

    model_config = SettingsConfigDict(
        env_prefix="COMPLIANCE_NIGHTLY_", env_file=".env", extra="ignore"
    )

    enabled: bool = True
    # The office-local hour the run starts (02:00 by default, in COMPLIANCE_TIMEZONE).
    hour: int = Field(default=2, ge=0, le=12)
    # How many days back each night looks (a late sign-back or handover is judged again).
    days: int = Field(default=31, ge=1, le=400)
    # A claim not finished after this long is taken to have died with its process.
    lease_minutes: int = Field(default=120, ge=1)
    # A server started this long after the hour still runs that night's job.
    catch_up_hours: int = Field(default=6, ge=0, le=12)
    # How often the service clocks are re-evaluated during the day (0 = only at night).
    live_seconds: int = Field(default=60, ge=0, le=3600)
    # How many days back that evaluation looks (orders still open or recently closed).
    live_days: int = Field(default=45, ge=1, le=400)


@dataclass
class NightlyResult:
    """What one call of the nightly job did."""

    night: date
    holder: str
    ran: bool
    runs: dict[int, RunSummary] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)


def default_holder() -> str:
    """Who claims: host, process and thread, so a log says which server ran the night."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:120]


def _ensure_row(
    engine: Engine, now: datetime, name: str = JOB, since: datetime | None = None
) -> None:
    with Session(engine) as s:
        if s.get(JobLease, name) is not None:
            return
        at = since or now
        s.add(JobLease(name=name, night=NEVER, claimed_at=at, finished_at=at))
        try:
            s.commit()
        except IntegrityError:  # another process made it first
            s.rollback()


def claim(engine: Engine, now: datetime, night: date, holder: str, lease: timedelta) -> bool:
    """Claim the night for this holder; False if it is done or another holder's lease runs."""
    _ensure_row(engine, now)
    lease_over = and_(col(JobLease.finished_at).is_(None), col(JobLease.claimed_at) < now - lease)
    with Session(engine) as s:
        done = s.execute(
            update(JobLease)
            .where(
                col(JobLease.name) == JOB,
                or_(
                    col(JobLease.night) < night,
                    and_(col(JobLease.night) == night, lease_over),
                ),
            )
            .values(night=night, holder=holder, claimed_at=now, finished_at=None, outcome="")
        )
        s.commit()
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def finish(engine: Engine, now: datetime, night: date, holder: str, outcome: str) -> bool:
    """Mark the night done, if this holder still holds it (it may have been taken over)."""
    with Session(engine) as s:
        done = s.execute(
            update(JobLease)
            .where(
                col(JobLease.name) == JOB,
                col(JobLease.night) == night,
                col(JobLease.holder) == holder,
                col(JobLease.finished_at).is_(None),
            )
            .values(finished_at=now, outcome=outcome[:2000])
        )
        s.commit()
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def _system_actor(office_id: int) -> Actor:
    # The run is the app's own act, nobody's: findings and the run record no user
    # (created_by NULL); the audit event names the role "system".
    return Actor.system("nightly", office_id)


def _run_office(
    engine: Engine, clock: Clock, settings: Settings, office_id: int, start: date, end: date
) -> RunSummary:
    with Session(engine, expire_on_commit=False) as s, transaction(s):
        ctx = Ctx(session=s, actor=_system_actor(office_id), clock=clock, settings=settings)
        summary = detect_period(ctx, start, end, created_by=None)
        # The service standards' clocks of the same period (rows rewritten, findings raised).
        # Their failure (a year missing from the office calendar, say) is logged and recorded
        # and costs the night's detection nothing.
        service_clocks, service_findings, service_error = 0, 0, ""
        try:
            with s.begin_nested():
                clocks = evaluate_office(s, office_id, start, end, now=clock.now())
            service_clocks = clocks.clocks
            service_findings = clocks.new_findings + clocks.repeat_findings
        except Exception as exc:
            log.exception("service clocks of office %s failed", office_id)
            service_error = f"{type(exc).__name__}: {exc}"[:500]
        audit.append(
            s,
            at=clock.now(),
            actor_id=None,
            actor_role="system",
            office_id=office_id,
            action="detection.nightly",
            entity="detection_run",
            entity_id=str(summary.run_id),
            payload={
                "start": start,
                "end": end,
                "new": summary.new,
                "errors": summary.errors,
                "service_clocks": service_clocks,
                "service_findings": service_findings,
                "service_error": service_error,
            },
        )
        return summary


def run_nightly(
    engine: Engine,
    clock: Clock,
    settings: Settings | None = None,
    nightly: NightlySettings | None = None,
    holder: str | None = None,
) -> NightlyResult:
    """Claim tonight's run and, if this holder got it, detect over every office, then finish.

    Each office is one transaction; one office failing is recorded and the others still run.
    """
    settings = settings or get_settings()
    nightly = nightly or NightlySettings()
    holder = holder or default_holder()
    now = clock.now()
    night = now.astimezone(ZoneInfo(settings.timezone)).date()
    result = NightlyResult(night, holder, ran=False)
    if not claim(engine, now, night, holder, timedelta(minutes=nightly.lease_minutes)):
        log.info("nightly run for %s already claimed; skipped by %s", night, holder)
        return result
    result.ran = True
    start = night - timedelta(days=nightly.days)
    with Session(engine) as s:
        offices = list(s.execute(select(col(Office.id)).order_by(col(Office.id))).scalars())
    for office_id in offices:
        assert office_id is not None
        try:
            result.runs[office_id] = _run_office(engine, clock, settings, office_id, start, night)
        except Exception as exc:  # one office's failure must not cost the others their night
            log.exception("nightly run for office %s failed", office_id)
            result.errors[office_id] = f"{type(exc).__name__}: {exc}"
    outcome = json.dumps(
        {
            "new": {str(k): v.new for k, v in result.runs.items()},
            "errors": {str(k): v for k, v in result.errors.items()},
        }
    )
    finish(engine, clock.now(), night, holder, outcome)
    with engine.connect() as conn:  # the night's heads, outside the database (audit/anchor.py)
        anchor_quietly(conn, settings, clock.now(), f"nightly {night}")
    return result


def claim_live(
    engine: Engine, now: datetime, holder: str, every: timedelta, lease: timedelta
) -> bool:
    """Claim this minute's evaluation of the clocks: False if another process ran it less than
    `every` ago, is running it (within `lease`), or the night's run is under way."""
    _ensure_row(engine, now, LIVE_JOB, since=now - every - every)
    with Session(engine) as s:
        night = s.get(JobLease, JOB)
        if night is not None and night.finished_at is None and _utc(night.claimed_at) > now - lease:
            return False  # the night's run rewrites the same rows; the next minute will do
        done = s.execute(
            update(JobLease)
            .where(
                col(JobLease.name) == LIVE_JOB,
                or_(
                    and_(
                        col(JobLease.finished_at).is_not(None),
                        # a second's slack: a thread waking exactly `every` later still runs
                        col(JobLease.claimed_at) <= now - every + timedelta(seconds=1),
                    ),
                    and_(
                        col(JobLease.finished_at).is_(None), col(JobLease.claimed_at) < now - lease
                    ),
                ),
            )
            .values(night=now.date(), holder=holder, claimed_at=now, finished_at=None, outcome="")
        )
        s.commit()
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=ZoneInfo("UTC"))


def run_live_clocks(
    engine: Engine,
    clock: Clock,
    settings: Settings | None = None,
    nightly: NightlySettings | None = None,
    holder: str | None = None,
) -> dict[int, int] | None:
    """Re-evaluate every office's service clocks of the last `live_days` now, if this holder
    claims the minute (None if not): {office id: clocks}. One transaction per office; a
    failing office is logged and the others still run."""
    settings = settings or get_settings()
    nightly = nightly or NightlySettings()
    holder = holder or default_holder()
    now = clock.now()
    every = timedelta(seconds=max(nightly.live_seconds, 1))
    if not claim_live(engine, now, holder, every, timedelta(minutes=10)):
        return None
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    start = today - timedelta(days=nightly.live_days)
    with Session(engine) as s:
        offices = list(s.execute(select(col(Office.id)).order_by(col(Office.id))).scalars())
    out: dict[int, int] = {}
    errors: dict[str, str] = {}
    for office_id in offices:
        assert office_id is not None
        try:
            with Session(engine, expire_on_commit=False) as s, transaction(s):
                out[office_id] = evaluate_office(
                    s, office_id, start, today, now=now, audit_unchanged=False
                ).clocks
        except Exception as exc:
            log.exception("live service clocks of office %s failed", office_id)
            errors[str(office_id)] = f"{type(exc).__name__}: {exc}"[:300]
    with Session(engine) as s:
        s.execute(
            update(JobLease)
            .where(col(JobLease.name) == LIVE_JOB, col(JobLease.holder) == holder)
            .values(finished_at=clock.now(), outcome=json.dumps({"errors": errors})[:2000])
        )
        s.commit()
    return out


def next_due(now: datetime, tz: ZoneInfo, nightly: NightlySettings, done: date | None) -> datetime:
    """When the scheduler should next run: tonight's hour, or now if that hour passed less
    than the catch-up time ago and tonight has not run in this process."""
    today = now.astimezone(tz).date()
    for day in (today - timedelta(days=1), today, today + timedelta(days=1)):
        due = datetime.combine(day, time(nightly.hour), tz)
        if day != done and now < due + timedelta(hours=nightly.catch_up_hours):
            return max(due, now)
    return datetime.combine(today + timedelta(days=2), time(nightly.hour), tz)


class NightlyScheduler:
    """A daemon thread that sleeps until the night's hour and runs `run_nightly` off the
    event loop; every process has one, the lease lets only one of them run a night."""

    POLL_SECONDS = 300.0  # re-read the clock at least this often (clock changes, DST)

    def __init__(
        self, engine: Engine, clock: Clock, settings: Settings, nightly: NightlySettings
    ) -> None:
        self.engine, self.clock, self.settings, self.nightly = engine, clock, settings, nightly
        self._stop = threading.Event()
        self._done: date | None = None
        self._thread = threading.Thread(target=self._loop, name="nightly-detection", daemon=True)
        self._live = (
            threading.Thread(target=self._live_loop, name="service-clocks-live", daemon=True)
            if nightly.live_seconds > 0
            else None
        )

    @property
    def alive(self) -> bool:
        """Whether the thread is running."""
        return self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (and the minute clocks' thread)."""
        self._thread.start()
        if self._live is not None:
            self._live.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop and wait for it (a run in progress finishes first)."""
        self._stop.set()
        for thread in (self._thread, self._live):
            if thread is not None and thread.is_alive():
                thread.join(timeout)

    def _live_loop(self) -> None:
        while not self._stop.wait(self.nightly.live_seconds):
            try:
                run_live_clocks(self.engine, self.clock, self.settings, self.nightly)
            except Exception:  # keep the thread: the next minute is another chance
                log.exception("live service clocks failed")

    def _loop(self) -> None:
        tz = ZoneInfo(self.settings.timezone)
        while not self._stop.is_set():
            now = self.clock.now()
            wait = (next_due(now, tz, self.nightly, self._done) - now).total_seconds()
            if wait > 0:
                self._stop.wait(min(wait, self.POLL_SECONDS))
                continue
            try:
                self._done = run_nightly(self.engine, self.clock, self.settings, self.nightly).night
            except Exception:  # keep the thread: tomorrow night is another chance
                log.exception("nightly run failed")
                self._stop.wait(self.POLL_SECONDS)
