"""Every scenario in tests/scenarios/*.toml, each its own test, through the real services.

The file format is described at the top of tests/scenarios/README.md. A scenario is one of
three kinds (`given`): `records` (records → findings), `case` (a case history → proposal,
deadlines, deductions) and `deductions` (wage, minimum wage, debts → months). A scenario with
`pending = "item N"` (or "bug: …") describes behaviour that is not right yet: it runs as an
expected failure (xfail, not strict) until the mark is removed.
"""

import importlib
import json
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from compliance.cases import appeal as case_appeal
from compliance.cases import decision as case_decision
from compliance.cases import notice, statement
from compliance.cases import repository as case_repo
from compliance.cli.records_cmd import JUDGED, KINDS
from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.errors import ComplianceError
from compliance.feedback.service import record_feedback
from compliance.findings.detect import run_detection
from compliance.findings.models import Finding
from compliance.findings.service import confirm, raise_manual
from compliance.flows import execute as case_execute
from compliance.flows import open_case
from compliance.flows import propose as case_propose
from compliance.flows.judge import judge_saved
from compliance.pay.leaving import record_leaving
from compliance.pay.read import staff_schedule
from compliance.pay.service import set_minimum_wage
from compliance.policy_params.service import publish
from policies.guardrails import Obligation, add_months, get_profile, month_info
from tests.factories import OfficeSet

HERE = Path(__file__).parent
STAFF = {"A": 0, "B": 1, "C": 2}
STAFF_USER = {"A": "staff", "B": "staff2"}
# Who records each kind unless the scenario says `by`.
RECORDER = {"tip": "cashier", "tip-handover": "cashier", "tip-with-handover": "cashier"}
RECORDER |= {"overtime-decision": "director", "wage": "hr", "rulebook-ack": "hr"}
RECORDER |= {"policy": "admin", "min-wage": "admin", "leaves": "hr"}
# The feedback category a resident's report of each rule falls under (case histories).
REPORT = {"R01": "attitude", "R05": "facility_use", "R06": "outsiders", "R07": "privacy"}
REPORT |= {"R08": "lingering", "R10": "incompetent", "R12": "tip_reported", "R13": "solicitation"}
VISIT_STEPS = ("assigned", "arrived", "done", "left")
# Without a counted appeal deadline (decision not served yet), time moved on by this much.
LONG_AFTER = timedelta(days=16)
Action = Callable[[], None]


def _scenarios() -> Iterator[Any]:
    for path in sorted(HERE.glob("*.toml")):
        with path.open("rb") as fh:
            for sc in tomllib.load(fh)["scenario"]:
                marks = []
                if "pending" in sc:
                    marks.append(pytest.mark.xfail(reason=sc["pending"], strict=False))
                yield pytest.param(sc, id=f"{path.stem}: {sc['name']}", marks=marks)


@dataclass
class World:
    """The office, a clock the scenario moves, and the names the scenario uses."""

    session: Any
    office: OfficeSet
    settings: Any
    clock: FixedClock
    labels: dict[str, int] = field(default_factory=dict)
    judged: list[str] = field(default_factory=list)  # what judging the last record said

    def as_(self, role: str, at: datetime | None = None) -> Ctx:
        """A context for one of the office's users, with the clock set to `at` if given."""
        if at is not None:
            self.clock.current = at
        return Ctx(self.session, self.office.actor(role), self.clock, self.settings)

    def staff_id(self, letter: str) -> int:
        """Staff "A", "B", "C" of the office."""
        return self.office.staff[STAFF[letter]].id or 0

    def unit_id(self, room: str) -> int:
        """Unit by room number ("101" … "104")."""
        return next(u.id or 0 for u in self.office.units if u.room == room)


def _body(w: World, rec: dict[str, Any]) -> dict[str, Any]:
    """A record's fields as the service takes them: names of staff, units, users to ids."""
    skip = {"type", "by", "entered", "as", "of", "refused", "judged"}
    skip |= {f"{s}_at" for s in VISIT_STEPS}
    out = {k: v for k, v in rec.items() if k not in skip}
    if "staff" in out:
        out["staff_id"] = w.staff_id(out.pop("staff"))
    if "unit" in out:
        out["unit_id"] = w.unit_id(str(out.pop("unit")))
    if "visit" in out:
        out["visit_id"] = w.labels[out.pop("visit")]
    if "countersigned_by" in out:
        out["countersigned_by"] = w.office.users[out["countersigned_by"]].id
    return out


def _expect_refusal(words: list[str], fn: Callable[[], Any]) -> None:
    with pytest.raises(ComplianceError) as err:
        fn()
    said = f"{err.value} {err.value.text('zh')}"
    for word in words:  # "a|b": either wording (the Chinese or the English message)
        assert any(alt in said for alt in word.split("|")), (
            f"refusal {said!r} does not say {word!r}"
        )


def _entered(rec: dict[str, Any], now: datetime) -> datetime:
    """When a record is entered: as it happens (its latest time), a shift the day before."""
    if "entered" in rec:
        return rec["entered"]  # type: ignore[no-any-return]
    if rec["type"] == "shift":
        return rec["start_at"] - timedelta(days=1)  # type: ignore[no-any-return]
    times = [v for v in rec.values() if isinstance(v, datetime)]
    return max(times) if times else now


def _service(kind: str) -> tuple[Callable[..., Any], bool]:
    target, needs_id = KINDS[kind]
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name), needs_id


def _saved(w: World, ctx: Ctx, kind: str, fn: Callable[[], Any]) -> Any:
    """Save through the service and judge it at once, as `compliance record add` does."""
    made = fn()
    if kind in JUDGED:
        w.judged = judge_saved(ctx, JUDGED[kind], made.id).lines("zh")
    return made


def _actions(w: World, rec: dict[str, Any], now: datetime) -> list[tuple[datetime, Action]]:
    """A record as the entries made for it, each with the time it is entered."""
    kind, at = rec["type"], _entered(rec, now)
    who = rec.get("by", RECORDER.get(kind, "manager"))
    if kind == "visit":
        return _visit_actions(w, rec, who)

    def run() -> Any:
        ctx = w.as_(who)
        if kind == "policy":
            return publish(ctx, rec["rule"], rec["params"], rec["from"], rec["reason"])
        if kind == "min-wage":
            return set_minimum_wage(ctx, "深圳", rec["monthly_fen"], rec["from"], "示例")
        if kind == "leaves":
            return _leaves(w, ctx, rec["staff"], rec)
        fn, needs_id = _service(kind)
        body = _body(w, rec)
        if kind in ("wage", "rulebook-ack"):
            return fn(ctx, body.pop("staff_id"), body)
        if needs_id:
            return _saved(w, ctx, kind, lambda: fn(ctx, w.labels[rec["of"]], body))
        return _saved(w, ctx, kind, lambda: fn(ctx, body))

    def act() -> None:
        if "refused" in rec:
            _expect_refusal(rec["refused"], run)
            return
        w.judged = []
        made = run()
        if "as" in rec:
            w.labels[rec["as"]] = made.id
        said = " ".join(w.judged)
        for word in rec.get("judged", []):
            assert word in said, f"judging the {kind} did not say {word!r}: {said!r}"

    return [(at, act)]


def _visit_actions(w: World, rec: dict[str, Any], who: str) -> list[tuple[datetime, Action]]:
    """A work order opened when requested, then each step entered when it happened."""
    label = rec.get("as", f"visit@{rec['requested_at'].isoformat()}/{rec['staff']}")

    def create() -> None:
        ctx = w.as_(who)
        fn, _ = _service("visit")
        w.labels[label] = _saved(w, ctx, "visit", lambda: fn(ctx, _body(w, rec))).id

    def step(name: str) -> Action:
        def run() -> None:
            ctx = w.as_(who)
            fn, _ = _service("visit-step")
            body = {"step": name, "at": rec[f"{name}_at"]}
            _saved(w, ctx, "visit-step", lambda: fn(ctx, w.labels[label], body))

        return run

    out: list[tuple[datetime, Action]] = [(rec.get("entered", rec["requested_at"]), create)]
    out += [(rec[f"{n}_at"], step(n)) for n in VISIT_STEPS if f"{n}_at" in rec]
    return out


def _enter(w: World, records: list[dict[str, Any]], now: datetime) -> None:
    """Enter every record in the order of the time it is entered (ties: as written)."""
    actions = [a for rec in records for a in _actions(w, rec, now)]
    for at, act in sorted(actions, key=lambda a: a[0]):
        w.clock.current = at
        act()


def _leaves(w: World, ctx: Ctx, letter: str, given: dict[str, Any]) -> Any:
    """The staff member leaves (`left_on`, default today; `reason`, default resigned)."""
    body = {
        "left_on": given.get("left_on", ctx.now().astimezone(ctx.tz).date()),
        "reason": given.get("reason", "resigned"),
    }
    return record_leaving(ctx, w.staff_id(letter), body)


def _findings(w: World, rule: str, letter: str) -> list[Finding]:
    stmt = select(Finding).where(
        col(Finding.office_id) == w.office.office.id,
        col(Finding.rule_code) == rule,
        col(Finding.staff_id) == w.staff_id(letter),
    )
    return list(w.session.execute(stmt.order_by(col(Finding.id))).scalars())


def run_records(w: World, sc: dict[str, Any]) -> None:
    """Records given → `compliance detect` over the period → the findings expected."""
    now = sc["now"]
    _enter(w, sc.get("record", []), now)
    if "detect" in sc:
        start, end = sc["detect"]
        run_detection(w.as_("manager", now), start, end)
    for exp in sc.get("expect", []):
        found = _findings(w, exp["rule"], exp["staff"])
        assert len(found) == exp["count"], (
            f"{exp['rule']} for {exp['staff']}: {len(found)} findings, expected {exp['count']}: "
            f"{[f.explanation_zh for f in found]}"
        )
        for f in found:
            for word in exp.get("words", []):
                assert word in f.explanation_zh, f"{word!r} not in {f.explanation_zh!r}"
            if "severity" in exp:
                assert f.suggested_severity == exp["severity"], f.explanation_zh


# --- case histories ---------------------------------------------------------------------


def _raise(w: World, rule: str, letter: str, at: datetime, report: dict[str, Any]) -> int:
    """A resident's report recorded and a finding raised on it by the manager.

    `report` may name who recorded the report (`recorded_by`, default the manager), its
    `category` (default the rule's, see REPORT) and an `amount_fen`.
    """
    fb = record_feedback(
        w.as_(report.get("recorded_by", "manager"), at + timedelta(hours=1)),
        {
            "staff_id": w.staff_id(letter),
            "unit_id": w.unit_id("101"),
            "channel": "phone",
            "category": report.get("category", REPORT.get(rule, "other")),
            "text": "住户反映",
            "amount_fen": report.get("amount_fen"),
            "occurred_at": at,
        },
    )
    found = raise_manual(
        w.as_("manager"),
        {
            "rule_code": rule,
            "staff_id": w.staff_id(letter),
            "occurred_at": at,
            "note": f"{rule} 住户反映",
            "evidence": [{"kind": "feedback", "id": fb.id}],
        },
    )
    return found.id


def _to_proposal(w: World, case_id: int, letter: str, severity: str) -> None:
    statement.request_statement(w.as_("hr"), case_id)
    statement.submit_statement(w.as_(STAFF_USER[letter]), case_id, "我有话要说")
    case_propose.propose(w.as_("hr"), case_id, severity, "审核认定")


def _served(w: World, case_id: int, letter: str) -> None:
    notice.serve_notice(w.as_("hr"), case_id, "处理决定通知书")
    notice.acknowledge(w.as_(STAFF_USER[letter]), case_id)


def _prior(w: World, rule: str, letter: str, prior: dict[str, Any]) -> None:
    """An earlier breach (of the same rule and staff unless it says), taken to its `state`."""
    rule, letter = prior.get("rule", rule), prior.get("staff", letter)
    at, state = prior["incident"], prior["state"]
    fid = _raise(w, rule, letter, at, prior)
    w.clock.current = at + timedelta(days=1)
    if state == "confirmed":
        confirm(w.as_("manager"), fid, {"reason": "属实"})
        return
    case_id = open_case.confirm_into_case(w.as_("manager"), fid, "属实").id
    if state == "dismissed":
        case_decision.dismiss(w.as_("hr"), case_id, "证据不足")
        return
    _to_proposal(w, case_id, letter, prior.get("severity", "standard"))
    if state == "proposed":
        return
    case_decision.approve(w.as_("hr2"), case_id, "证据充分")  # never the proposer, "hr"
    if state == "approved":
        return
    _served(w, case_id, letter)
    if state == "overturned":
        case_appeal.appeal(w.as_(STAFF_USER[letter]), case_id, "不服")
        case_appeal.decide_appeal(w.as_("director"), case_id, "overturned", "证据不足,撤销")
        return
    if state == "notified":
        return
    _after_appeal_window(w, case_id)
    case_appeal.finalize(w.as_("hr"), case_id)
    if state == "executed":
        case_execute.mark_executed(w.as_("hr"), case_id)


def _after_appeal_window(w: World, case_id: int) -> None:
    """Move the clock to 10:00 on the day after the case's appeal deadline (however counted)."""
    case = case_repo.get_visible(w.session, w.office.actor("hr"), case_id)
    w.session.refresh(case)
    if case.appeal_deadline is None:
        w.clock.current += LONG_AFTER
        return
    tz = w.as_("hr").tz
    after = datetime.combine(case.appeal_deadline + timedelta(days=1), time(10), tzinfo=tz)
    w.clock.current = max(w.clock.current, after)


def _carry_out(w: World, case_id: int, letter: str, by: str) -> None:
    """Approve, serve the decision, let the appeal window pass, make it final and execute."""
    case_decision.approve(w.as_(by), case_id, "证据充分,依规处理")
    _served(w, case_id, letter)
    _after_appeal_window(w, case_id)
    case_appeal.finalize(w.as_("hr"), case_id)
    case_execute.mark_executed(w.as_("hr"), case_id)


def _then(w: World, case_id: int, letter: str, step: dict[str, Any]) -> None:
    """One further step on the case, by the role the scenario names."""
    do, by = step["do"], step.get("by", "hr")
    ctx = w.as_(by, step.get("entered"))
    actions: dict[str, Callable[[], Any]] = {
        "request_statement": lambda: statement.request_statement(ctx, case_id),
        "approve": lambda: case_decision.approve(
            ctx, case_id, step.get("justification", "证据充分")
        ),
        "serve_notice": lambda: notice.serve_notice(ctx, case_id, "处理决定通知书"),
        "acknowledge": lambda: notice.acknowledge(w.as_(STAFF_USER[letter]), case_id),
        "leaves": lambda: _leaves(w, ctx, letter, step),
        "appeal": lambda: case_appeal.appeal(w.as_(STAFF_USER[letter]), case_id, "请求从轻处理"),
        "decide_appeal": lambda: case_appeal.decide_appeal(ctx, case_id, step["outcome"], "复核"),
        "union_notice": lambda: case_decision.record_union_notice(ctx, case_id, "严重违反规章制度"),
        "union_reply": lambda: case_decision.record_union_reply(ctx, case_id, "无异议"),
        "finalize": lambda: case_appeal.finalize(ctx, case_id),
        "execute": lambda: case_execute.mark_executed(ctx, case_id),
        "wait_appeal_window": lambda: _after_appeal_window(w, case_id),
        "carry_out": lambda: _carry_out(w, case_id, letter, by),
        "record": lambda: _enter(w, [step["record"]], w.clock.current),
    }
    if "refused" in step:
        _expect_refusal(step["refused"], actions[do])
        return
    done = actions[do]()
    if "due" in step:
        assert done.statement_due == step["due"]


def run_case(w: World, sc: dict[str, Any]) -> None:
    """Earlier breaches and this one → the case's proposal, then any further steps."""
    rule, letter, case = sc["rule"], sc["staff"], sc["case"]
    for prior in sc.get("prior", []):
        _prior(w, rule, letter, prior)
    _enter(w, sc.get("record", []), sc.get("now", w.clock.current))
    if "detect" in sc:
        start, end = sc["detect"]
        run_detection(w.as_("manager", sc["now"]), start, end)
        fid = max(f.id for f in _findings(w, rule, letter))
    else:
        fid = _raise(w, rule, letter, case["incident"], case)
    w.clock.current = case.get("opened", w.clock.current + timedelta(days=1))
    case_id = open_case.confirm_into_case(w.as_("manager"), fid, "属实").id
    if case.get("until") != "open":
        _to_proposal(w, case_id, letter, case.get("severity", "standard"))
    for step in sc.get("then", []):
        _then(w, case_id, letter, step)
    _check_case(w, case_id, letter, sc.get("expect", {}))


def _check_case(w: World, case_id: int, letter: str, exp: dict[str, Any]) -> None:
    row = case_repo.latest_proposal(w.session, case_id)
    proposal = json.loads(row.reasoning) if row is not None else {}
    if "outcomes" in exp:
        assert [o["kind"] for o in proposal["outcomes"]] == exp["outcomes"]
    if "step" in exp:
        assert proposal["ladder_step"] == exp["step"]
    for key in ("counted", "ignored"):
        if key in exp:
            tz = w.as_("hr").tz
            days = [datetime.fromisoformat(p["occurred_at"]).astimezone(tz).date()
                    for p in proposal[key]]  # fmt: skip
            assert days == exp[key], f"{key}: {days}"
    for kind, fen in exp.get("amounts", {}).items():
        got = [o["amount_fen"] for o in proposal["outcomes"] if o["kind"] == kind]
        assert got == [fen], f"{kind}: {got}"
    # Anything the proposal says: its explanation, notes on outcomes, risks, plan notes.
    said = json.dumps(proposal, ensure_ascii=False)
    for word in exp.get("words", []):
        assert word in said, f"{word!r} not in the proposal: {proposal.get('explanation_zh')}"
    for word in exp.get("not_words", []):
        assert word not in said, f"{word!r} in the proposal: {proposal.get('explanation_zh')}"
    if "status" in exp:
        assert (
            case_repo.get_visible(w.session, w.office.actor("hr"), case_id).status
            == (exp["status"])
        )
    if "plan" in exp or "unscheduled" in exp:
        plan = staff_schedule(w.as_("hr"), w.staff_id(letter))
        months = [{"month": m.month, "take": m.amount_fen} for m in plan.months]
        assert months == exp.get("plan", months), months
        assert plan.unscheduled_fen == exp.get("unscheduled", plan.unscheduled_fen)


# --- pure deduction schedules -----------------------------------------------------------


def run_deductions(w: World, sc: dict[str, Any]) -> None:
    """Wage, minimum wage and debts → what each month takes, under the CN profile's cap.

    The months are built as compliance/pay/schedule.replan builds them (the wage and the
    minimum wage in force on each month's first day; no wage recorded: nothing taken).
    """
    wages = {sc["start"]: sc["wage"]} | {c["from"]: c["fen"] for c in sc.get("wage_change", [])}
    floors = {sc["start"]: sc["min_wage"]}
    floors |= {c["from"]: c["fen"] for c in sc.get("min_wage_change", [])}
    debts = [
        Obligation(id=i + 1, amount_fen=d["fen"], start_month=d.get("from", sc["start"]))
        for i, d in enumerate(sc["debt"])
    ]
    months = [
        month_info(add_months(sc["start"], n), wages=wages, min_wages=floors, default_wage_fen=0)
        for n in range(sc.get("horizon", 120))
    ]
    plan = get_profile("CN").schedule_deductions(debts, months)
    got = [
        {"month": m.month, "take": m.taken_fen, "carry": m.carried_forward_fen}
        for m in plan.months
        if m.taken_fen
    ]
    assert got == sc["months"], got
    assert plan.remaining_fen == sc.get("unrecoverable", 0)
    said = "".join(plan.explanation_zh())
    for word in sc.get("words", []):
        assert word in said, f"{word!r} not in {said}"


RUNNERS: dict[str, Callable[[World, dict[str, Any]], None]] = {
    "records": run_records,
    "case": run_case,
    "deductions": run_deductions,
}


@pytest.mark.parametrize("sc", list(_scenarios()))
def test_scenario(sc: dict[str, Any], session: Any, office: OfficeSet, ctx: Ctx) -> None:
    """One scenario of tests/scenarios/*.toml on the real database and services."""
    assert sc.get("why"), "every scenario says why, citing the rulebook or the law"
    clock = FixedClock(sc.get("now", ctx.now()))
    RUNNERS[sc["given"]](World(session, office, ctx.settings, clock), sc)


def test_there_are_at_least_80_scenarios() -> None:
    """Item 15 of issue 11 asks for at least 80 reviewable scenarios."""
    assert len(list(_scenarios())) >= 80


def test_every_scenario_name_is_unique() -> None:
    """Names are the test ids a reviewer reads in the report; two alike would hide one."""
    ids = [p.id for p in _scenarios()]
    assert len(ids) == len(set(ids))
