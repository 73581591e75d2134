"""A spot check as evidence; the dossier prints it with its cited items and photos."""

from typing import Any

from sqlmodel import col, select

from compliance.evidence import printing, spot_check_item
from compliance.evidence.registry import N_, Kind, Printed, PrintJob, Shown, in_office
from compliance.inspections.models import SpotCheck, SpotCheckItem, SpotCheckPhoto


def _print(job: PrintJob) -> list[Printed]:
    """Each check cited whole or through one of its items, once, with those items (all of
    them for a check cited whole)."""
    p, session, refs = job.printer, job.session, job.refs
    cited = spot_check_item.KIND.load(session, job.office_id, refs.get("spot_check_item", set()))
    items: list[SpotCheckItem] = [item for item, _ in cited.values()]
    whole = refs.get(KIND.key, set())
    checks: dict[int, Any] = KIND.load(
        session, job.office_id, whole | {i.spot_check_id for i in items}
    )
    if not checks:
        return []
    whole = whole & set(checks)
    if whole:
        extra = session.exec(
            select(SpotCheckItem)
            .where(col(SpotCheckItem.spot_check_id).in_(sorted(whole)))
            .order_by(col(SpotCheckItem.id))
        ).all()
        items = list({i.id: i for i in [*items, *extra]}.values())
    photos = session.exec(
        select(SpotCheckPhoto)
        .where(col(SpotCheckPhoto.spot_check_id).in_(sorted(checks)))
        .order_by(col(SpotCheckPhoto.id))
    ).all()
    files = printing.files(session, {ph.file_id for ph in photos})
    units = printing.units(session, {c.unit_id for c in checks.values()})
    kind = KIND.label(p.lang)
    out = []
    for check_id, check in sorted(checks.items()):
        mine = sorted((i for i in items if i.spot_check_id == check_id), key=lambda i: i.id or 0)
        where = units[check.unit_id][0] if check.unit_id in units else check.area
        lines = [f"{p.caption('unit')}: {where}"]
        for it in mine:
            obs = f" ({it.observed})" if it.observed is not None else ""
            note = f" — {p.mask(it.note)}" if it.note else ""
            label = p.checklist_item(it.item_key)
            result = p.word("spot_result", it.result)
            lines.append(f"{it.rule_code} {label}: {result}{obs}{note}")
        if check.notes:
            lines.append(p.mask(check.notes))
        pics = [files[ph.file_id] for ph in photos if ph.spot_check_id == check_id]
        out.append(
            Printed(check.checked_at, check_id, tuple(lines), p.photos(pics, f"{kind} #{check_id}"))
        )
    return out


KIND = Kind(
    key="inspection",
    model=SpotCheck,
    label_en="Spot check",
    page_label=N_("Spot check"),
    noun="spot check",
    query=in_office(SpotCheck),
    show=lambda r: Shown(r.checked_at, " ".join(x for x in (r.area, r.notes) if x)),
    recorder=lambda r: r.inspector_id,
    print=_print,
)
