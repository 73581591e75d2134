"""Resident feedback as evidence."""

from typing import Any

from compliance.evidence import printing
from compliance.evidence.registry import N_, Kind, Printed, PrintJob, Shown, in_office
from compliance.feedback.models import Feedback
from compliance.money import format_fen


def _show(r: Feedback) -> Shown:
    text = " · ".join(x for x in (r.text, format_fen(r.amount_fen) if r.amount_fen else "") if x)
    return Shown(r.occurred_at, text, ("category", r.category))


def _print(job: PrintJob) -> list[Printed]:
    p = job.printer
    rows: dict[int, Any] = KIND.load(job.session, job.office_id, job.refs.get(KIND.key, set()))
    units = printing.units(job.session, {r.unit_id for r in rows.values()})
    out = []
    for r in rows.values():
        category = p.word("category", r.category)
        lines = [f"{p.caption('kind')}: {category} · {p.word('channel', r.channel)}"]
        if r.unit_id in units:
            unit, who = units[r.unit_id]
            lines.append(
                f"{p.caption('unit')}: {unit}"
                + (f" · {p.caption('resident')}: {who}" if who else "")
            )
        if r.satisfaction:
            lines.append(f"{p.caption('rating')}: {p.word('satisfaction', r.satisfaction)}")
        if r.amount_fen is not None:
            lines.append(f"{p.caption('amount')}: {p.money(r.amount_fen)}")
        if r.text:
            lines.append(p.mask(r.text))
        out.append(Printed(r.occurred_at, r.id, tuple(lines)))
    return out


KIND = Kind(
    key="feedback",
    model=Feedback,
    label_en="Resident feedback",
    page_label=N_("Resident feedback"),
    noun="feedback",
    query=in_office(Feedback),
    show=_show,
    recorder=lambda r: r.created_by,
    print=_print,
)
