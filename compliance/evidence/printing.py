"""What the dossier printers of several kinds share: homes with their residents, photos' files."""

from collections.abc import Collection

from sqlmodel import Session, col, select

from compliance.files.models import StoredFile
from compliance.residents.masking import mask_name, mask_phone
from compliance.residents.models import Resident, Unit


def units(session: Session, unit_ids: Collection[int | None]) -> dict[int, tuple[str, str]]:
    """Unit label and masked resident names/phones, per unit id (two queries)."""
    wanted = {u for u in unit_ids if u}
    if not wanted:
        return {}
    found = session.exec(select(Unit).where(col(Unit.id).in_(wanted))).all()
    residents = session.exec(
        select(Resident).where(col(Resident.unit_id).in_(wanted)).order_by(col(Resident.id))
    ).all()
    who: dict[int, list[str]] = {}
    for r in residents:
        phone = f" {mask_phone(r.phone)}" if r.phone else ""
        who.setdefault(r.unit_id, []).append(f"{mask_name(r.name)}{phone}")
    return {u.id or 0: (f"{u.building} {u.room}", "、".join(who.get(u.id or 0, []))) for u in found}


def files(session: Session, ids: Collection[int]) -> dict[int, StoredFile]:
    """Stored files by id."""
    if not ids:
        return {}
    rows = session.exec(select(StoredFile).where(col(StoredFile.id).in_(ids))).all()
    return {f.id or 0: f for f in rows}
