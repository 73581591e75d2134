"""A tip ledger line as evidence."""

from typing import Any

from compliance.evidence import printing
from compliance.evidence.registry import N_, Kind, Printed, PrintJob, Shown, in_office
from compliance.money import format_fen
from compliance.tips.models import TipLine


def _show(r: TipLine) -> Shown:
    return Shown(r.received_at, f"{format_fen(r.amount_fen)} · {r.receipt_no or '—'}")


def _print(job: PrintJob) -> list[Printed]:
    p = job.printer
    rows: dict[int, Any] = KIND.load(job.session, job.office_id, job.refs.get(KIND.key, set()))
    units = printing.units(job.session, {r.unit_id for r in rows.values()})
    out = []
    for r in rows.values():
        lines = [
            f"{p.caption('amount')}: {p.money(r.amount_fen)} · {p.caption('unit')}: "
            f"{units.get(r.unit_id, ('?', ''))[0]}",
            p.gettext(
                N_("received %(received)s, declared %(declared)s, handed over %(handed_over)s"),
                received=p.dt(r.received_at),
                declared=p.dt(r.declared_at),
                handed_over=p.dt(r.handed_over_at),
            ),
        ]
        if r.receipt_no:
            lines.append(p.gettext(N_("receipt %(no)s"), no=r.receipt_no))
        out.append(Printed(r.received_at, r.id, tuple(lines)))
    return out


KIND = Kind(
    key="tip_line",
    model=TipLine,
    label_en="Tip ledger",
    page_label=N_("Tip ledger line"),
    noun="tip ledger line",
    query=in_office(TipLine),
    show=_show,
    recorder=lambda r: r.created_by,
    print=_print,
)
