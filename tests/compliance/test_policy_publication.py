"""Issue 11 item 2: rule changes are never retroactive.

《劳动合同法》第四条: a rule binds staff once it has been made known to them (公示/告知). A new
parameter version applies from 00:00 office time (Asia/Shanghai) of its effective_from day, so
that moment may not be before the change is recorded: from tomorrow on, or today only when
recorded at exactly 00:00. The dismissal gate "rule published before the incident" reads the
publication of the version that judged the incident.
"""

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from api.read_models.case_view import case_view
from compliance.audit.models import AuditEvent
from compliance.cases.guardrails import dismissal_gates
from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.dossiers.viewmodel import build_content
from compliance.errors import ValidationFailed
from compliance.findings.detect import run_detection
from compliance.findings.models import Finding
from compliance.policy_params import service as policy_params
from compliance.policy_params.models import PolicyVersion
from policies import registry
from tests.compliance.cases.helpers import open_case, row
from tests.compliance.findings.test_detect import DAY, _day_ok, _visit
from tests.conftest import NOW, as_role

SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 31)  # NOW is 12:00 in Shanghai on this day


def _admin(ctx: Ctx, office, at: datetime | None = None) -> Ctx:
    admin = as_role(ctx, office, "admin")
    if at is None:
        return admin
    return Ctx(
        session=admin.session, actor=admin.actor, clock=FixedClock(at), settings=admin.settings
    )


def _versions(ctx: Ctx) -> int:
    return int(ctx.session.execute(select(func.count()).select_from(PolicyVersion)).scalar_one())


def _events(ctx: Ctx) -> int:
    return int(ctx.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def _publish(ctx: Ctx, day: date, **params: int):
    return policy_params.publish(ctx, "R08", params or {"linger_minutes": 5}, day, "收紧")


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 3, 1),  # a month ago
        date(2026, 3, 30),  # yesterday
        TODAY,  # today, from 00:00: that is before 12:00, when it is recorded
    ],
)
def test_a_version_starting_before_it_is_recorded_is_refused(ctx, office, day):
    admin = _admin(ctx, office)
    versions, events = _versions(ctx), _events(ctx)
    with pytest.raises(ValidationFailed) as err:
        _publish(admin, day)
    [error] = err.value.errors
    assert error.field == "effective_from" and error.reason == policy_params.RETROACTIVE
    assert "Labour Contract Law, art. 4" in error.reason and "made known" in error.reason
    assert "《劳动合同法》第四条" in policy_params.RETROACTIVE_ZH
    assert "公示或告知" in policy_params.RETROACTIVE_ZH
    assert (_versions(ctx), _events(ctx)) == (versions, events)  # nothing was changed


def test_a_version_from_tomorrow_is_published_now(ctx, office):
    eff = _publish(_admin(ctx, office), TODAY + timedelta(days=1))
    assert eff.version == "1.1" and eff.published_at == NOW
    assert eff.published_on(SH) == TODAY
    stored = ctx.session.execute(select(PolicyVersion)).scalar_one()
    assert (stored.published_at, stored.created_at) == (NOW, NOW)


def test_today_is_allowed_only_when_recorded_at_midnight_office_time(ctx, office):
    midnight = datetime(2026, 3, 31, 0, 0, tzinfo=SH)  # 2026-03-30 16:00 UTC
    assert _publish(_admin(ctx, office, midnight), TODAY).effective_from == TODAY
    with pytest.raises(ValidationFailed):
        _publish(_admin(ctx, office, midnight + timedelta(seconds=1)), TODAY)


def test_the_day_is_the_office_day_not_the_utc_day(ctx, office):
    # 2026-03-30 23:30 UTC is 07:30 on the 31st in Shanghai: the 31st has already begun.
    early = datetime(2026, 3, 30, 23, 30, tzinfo=UTC)
    with pytest.raises(ValidationFailed):
        _publish(_admin(ctx, office, early), TODAY)
    assert _publish(_admin(ctx, office, early), TODAY + timedelta(days=1)).version == "1.1"


@pytest.mark.parametrize(
    ("at", "earliest"),
    [
        (datetime(2026, 3, 30, 16, 0, tzinfo=UTC), TODAY),  # 00:00 Shanghai exactly
        (datetime(2026, 3, 30, 16, 0, 1, tzinfo=UTC), TODAY + timedelta(days=1)),
        (datetime(2026, 3, 31, 15, 59, 59, tzinfo=UTC), TODAY + timedelta(days=1)),  # 23:59:59
        (datetime(2026, 3, 31, 16, 0, tzinfo=UTC), TODAY + timedelta(days=1)),  # next midnight
    ],
)
def test_earliest_effective_day(at, earliest):
    assert policy_params.earliest_effective_from(at, SH) == earliest


def test_detection_after_a_refused_change_finds_nothing_new(ctx, office):
    """The reported case: `policy set R08 linger_minutes=5 --from` a past date, then a run."""
    _day_ok(ctx, office)
    _visit(ctx, office, linger_min=12)  # 12 minutes: no breach of the 15 in force
    run_detection(ctx, DAY, DAY)
    before = ctx.session.execute(select(func.count()).select_from(Finding)).scalar_one()
    with pytest.raises(ValidationFailed):
        _publish(_admin(ctx, office), DAY)
    run_detection(ctx, DAY, DAY)
    after = ctx.session.execute(select(func.count()).select_from(Finding)).scalar_one()
    assert after == before
    assert not ctx.session.execute(select(Finding).where(Finding.rule_code == "R08")).all()


# --- history: a separate path, with its own publication moment ------------------------------


def test_history_keeps_its_publication_and_cannot_be_retroactive_either(ctx, office):
    admin = _admin(ctx, office)
    published = datetime(2026, 2, 20, 10, 0, tzinfo=SH)
    eff = policy_params.record_history(
        admin, "R08", {"linger_minutes": 10}, date(2026, 3, 1), "会议决定", published
    )
    assert eff.published_at == published and eff.published_on(SH) == date(2026, 2, 20)
    stored = ctx.session.execute(select(PolicyVersion)).scalar_one()
    assert (stored.published_at, stored.created_at) == (published, NOW)
    with pytest.raises(ValidationFailed) as err:  # took effect before it was published
        policy_params.record_history(
            admin, "R08", {}, date(2026, 3, 1), "x", datetime(2026, 3, 1, 0, 1, tzinfo=SH)
        )
    assert err.value.errors[0].reason == policy_params.RETROACTIVE
    with pytest.raises(ValidationFailed) as err:  # "published" in the future
        policy_params.record_history(
            admin, "R08", {}, date(2026, 5, 1), "x", NOW + timedelta(seconds=1)
        )
    assert err.value.errors[0].field == "published_at"
    assert _versions(ctx) == 1


# --- the dismissal gate reads the version's publication --------------------------------------


def _r13_version(ctx, office, *, effective_from: date, published_at: datetime) -> None:
    """An R13 version as it may stand in an existing database: recorded (published) at
    `published_at`, whatever its start: rows written before changes were refused, backfilled
    with their recording moment by migration 0009."""
    policy = registry.get("R13")
    params = policy.resolve_params({})
    ctx.session.add(
        PolicyVersion(
            office_id=office.office.id,
            rule_code="R13",
            code_version=policy.version,
            revision=1,
            effective_from=effective_from,
            params_json=json.dumps(params, sort_keys=True),
            params_digest=policy.params_digest(params),
            reason="旧版本",
            published_at=published_at,
            created_at=published_at,
        )
    )
    ctx.session.commit()


def _rule_gate(ctx, office, settings):
    case_id = open_case(ctx, office, rule="R13", amount_fen=10_000, days_ago=2)
    case = row(ctx, case_id)
    assert case.policy_version == "1.1"  # the office's version judges the incident
    incident_day = case.incident_at.astimezone(SH).date()
    assert incident_day == date(2026, 3, 29)
    [gate] = [g for g in dismissal_gates(ctx.session, settings, case) if g.key == "rule_in_force"]
    # The case page and the dossier show the same publication the gate read.
    published = ctx.session.execute(select(PolicyVersion.published_at)).scalar_one()
    shown = case_view(as_role(ctx, office, "hr"), case_id).rule
    assert (shown.version, shown.published_on) == ("1.1", published.astimezone(SH).date())
    [cited] = build_content(ctx.session, settings, case, "zh", TODAY).rules
    assert cited.published_on == published.astimezone(SH).date().isoformat()
    return gate


def test_a_version_published_the_day_before_the_incident_passes_the_gate(ctx, office, settings):
    _r13_version(
        ctx,
        office,
        effective_from=date(2026, 3, 20),
        published_at=datetime(2026, 3, 28, 18, 0, tzinfo=SH),
    )
    gate = _rule_gate(ctx, office, settings)
    assert gate.passed
    assert "2026-03-20 起施行、2026-03-28 公布" in gate.text_zh


@pytest.mark.parametrize(
    "published_at",
    [
        datetime(2026, 3, 29, 8, 0, tzinfo=SH),  # the incident's own day
        datetime(2026, 3, 30, 9, 0, tzinfo=SH),  # the day after: a retroactive change
    ],
)
def test_a_version_published_on_or_after_the_incident_day_fails_the_gate(
    ctx, office, settings, published_at
):
    _r13_version(ctx, office, effective_from=date(2026, 3, 20), published_at=published_at)
    gate = _rule_gate(ctx, office, settings)
    assert not gate.passed and gate.blocking
    assert "事发前未公布" in gate.text_zh
    assert f"{published_at.date()} 公布" in gate.text_zh
    assert "not published before the incident" in gate.text_en


def test_with_no_office_version_the_gate_reads_the_codes_publication(ctx, office, settings):
    case = row(ctx, open_case(ctx, office, rule="R13", amount_fen=10_000, days_ago=2))
    assert case.policy_version == "1.0"
    [gate] = [g for g in dismissal_gates(ctx.session, settings, case) if g.key == "rule_in_force"]
    published = registry.get("R13").published_on
    assert gate.passed and f"{published} 公布" in gate.text_zh
