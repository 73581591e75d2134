"""compliance.usecase: one commit at the edge, an error undoes the use case, record_new."""

import pytest
from sqlalchemy import func, select

from compliance.attendance.models import AttendanceEvent
from compliance.audit.models import AuditEvent
from compliance.context import Ctx
from compliance.errors import ValidationFailed
from compliance.recording import record_new
from compliance.residents.models import Unit
from compliance.usecase import use_case
from tests import factories


def _count(ctx: Ctx, model: type) -> int:
    return ctx.session.execute(select(func.count()).select_from(model)).scalar_one()


def _unit(ctx: Ctx, room: str) -> Unit:
    row = Unit(office_id=ctx.actor.office_id, building="U", room=room, created_at=ctx.now())
    ctx.session.add(row)
    ctx.session.flush()
    return row


def test_a_use_case_inside_another_joins_it_and_the_outer_one_commits_once(ctx, monkeypatch):
    commits: list[int] = []
    commit = ctx.session.commit

    def counted() -> None:
        commits.append(1)
        commit()

    monkeypatch.setattr(ctx.session, "commit", counted)

    @use_case
    def inner(c: Ctx) -> None:
        _unit(c, "1")

    @use_case
    def outer(c: Ctx) -> None:
        inner(c)
        assert commits == []  # the inner use case committed nothing
        _unit(c, "2")

    outer(ctx)
    assert len(commits) == 1


def test_an_error_undoes_the_use_case_and_nothing_before_it(ctx, office):
    before = _count(ctx, Unit)

    @use_case
    def failing(c: Ctx) -> None:
        _unit(c, "1")
        raise ValidationFailed.one("room", "no")

    with pytest.raises(ValidationFailed):
        failing(ctx)
    assert _count(ctx, Unit) == before  # the fixture's units are still there
    assert before == len(office.units)


def test_record_new_checks_the_office_validates_the_row_and_audits_it(ctx, office):
    staff = office.staff[0]
    audited = _count(ctx, AuditEvent)
    row = record_new(
        ctx,
        AttendanceEvent,
        {"staff_id": staff.id, "kind": "check_in", "at": ctx.now()},
        staff_id=staff.id,
        not_future={"at": ctx.now()},
        update={"work_date": ctx.now().date(), "source": "manual", "created_at": ctx.now()},
        audit_action="attendance.punch_recorded",
    )
    assert row.id is not None and row.office_id == ctx.actor.office_id
    assert _count(ctx, AuditEvent) == audited + 1

    other = factories.office_set(ctx.session, code="ZZZ")
    with pytest.raises(ValidationFailed):  # another office's staff member is unknown here
        record_new(ctx, AttendanceEvent, {}, staff_id=other.staff[0].id)
    later = ctx.now().replace(year=ctx.now().year + 1)
    with pytest.raises(ValidationFailed) as err:
        record_new(ctx, AttendanceEvent, {}, not_future={"at": later})
    assert [e.field for e in err.value.errors] == ["at"]
