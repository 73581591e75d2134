"""An overtime request and its decision as evidence."""

from compliance.evidence.registry import N_, Kind, Printed, PrintJob, Shown, in_office
from compliance.overtime.models import OvertimeRequest


def _print(job: PrintJob) -> list[Printed]:
    p = job.printer
    out = []
    for o in KIND.load(job.session, job.office_id, job.refs.get(KIND.key, set())).values():
        lines = [f"{p.word('overtime_decision', o.decision)} · {p.dt(o.decided_at)}"]
        if o.entered_at is not None and o.entered_at != o.decided_at:
            # Given by phone, typed in later: when it was entered, and why late (R09).
            lines.append(p.gettext(N_("entered %(at)s"), at=p.dt(o.entered_at)))
        if o.late_entry_reason:
            lines.append(p.gettext(N_("entered late because: ")) + p.mask(o.late_entry_reason))
        lines += [p.mask(t) for t in (o.reason, o.decision_note) if t]
        out.append(Printed(o.requested_at, o.id, tuple(lines)))
    return out


KIND = Kind(
    key="overtime",
    model=OvertimeRequest,
    label_en="Overtime request",
    page_label=N_("Overtime request"),
    noun="overtime request",
    query=in_office(OvertimeRequest),
    show=lambda r: Shown(r.requested_at, r.reason.strip(), ("overtime", r.decision)),
    recorder=lambda r: r.created_by,
    print=_print,
)
