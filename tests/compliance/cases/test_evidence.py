"""A case's evidence references resolve to the records they name, roster shifts included."""

from datetime import date, timedelta

from compliance.attendance.models import RosterShift
from compliance.cases.evidence import timeline
from compliance.findings.models import Finding
from compliance.findings.schemas import FindingRead
from tests.compliance.cases.helpers import finding


def test_a_roster_shift_cited_by_a_finding_is_found(ctx, office):
    start = ctx.clock.now() - timedelta(days=2)
    shift = RosterShift(
        office_id=office.office.id,
        staff_id=office.staff[0].id,
        work_date=date(2026, 3, 29),
        start_at=start,
        end_at=start + timedelta(hours=9),
        created_at=start,
    )
    ctx.session.add(shift)
    ctx.session.flush()
    fid = finding(ctx, office, evidence=[{"kind": "roster", "id": shift.id}])
    row = FindingRead.model_validate(ctx.session.get(Finding, fid))
    [entry] = timeline(ctx.session, office.office.id, [row])
    [item] = entry.items
    assert (item.kind, item.id, item.found) == ("roster", shift.id, True)
    assert item.detail == "2026-03-29" and item.at == start
