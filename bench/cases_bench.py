"""HR's backlog and the payroll month for the 2,000-staff office.

`propose_5000_s`: proposing outcomes for 5,000 cases under review in one batch
(`compliance.flows.propose.propose_many`). `payroll_month_2000_staff_s`: building a month's
payroll sheet with deductions planned for ~500 staff.

The cases are set up on a copy of var/bench/bench.db: a year's detection, then 5,000
detector findings spread over the rules are confirmed and put in cases under review with
direct inserts (not timed). Every timed run is a fresh Python process on a fresh copy.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlmodel import Session, col

from bench.detect_bench import (
    DIR,
    END,
    START,
    _clock,
    _fig,
    _peak_rss_kib,
    _remove,
    _url,
    ensure_database,
)
from compliance.accounts.models import User
from compliance.actors import Actor, Role
from compliance.cases.models import Case, CaseFinding, CaseStatus, CaseStep, Notice, Statement
from compliance.clock import FixedClock, local_date
from compliance.context import Ctx
from compliance.db import make_engine
from compliance.findings.detect import run_detection
from compliance.findings.models import Finding, FindingSource, FindingStatus
from compliance.flows.propose import propose_many
from compliance.offices.models import Office
from compliance.pay.models import Deduction, Instalment
from compliance.pay.payroll import payroll_sheet
from compliance.pay.service import seed_example_minimum_wage
from compliance.policy_params import service as policy_params

PREPARED = DIR / "cases.db"
N_CASES = 5_000
N_PAYROLL_STAFF = 500
PRIOR_EVERY = 4  # one case in four has an earlier confirmed finding of its rule (a prior)
MONTH = date(2026, 1, 1)  # the month after the bench year: every staff member has a wage
RUNS = 3


def _ctx(session: Session, username: str, clock: FixedClock) -> Ctx:
    user = session.execute(select(User).where(col(User.username) == username)).scalar_one()
    assert user.id is not None
    actor = Actor(user.id, user.username, Role(user.role), user.office_id, user.staff_id)
    return Ctx(session=session, actor=actor, clock=clock)


# --- setup (not timed) ---------------------------------------------------------------------


def _detect(session: Session, clock: FixedClock) -> int:
    """Run the year's detection unless the copy already has detector findings."""
    found = session.execute(
        select(func.count()).where(col(Finding.source) == FindingSource.DETECTOR.value)
    ).scalar_one()
    if not found:
        run_detection(_ctx(session, "ben-manager", clock), START, END)
        found = session.execute(select(func.count()).select_from(Finding)).scalar_one()
    return int(found)


def _pick(session: Session) -> tuple[list[Finding], list[int]]:
    """5,000 findings of distinct (staff, rule) pairs, taken round-robin over the rules, and
    for every fourth an earlier finding of the same pair to confirm as a prior breach."""
    rows = session.execute(
        select(Finding)
        .where(col(Finding.status) == FindingStatus.OPEN.value)
        .order_by(col(Finding.rule_code), col(Finding.staff_id), col(Finding.occurred_at))
    ).scalars()
    pairs: dict[str, dict[int, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in rows:
        pairs[f.rule_code][f.staff_id].append(f)
    queues = {rule: list(by_staff.values()) for rule, by_staff in sorted(pairs.items())}
    chosen: list[Finding] = []
    priors: list[int] = []
    while len(chosen) < N_CASES and any(queues.values()):
        for queue in queues.values():
            if not queue or len(chosen) == N_CASES:
                continue
            found = queue.pop()
            chosen.append(found[-1])  # the latest: earlier ones may count against it
            if len(chosen) % PRIOR_EVERY == 0 and len(found) > 1:
                priors.append(found[0].id or 0)
    if len(chosen) < N_CASES:
        raise RuntimeError(f"only {len(chosen)} (staff, rule) pairs have findings")
    return chosen, priors


def _reserve_numbers(session: Session, office_id: int, year: int, n: int) -> int:
    """Take n case numbers from the counter at once; returns the first."""
    params = {"o": office_id, "n": "case", "y": year}
    session.execute(
        text(
            "INSERT INTO counter (office_id, name, year, value) VALUES (:o, :n, :y, 0) "
            "ON CONFLICT (office_id, name, year) DO NOTHING"
        ),
        params,
    )
    last = session.execute(
        text(
            "UPDATE counter SET value = value + :k "
            "WHERE office_id = :o AND name = :n AND year = :y RETURNING value"
        ),
        params | {"k": n},
    ).scalar_one()
    return int(last) - n + 1


def _open_cases(session: Session, ctx: Ctx, chosen: list[Finding], priors: list[int]) -> None:
    """Confirm the findings and put each in a case under review with a recorded statement."""
    now, by, office_id = ctx.now(), ctx.actor.user_id, ctx.actor.office_id
    confirm = [f.id for f in chosen] + priors
    session.execute(
        update(Finding)
        .where(col(Finding.id).in_(confirm))
        .values(
            status=FindingStatus.CONFIRMED.value,
            triaged_by=by,
            triaged_at=now,
            triage_reason="基准测试",
        )
        .execution_options(synchronize_session=False)
    )
    code = session.execute(select(Office.code).where(col(Office.id) == office_id)).scalar_one()
    year = local_date(now, ctx.tz).year
    first = _reserve_numbers(session, office_id, year, len(chosen))
    timeline = policy_params.timeline(session, office_id)
    cases = []
    for i, f in enumerate(chosen):
        eff = policy_params.pick(timeline[f.rule_code], local_date(f.occurred_at, ctx.tz))
        assert eff is not None
        cases.append(
            {
                "office_id": office_id,
                "number": f"{code}-{year}-{first + i:04d}",
                "staff_id": f.staff_id,
                "rule_code": f.rule_code,
                "policy_version": eff.version,
                "params_digest": eff.digest,
                "incident_at": f.occurred_at,
                "status": CaseStatus.UNDER_REVIEW.value,
                "version": 3,  # opened, statement requested, statement recorded
                "statement_due": local_date(now, ctx.tz) + timedelta(days=3),
                "opened_at": now,
                "opened_by": by,
            }
        )
    session.execute(insert(Case), cases)
    numbers = [c["number"] for c in cases]
    ids = dict(
        session.execute(
            select(col(Case.number), col(Case.id)).where(col(Case.number).in_(numbers))
        ).all()
    )
    links, statements, case_steps = [], [], []
    for f, number in zip(chosen, numbers, strict=True):
        case_id = ids[number]
        links.append({"case_id": case_id, "finding_id": f.id, "added_at": now, "added_by": by})
        statements.append(
            {
                "case_id": case_id,
                "kind": "statement",
                "text": "书面说明(基准测试)",
                "recorded_at": now,
                "recorded_by": by,
            }
        )
        for action, before, after in (
            ("open", "", "open"),
            ("request_statement", "open", "awaiting_statement"),
            ("submit_statement", "awaiting_statement", "under_review"),
        ):
            case_steps.append(
                {
                    "case_id": case_id,
                    "action": action,
                    "from_status": before,
                    "to_status": after,
                    "note": "基准测试",
                    "at": now,
                    "actor_id": by,
                }
            )
    session.execute(insert(CaseFinding), links)
    session.execute(insert(Statement), statements)
    session.execute(insert(CaseStep), case_steps)


def _plan_deductions(session: Session, ctx: Ctx) -> int:
    """Deductions with three monthly instalments from MONTH on for ~500 staff, most with the
    written notice served (direct rows: the sheet reads them, it does not plan them)."""
    now, by, office_id = ctx.now(), ctx.actor.user_id, ctx.actor.office_id
    rows = session.execute(
        select(col(Case.id), col(Case.staff_id), col(Case.number))
        .where(col(Case.office_id) == office_id)
        .order_by(col(Case.id))
    ).all()
    one_per_staff: dict[int, tuple[int, str]] = {}
    for case_id, staff_id, number in rows:
        one_per_staff.setdefault(staff_id, (case_id or 0, number))
    picked = sorted(one_per_staff.items())[:: max(len(one_per_staff) // N_PAYROLL_STAFF, 1)]
    picked = picked[:N_PAYROLL_STAFF]
    deductions, notices = [], []
    for i, (staff_id, (case_id, number)) in enumerate(picked):
        fen = 30_000 + (i % 7) * 10_000
        deductions.append(
            {
                "office_id": office_id,
                "staff_id": staff_id,
                "case_id": case_id,
                "kind": "compensation" if i % 3 else "disciplinary",
                "amount_fen": fen * 3,
                "start_month": MONTH,
                "reason": f"案件 {number} 基准测试",
                "legal_risk": i % 3 == 0,
                "created_at": now,
                "created_by": by,
            }
        )
        if i % 10:  # one in ten has no notice served yet: the sheet flags it
            notices.append(
                {
                    "case_id": case_id,
                    "kind": "deduction",
                    "content": "扣款通知(基准测试)",
                    "amount_fen": fen * 3,
                    "served_at": now - timedelta(days=1),
                    "served_by": by,
                }
            )
    session.execute(insert(Deduction), deductions)
    session.execute(insert(Notice), notices)
    made = session.execute(
        select(col(Deduction.id), col(Deduction.staff_id), col(Deduction.amount_fen)).where(
            col(Deduction.start_month) == MONTH
        )
    ).all()
    instalments = [
        {
            "deduction_id": did,
            "staff_id": staff_id,
            "month": date(MONTH.year, MONTH.month + k, 1),
            "amount_fen": amount // 3,
            "status": "planned",
        }
        for did, staff_id, amount in made
        for k in range(3)
    ]
    session.execute(insert(Instalment), instalments)
    return len(made)


def prepare(target: Path = PREPARED) -> dict[str, Any]:
    """Build var/bench/cases.db (or `target`): the bench office with 5,000 cases under review."""
    ensure_database()
    building = target.with_name(f"{target.stem}.building.db")
    _remove(building)
    shutil.copyfile(DIR / "bench.db", building)
    out = prepare_on(_url(building))
    _remove(target)
    building.replace(target)
    return out


def prepare_on(url: str) -> dict[str, Any]:
    """Set up the 5,000 cases under review in the bench office's database at `url`."""
    engine = make_engine(url)
    clock = _clock()
    began = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session:
        findings = _detect(session, clock)
        ctx = _ctx(session, "ben-hr", clock)
        chosen, priors = _pick(session)
        _open_cases(session, ctx, chosen, priors)
        seed_example_minimum_wage(session, clock.now() - timedelta(days=400))
        deductions = _plan_deductions(session, ctx)
        session.commit()
    engine.dispose()
    per_rule: dict[str, int] = defaultdict(int)
    for f in chosen:
        per_rule[f.rule_code] += 1
    return {
        "findings": findings,
        "cases": len(chosen),
        "priors": len(priors),
        "deductions": deductions,
        "per_rule": dict(sorted(per_rule.items())),
        "seconds": time.perf_counter() - began,
    }


# --- timed children ------------------------------------------------------------------------


def _child_propose(path: str) -> dict[str, Any]:
    engine = make_engine(_url(Path(path)))
    with Session(engine, expire_on_commit=False) as session:
        ctx = _ctx(session, "ben-hr", _clock())
        ids = list(
            session.execute(
                select(col(Case.id))
                .where(col(Case.status) == CaseStatus.UNDER_REVIEW.value)
                .order_by(col(Case.id))
            ).scalars()
        )
        session.rollback()  # start the timed part with no transaction open
        began, cpu = time.perf_counter(), time.process_time()
        out = propose_many(ctx, ids, "standard", "积压复核(基准测试)")
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        kinds: dict[str, int] = defaultdict(int)
        for item in out.items:
            for kind in item.outcomes:
                kinds[kind] += 1
    engine.dispose()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "cases": out.count,
        "outcomes": dict(sorted(kinds.items())),
        "peak_rss_mib": _peak_rss_kib() / 1024,
    }


def _child_payroll(path: str) -> dict[str, Any]:
    engine = make_engine(_url(Path(path)))
    with Session(engine, expire_on_commit=False) as session:
        ctx = _ctx(session, "ben-hr", _clock())
        began, cpu = time.perf_counter(), time.process_time()
        sheet = payroll_sheet(ctx, MONTH)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        session.rollback()
    engine.dispose()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rows": len(sheet.rows),
        "with_lines": sum(1 for r in sheet.rows if r.lines),
        "taken_fen": sheet.total_taken_fen,
    }


def child(kind: str, path: str) -> None:
    """In a fresh process: one timed part on the database at `path`; prints JSON."""
    result = _child_propose(path) if kind == "propose" else _child_payroll(path)
    print(json.dumps(result))


def _spawn(kind: str, path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.cases_bench", "--child", kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env=os.environ | {"PYTHONHASHSEED": "0"},
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _propose_run() -> dict[str, Any]:
    copy = DIR / "cases.run.db"
    _remove(copy)
    shutil.copyfile(PREPARED, copy)
    try:
        return _spawn("propose", copy)
    finally:
        _remove(copy)


def run() -> dict[str, dict[str, Any]]:
    """The case and payroll benchmark's figures."""
    setup = prepare()
    print(
        f"cases: {setup['cases']:,} under review ({setup['priors']:,} with a prior), "
        f"{setup['deductions']:,} deductions; set up in {setup['seconds']:.1f} s"
    )
    try:
        proposes = []
        for i in range(RUNS):
            proposes.append(_propose_run())
            last = proposes[-1]
            print(
                f"propose run {i + 1}: {last['seconds']:.2f} s ({last['cpu_seconds']:.2f} s "
                f"CPU) for {last['cases']:,} cases, peak {last['peak_rss_mib']:.0f} MiB"
            )
        payrolls = []
        for i in range(RUNS):
            payrolls.append(_spawn("payroll", PREPARED))
            last = payrolls[-1]
            print(
                f"payroll run {i + 1}: {last['seconds']:.3f} s for {last['rows']:,} rows "
                f"({last['with_lines']:,} with instalments)"
            )
    finally:
        _remove(PREPARED)
    propose_s = statistics.median(r["seconds"] for r in proposes)
    payroll_s = statistics.median(r["seconds"] for r in payrolls)
    first, sheet = proposes[0], payrolls[0]
    return {
        "propose_5000_s": _fig(round(propose_s, 3), "s", "< 5", propose_s < 5),
        "propose_5000_cpu_s": _fig(
            round(statistics.median(r["cpu_seconds"] for r in proposes), 3), "s"
        ),
        "propose_5000_runs_s": _fig([round(r["seconds"], 3) for r in proposes], "s"),
        "propose_5000_peak_rss_mib": _fig(
            round(max(r["peak_rss_mib"] for r in proposes), 1), "MiB"
        ),
        "propose_5000_cases_per_rule": _fig(setup["per_rule"]),
        "propose_5000_outcomes": _fig(first["outcomes"]),
        "payroll_month_2000_staff_s": _fig(round(payroll_s, 3), "s", "< 2", payroll_s < 2),
        "payroll_month_rows": _fig(sheet["rows"]),
        "payroll_month_staff_with_instalments": _fig(sheet["with_lines"]),
    }


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        for name, fig in run().items():
            print(name, fig)
