"""A damage incident as evidence, with its photos."""

from typing import Any

from sqlmodel import col, select

from compliance.damages.models import DamageIncident, DamagePhoto
from compliance.evidence import printing
from compliance.evidence.registry import N_, Kind, Printed, PrintJob, Shown, in_office
from compliance.money import format_fen


def _show(r: DamageIncident) -> Shown:
    value = format_fen(r.assessed_value_fen) if r.assessed_value_fen is not None else ""
    return Shown(r.occurred_at, f"{r.item} · {value} {r.description}".strip())


def _print(job: PrintJob) -> list[Printed]:
    p, session = job.printer, job.session
    rows: dict[int, Any] = KIND.load(session, job.office_id, job.refs.get(KIND.key, set()))
    if not rows:
        return []
    photos = session.exec(
        select(DamagePhoto)
        .where(col(DamagePhoto.damage_id).in_(sorted(rows)))
        .order_by(col(DamagePhoto.id))
    ).all()
    files = printing.files(session, {ph.file_id for ph in photos})
    units = printing.units(session, {r.unit_id for r in rows.values()})
    kind = KIND.label(p.lang)
    out = []
    for r in rows.values():
        lines = [f"{r.item} · {p.caption('unit')}: {units.get(r.unit_id, ('?', ''))[0]}"]
        if r.description:
            lines.append(p.mask(r.description))
        basis = f" ({p.word('valuation_basis', r.valuation_basis)})" if r.valuation_basis else ""
        lines.append(p.gettext(N_("Valuation")) + f": {p.money(r.assessed_value_fen)}{basis}")
        if r.valuation_note:
            lines.append(p.mask(r.valuation_note))
        lines.append(
            p.gettext(N_("Resident sign-off")) + f": {p.dt(r.resident_signed_off_at)}"
            f" · {p.caption('settlement')}: {p.word('settlement', r.settlement)}"
        )
        pics = [files[ph.file_id] for ph in photos if ph.damage_id == r.id]
        out.append(Printed(r.occurred_at, r.id, tuple(lines), p.photos(pics, f"{kind} #{r.id}")))
    return out


KIND = Kind(
    key="damage",
    model=DamageIncident,
    label_en="Damage",
    page_label=N_("Damage incident"),
    noun="damage incident",
    query=in_office(DamageIncident),
    show=_show,
    recorder=lambda r: r.created_by,
    print=_print,
)
