"""A rostered shift as evidence: R02 and R09 cite the shift a day was judged against."""

from compliance.attendance.models import RosterShift
from compliance.evidence.registry import N_, Kind, Printed, PrintJob, Shown, in_office


def _print(job: PrintJob) -> list[Printed]:
    p = job.printer
    rows = KIND.load(job.session, job.office_id, job.refs.get(KIND.key, set()))
    return [
        Printed(s.start_at, s.id, (f"{p.dt(s.start_at)} – {p.dt(s.end_at)}",))
        for s in rows.values()
    ]


KIND = Kind(
    key="roster",
    model=RosterShift,
    label_en="Roster",
    page_label=N_("Roster"),
    noun="roster shift",
    query=in_office(RosterShift),
    show=lambda r: Shown(r.start_at, r.work_date.isoformat()),
    recorder=lambda r: r.created_by,
    print=_print,
)
