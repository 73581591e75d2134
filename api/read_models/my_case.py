"""What a staff member is shown of the evidence in their own case: for each record a finding
relies on, where and when it happened, who recorded it (role and name), the note, the
checklist answers and the photos, with residents masked (no names, no phone numbers)."""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from api.i18n import Translator
from api.labels import unit_name
from compliance.accounts.models import User
from compliance.context import Ctx
from compliance.damages.models import DamagePhoto
from compliance.dossiers.formatting import mask_text
from compliance.evidence import kinds
from compliance.findings import service as findings_service
from compliance.findings.models import FindingStatus
from compliance.findings.schemas import FindingRead
from compliance.inspections.models import SpotCheck, SpotCheckItem, SpotCheckPhoto
from compliance.money import format_fen
from compliance.residents.masking import mask_name
from compliance.residents.models import Resident, Unit
from policies import registry

# The attribute holding what the recorder wrote, per kind of record.
_NOTE = {
    "inspection": "notes",
    "feedback": "text",
    "damage": "description",
    "visit": "description",
    "overtime": "reason",
}
# A stored code a kind's record is named by, as (label kind, attribute).
_CODE = {
    "feedback": ("category", "category"),
    "attendance": ("punch_kind", "kind"),
    "visit": ("visit_kind", "kind"),
    "overtime": ("overtime", "decision"),
}


def my_findings(ctx: Ctx) -> list[FindingRead]:
    """The findings about the signed-in staff member that a manager confirmed, newest first,
    without the rule's suggested severity (SPEC §4: a finding is a suspicion until it is
    triaged; the severity is set by the reviewer, and the staff member sees it in the
    decision served on them). Open and dismissed findings are not shown to them."""
    return [
        f.model_copy(update={"suggested_severity": None})
        for f in findings_service.list_mine(ctx)
        if f.status == FindingStatus.CONFIRMED.value
    ]


@dataclass(frozen=True)
class Answer:
    """One checklist answer of a spot check: the item in words, the result, what was measured."""

    label: str
    result: str  # a code of "spot_result"
    observed: str
    note: str


@dataclass
class Item:
    """One evidence record as its staff member sees it."""

    kind: str
    id: int
    at: datetime | None = None
    place: str = ""
    recorder: str = ""
    recorder_role: str = ""  # a code of "role"; "director" for the office director
    code: tuple[str, str] | None = None
    note: str = ""
    answers: list[Answer] = field(default_factory=list)
    photos: list[int] = field(default_factory=list)
    found: bool = True


@dataclass(frozen=True)
class FindingShown:
    """A confirmed finding of the case with its evidence, earliest first."""

    finding: FindingRead
    items: list[Item]


class _Masker:
    """Residents' names (of the office) and mobile numbers masked inside free text."""

    def __init__(self, session: Session, office_id: int) -> None:
        names = session.exec(
            select(Resident.name)
            .join(Unit, col(Unit.id) == col(Resident.unit_id))
            .where(col(Unit.office_id) == office_id)
        ).all()
        wanted = sorted({n for n in names if len(n) >= 2}, key=len, reverse=True)
        self._names = re.compile("|".join(map(re.escape, wanted))) if wanted else None

    def __call__(self, text: str) -> str:
        if self._names is not None:
            text = self._names.sub(lambda m: mask_name(m.group(0)), text)
        return mask_text(text)


def _answer(item: SpotCheckItem, t: Translator, mask: _Masker) -> Answer:
    try:
        _, spec = registry.find_item(item.item_key)
    except KeyError:
        return Answer(item.item_key, item.result, "", mask(item.note))
    label = spec.label_zh if t.lang == "zh" else spec.label_en
    observed = ""
    if item.observed is not None:
        unit = unit_name(t, spec.observed.unit) if spec.observed else ""
        observed = f"{item.observed} {unit}".strip()
    return Answer(label, item.result, observed, mask(item.note))


def evidence(
    session: Session, office_id: int, staff_id: int, findings: Iterable[FindingRead], t: Translator
) -> list[FindingShown]:
    """The case's findings with their records as the staff member sees them; a record about
    someone else is never opened (only found=False shows that it exists)."""
    findings = sorted(findings, key=lambda f: (f.occurred_at, f.id))
    wanted: dict[str, set[int]] = defaultdict(set)
    for f in findings:
        for ref in f.evidence:
            wanted[str(ref.get("kind"))].add(int(str(ref.get("id", 0))))
    mask = _Masker(session, office_id)
    found: dict[tuple[str, int], Item] = {}
    for key, ids in wanted.items():
        kind = kinds.get(key)
        if kind is None:
            continue
        for id_, row in kind.load(session, office_id, sorted(ids)).items():
            item = _item(key, id_, row, kind, staff_id, mask)
            if item is not None:
                found[(key, id_)] = item
    _fill(session, found.values(), t, mask)
    out = []
    for f in findings:
        items = [
            found.get((str(ref.get("kind")), int(str(ref.get("id", 0)))))
            or Item(kind=str(ref.get("kind")), id=int(str(ref.get("id", 0))), found=False)
            for ref in f.evidence
        ]
        items.sort(key=lambda i: (i.at is None, i.at or f.occurred_at, i.id))
        out.append(FindingShown(f, items))
    return out


def _item(key: str, id_: int, row: Any, kind: Any, staff_id: int, mask: _Masker) -> Item | None:
    record, host = (row[0], row[1]) if isinstance(row, tuple) else (row, row)
    if getattr(host, "staff_id", staff_id) != staff_id:
        return None  # evidence about someone else is not theirs to read
    shown = kind.show(row)
    item = Item(kind=key, id=id_, at=shown.at)
    item.recorder = str(kind.recorder(row) or "")
    code = _CODE.get(key)
    if code is not None:
        item.code = (code[0], str(getattr(record, code[1], "")))
    attr = _NOTE.get(key)
    if key == "spot_check_item":
        item.note = mask(host.notes)
    elif key == "tip_line":
        item.note = format_fen(record.amount_fen)
    elif attr is not None:
        item.note = mask(str(getattr(record, attr, "") or ""))
        if key == "feedback" and record.amount_fen:
            item.note = f"{item.note} · {format_fen(record.amount_fen)}".strip(" ·")
    item.place = f"unit:{host.unit_id}" if getattr(host, "unit_id", None) else ""
    if not item.place and str(getattr(host, "area", "") or ""):
        item.place = mask(str(host.area))
    return item


def _fill(session: Session, items: Iterable[Item], t: Translator, mask: _Masker) -> None:
    """Names of places and recorders, checklist answers and photos, a query per table."""
    items = list(items)
    unit_ids = {int(i.place[5:]) for i in items if i.place.startswith("unit:")}
    units = {
        u.id: f"{u.building} {u.room}"
        for u in session.exec(select(Unit).where(col(Unit.id).in_(unit_ids))).all()
    }
    user_ids = {int(i.recorder) for i in items if i.recorder}
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(user_ids))).all()}
    for i in items:
        if i.place.startswith("unit:"):
            i.place = units.get(int(i.place[5:]), "")
        user = users.get(int(i.recorder)) if i.recorder else None
        i.recorder = user.display_name if user else ""
        i.recorder_role = ("director" if user.is_director else user.role) if user else ""
    _spot_checks(
        session, [i for i in items if i.kind in ("inspection", "spot_check_item")], t, mask
    )
    damages = {i.id: i for i in items if i.kind == "damage"}
    for ph in session.exec(
        select(DamagePhoto)
        .where(col(DamagePhoto.damage_id).in_(damages))
        .order_by(col(DamagePhoto.id))
    ).all():
        damages[ph.damage_id].photos.append(ph.file_id)


def _spot_checks(session: Session, items: list[Item], t: Translator, mask: _Masker) -> None:
    """A cited item: its answer, its photos and the check's own; a check cited whole: its
    failed answers and all its photos."""
    if not items:
        return
    answers = session.exec(
        select(SpotCheckItem).where(
            (col(SpotCheckItem.id).in_([i.id for i in items if i.kind == "spot_check_item"]))
            | (
                col(SpotCheckItem.spot_check_id).in_(
                    [i.id for i in items if i.kind == "inspection"]
                )
            )
        )
    ).all()
    by_id = {a.id: a for a in answers}
    check_of = {i.id: by_id[i.id].spot_check_id for i in items if i.kind == "spot_check_item"}
    checks = set(check_of.values()) | {i.id for i in items if i.kind == "inspection"}
    photos = session.exec(
        select(SpotCheckPhoto)
        .join(SpotCheck, col(SpotCheck.id) == col(SpotCheckPhoto.spot_check_id))
        .where(col(SpotCheckPhoto.spot_check_id).in_(checks))
        .order_by(col(SpotCheckPhoto.id))
    ).all()
    for i in items:
        if i.kind == "spot_check_item":
            a = by_id[i.id]
            i.answers = [_answer(a, t, mask)]
            i.photos = [
                p.file_id
                for p in photos
                if p.spot_check_id == a.spot_check_id and p.item_id in (None, a.id)
            ]
        else:
            failed = [a for a in answers if a.spot_check_id == i.id and a.result == "fail"]
            i.answers = [_answer(a, t, mask) for a in sorted(failed, key=lambda a: a.id or 0)]
            i.photos = [p.file_id for p in photos if p.spot_check_id == i.id]
