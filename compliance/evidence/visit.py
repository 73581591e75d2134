"""A visit to a home (a work order) as evidence."""

from typing import Any

from compliance.evidence import printing
from compliance.evidence.registry import N_, Kind, Printed, PrintJob, Shown, in_office
from compliance.visits.models import Visit


def _print(job: PrintJob) -> list[Printed]:
    p = job.printer
    rows: dict[int, Any] = KIND.load(job.session, job.office_id, job.refs.get(KIND.key, set()))
    units = printing.units(job.session, {v.unit_id for v in rows.values()})
    out = []
    for v in rows.values():
        lines = [
            f"{p.caption('kind')}: {p.word('visit_kind', v.kind)} · "
            f"{p.caption('unit')}: {units.get(v.unit_id, ('?', ''))[0]}",
            p.gettext(
                N_("requested %(requested)s · arrived %(arrived)s · done %(done)s · left %(left)s"),
                requested=p.dt(v.requested_at),
                arrived=p.dt(v.arrived_at),
                done=p.dt(v.done_at),
                left=p.dt(v.left_at),
            ),
        ]
        if v.description:
            lines.append(p.mask(v.description))
        if v.outcome:
            lines.append(p.mask(v.outcome))
        out.append(Printed(v.requested_at, v.id, tuple(lines)))
    return out


KIND = Kind(
    key="visit",
    model=Visit,
    label_en="Visit",
    page_label=N_("Visit"),
    noun="visit",
    query=in_office(Visit),
    show=lambda r: Shown(
        r.arrived_at or r.requested_at, r.description.strip(), ("visit_kind", r.kind)
    ),
    recorder=lambda r: r.created_by,
    print=_print,
)
