"""An attendance punch (check-in or sign-back) as evidence."""

from compliance.attendance.models import AttendanceEvent
from compliance.evidence.registry import N_, Kind, Printed, PrintJob, Shown, in_office


def _print(job: PrintJob) -> list[Printed]:
    p = job.printer
    rows = KIND.load(job.session, job.office_id, job.refs.get(KIND.key, set()))
    return [
        Printed(
            a.at,
            a.id,
            (
                f"{p.word('punch_kind', a.kind)} · {a.work_date} · "
                f"{p.word('punch_source', a.source)}",
            ),
        )
        for a in rows.values()
    ]


KIND = Kind(
    key="attendance",
    model=AttendanceEvent,
    label_en="Attendance",
    page_label=N_("Attendance"),
    noun="attendance punch",
    query=in_office(AttendanceEvent),
    show=lambda r: Shown(r.at, "", ("punch_kind", r.kind)),
    recorder=lambda r: r.created_by,
    print=_print,
)
