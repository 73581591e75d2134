"""The dossier's evidence timeline: one explicit query per kind of record, photos shrunk once."""

import base64
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from PIL import Image
from sqlmodel import Session, col, select

from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.config import Settings
from compliance.damages.models import DamageIncident, DamagePhoto
from compliance.dossiers import codes
from compliance.dossiers.formatting import Fmt, mask_text
from compliance.dossiers.views import EvidenceItem, Photo
from compliance.feedback.categories import CATEGORY
from compliance.feedback.models import Feedback
from compliance.files import storage
from compliance.files.models import StoredFile
from compliance.findings.models import Finding
from compliance.inspections.models import SpotCheck, SpotCheckItem, SpotCheckPhoto
from compliance.overtime.models import OvertimeRequest
from compliance.residents.masking import mask_name, mask_phone
from compliance.residents.models import Resident, Unit
from compliance.tips.models import TipLine
from compliance.visits.models import Visit

PHOTO_MAX_PX = 800


# --- photos -------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _photo_data_url(path: Path, sha256: str) -> str | None:
    """Downscale a stored photo to at most 800 px and embed it as a JPEG data: URL."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(raw).hexdigest() != sha256:
        return None  # the stored bytes are not what was uploaded: print nothing misleading
    with Image.open(io.BytesIO(raw)) as img:
        img.draft("RGB", (PHOTO_MAX_PX, PHOTO_MAX_PX))
        pic = img.convert("RGB")
        pic.thumbnail((PHOTO_MAX_PX, PHOTO_MAX_PX), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        pic.save(out, "JPEG", quality=72, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _photos(
    files: Sequence[StoredFile], settings: Settings, fmt: Fmt, caption: str
) -> tuple[Photo, ...]:
    out = []
    for i, f in enumerate(files, 1):
        url = _photo_data_url(storage.path_of(settings.data_dir, f.storage_name), f.sha256)
        if url is None:
            continue
        out.append(Photo(url, f"{caption} {fmt.L['photo']} {i}"))
    return tuple(out)


# --- evidence -----------------------------------------------------------------------------


def _refs(findings: Iterable[Finding]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for f in findings:
        for ref in json.loads(f.evidence):
            out.setdefault(str(ref["kind"]), set()).add(int(ref["id"]))
    return out


def _units(session: Session, unit_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Unit label and masked resident names/phones, per unit id (two queries)."""
    if not unit_ids:
        return {}
    units = session.exec(select(Unit).where(col(Unit.id).in_(unit_ids))).all()
    residents = session.exec(
        select(Resident).where(col(Resident.unit_id).in_(unit_ids)).order_by(col(Resident.id))
    ).all()
    who: dict[int, list[str]] = {}
    for r in residents:
        phone = f" {mask_phone(r.phone)}" if r.phone else ""
        who.setdefault(r.unit_id, []).append(f"{mask_name(r.name)}{phone}")
    return {u.id or 0: (f"{u.building} {u.room}", "、".join(who.get(u.id or 0, []))) for u in units}


def _files(session: Session, ids: set[int]) -> dict[int, StoredFile]:
    if not ids:
        return {}
    rows = session.exec(select(StoredFile).where(col(StoredFile.id).in_(ids))).all()
    return {f.id or 0: f for f in rows}


def _spot_checks(
    session: Session, settings: Settings, fmt: Fmt, refs: dict[str, set[int]]
) -> list[tuple[datetime, EvidenceItem]]:
    item_ids = refs.get("spot_check_item", set())
    items = (
        session.exec(select(SpotCheckItem).where(col(SpotCheckItem.id).in_(item_ids))).all()
        if item_ids
        else []
    )
    check_ids = refs.get("inspection", set()) | {i.spot_check_id for i in items}
    if not check_ids:
        return []
    checks = {
        c.id or 0: c
        for c in session.exec(select(SpotCheck).where(col(SpotCheck.id).in_(check_ids))).all()
    }
    whole = refs.get("inspection", set())
    if whole:
        extra = session.exec(
            select(SpotCheckItem)
            .where(col(SpotCheckItem.spot_check_id).in_(whole))
            .order_by(col(SpotCheckItem.id))
        ).all()
        items = list({i.id: i for i in [*items, *extra]}.values())
    photos = session.exec(
        select(SpotCheckPhoto)
        .where(col(SpotCheckPhoto.spot_check_id).in_(check_ids))
        .order_by(col(SpotCheckPhoto.id))
    ).all()
    files = _files(session, {p.file_id for p in photos})
    units = _units(session, {c.unit_id for c in checks.values() if c.unit_id})
    out = []
    for check_id, check in sorted(checks.items()):
        mine = sorted((i for i in items if i.spot_check_id == check_id), key=lambda i: i.id or 0)
        lines = []
        where = units[check.unit_id][0] if check.unit_id in units else check.area
        lines.append(f"{fmt.L['unit']}: {where}")
        for it in mine:
            obs = f" ({it.observed})" if it.observed is not None else ""
            note = f" — {mask_text(it.note)}" if it.note else ""
            label = codes.checklist_item(it.item_key, fmt.lang)
            result = fmt.code(codes.SPOT_RESULT, it.result)
            lines.append(f"{it.rule_code} {label}: {result}{obs}{note}")
        if check.notes:
            lines.append(mask_text(check.notes))
        pics = [files[p.file_id] for p in photos if p.spot_check_id == check_id]
        title = f"{fmt.code(codes.EVIDENCE, 'inspection')} #{check_id}"
        item = EvidenceItem(
            fmt.dt(check.checked_at),
            fmt.code(codes.EVIDENCE, "inspection"),
            title,
            tuple(lines),
            _photos(pics, settings, fmt, title),
        )
        out.append((check.checked_at, item))
    return out


def _feedback(session: Session, fmt: Fmt, ids: set[int]) -> list[tuple[datetime, EvidenceItem]]:
    if not ids:
        return []
    rows = session.exec(select(Feedback).where(col(Feedback.id).in_(ids))).all()
    units = _units(session, {r.unit_id for r in rows if r.unit_id})
    kind = fmt.code(codes.EVIDENCE, "feedback")
    out = []
    for r in rows:
        category = fmt.code(CATEGORY, r.category)
        lines = [f"{fmt.L['kind']}: {category} · {fmt.code(codes.CHANNEL, r.channel)}"]
        if r.unit_id in units:
            unit, who = units[r.unit_id]
            lines.append(
                f"{fmt.L['unit']}: {unit}" + (f" · {fmt.L['resident']}: {who}" if who else "")
            )
        if r.satisfaction:
            lines.append(f"{fmt.L['rating']}: {fmt.code(codes.SATISFACTION, r.satisfaction)}")
        if r.amount_fen is not None:
            lines.append(f"{fmt.L['amount']}: {fmt.money(r.amount_fen)}")
        if r.text:
            lines.append(mask_text(r.text))
        out.append(
            (
                r.occurred_at,
                EvidenceItem(fmt.dt(r.occurred_at), kind, f"{kind} #{r.id}", tuple(lines), ()),
            )
        )
    return out


def _tips(session: Session, fmt: Fmt, ids: set[int]) -> list[tuple[datetime, EvidenceItem]]:
    if not ids:
        return []
    rows = session.exec(select(TipLine).where(col(TipLine.id).in_(ids))).all()
    units = _units(session, {r.unit_id for r in rows})
    kind = fmt.code(codes.EVIDENCE, "tip_line")
    out = []
    for r in rows:
        lines = [
            f"{fmt.L['amount']}: {fmt.money(r.amount_fen)} · {fmt.L['unit']}: "
            f"{units.get(r.unit_id, ('?', ''))[0]}",
            fmt.pick(
                f"收到 {fmt.dt(r.received_at)},申报 {fmt.dt(r.declared_at)},上交 "
                f"{fmt.dt(r.handed_over_at)}",
                f"received {fmt.dt(r.received_at)}, declared {fmt.dt(r.declared_at)}, "
                f"handed over {fmt.dt(r.handed_over_at)}",
            ),
        ]
        if r.receipt_no:
            lines.append(fmt.pick(f"收据号 {r.receipt_no}", f"receipt {r.receipt_no}"))
        out.append(
            (
                r.received_at,
                EvidenceItem(fmt.dt(r.received_at), kind, f"{kind} #{r.id}", tuple(lines), ()),
            )
        )
    return out


def _damages(
    session: Session, settings: Settings, fmt: Fmt, ids: set[int]
) -> list[tuple[datetime, EvidenceItem]]:
    if not ids:
        return []
    rows = session.exec(select(DamageIncident).where(col(DamageIncident.id).in_(ids))).all()
    photos = session.exec(
        select(DamagePhoto).where(col(DamagePhoto.damage_id).in_(ids)).order_by(col(DamagePhoto.id))
    ).all()
    files = _files(session, {p.file_id for p in photos})
    units = _units(session, {r.unit_id for r in rows})
    kind = fmt.code(codes.EVIDENCE, "damage")
    out = []
    for r in rows:
        lines = [f"{r.item} · {fmt.L['unit']}: {units.get(r.unit_id, ('?', ''))[0]}"]
        if r.description:
            lines.append(mask_text(r.description))
        basis = (
            f" ({fmt.code(codes.VALUATION_BASIS, r.valuation_basis)})" if r.valuation_basis else ""
        )
        lines.append(fmt.pick("估价", "Valuation") + f": {fmt.money(r.assessed_value_fen)}{basis}")
        if r.valuation_note:
            lines.append(mask_text(r.valuation_note))
        lines.append(
            fmt.pick("住户确认", "Resident sign-off") + f": {fmt.dt(r.resident_signed_off_at)}"
            f" · {fmt.L['settlement']}: {fmt.code(codes.SETTLEMENT, r.settlement)}"
        )
        title = f"{kind} #{r.id}"
        pics = [files[p.file_id] for p in photos if p.damage_id == r.id]
        out.append(
            (
                r.occurred_at,
                EvidenceItem(
                    fmt.dt(r.occurred_at),
                    kind,
                    title,
                    tuple(lines),
                    _photos(pics, settings, fmt, title),
                ),
            )
        )
    return out


def _attendance(
    session: Session, fmt: Fmt, refs: dict[str, set[int]]
) -> list[tuple[datetime, EvidenceItem]]:
    out = []
    ids = refs.get("attendance", set())
    if ids:
        kind = fmt.code(codes.EVIDENCE, "attendance")
        for a in session.exec(select(AttendanceEvent).where(col(AttendanceEvent.id).in_(ids))):
            out.append(
                (
                    a.at,
                    EvidenceItem(
                        fmt.dt(a.at),
                        kind,
                        f"{kind} #{a.id}",
                        (
                            f"{fmt.code(codes.PUNCH_KIND, a.kind)} · {a.work_date} · "
                            f"{fmt.code(codes.PUNCH_SOURCE, a.source)}",
                        ),
                        (),
                    ),
                )
            )
    ids = refs.get("roster", set())
    if ids:
        kind = fmt.code(codes.EVIDENCE, "roster")
        for s in session.exec(select(RosterShift).where(col(RosterShift.id).in_(ids))):
            out.append(
                (
                    s.start_at,
                    EvidenceItem(
                        fmt.dt(s.start_at),
                        kind,
                        f"{kind} #{s.id}",
                        (f"{fmt.dt(s.start_at)} – {fmt.dt(s.end_at)}",),
                        (),
                    ),
                )
            )
    return out


def _visits(
    session: Session, fmt: Fmt, refs: dict[str, set[int]]
) -> list[tuple[datetime, EvidenceItem]]:
    out = []
    ids = refs.get("visit", set())
    rows = session.exec(select(Visit).where(col(Visit.id).in_(ids))).all() if ids else []
    units = _units(session, {v.unit_id for v in rows})
    kind = fmt.code(codes.EVIDENCE, "visit")
    for v in rows:
        lines = [
            f"{fmt.L['kind']}: {fmt.code(codes.VISIT_KIND, v.kind)} · "
            f"{fmt.L['unit']}: {units.get(v.unit_id, ('?', ''))[0]}",
            fmt.pick(
                f"报修 {fmt.dt(v.requested_at)} · 到达 {fmt.dt(v.arrived_at)} · 完成 "
                f"{fmt.dt(v.done_at)} · 离开 {fmt.dt(v.left_at)}",
                f"requested {fmt.dt(v.requested_at)} · arrived {fmt.dt(v.arrived_at)} · "
                f"done {fmt.dt(v.done_at)} · left {fmt.dt(v.left_at)}",
            ),
        ]
        if v.description:
            lines.append(mask_text(v.description))
        if v.outcome:
            lines.append(mask_text(v.outcome))
        out.append(
            (
                v.requested_at,
                EvidenceItem(fmt.dt(v.requested_at), kind, f"{kind} #{v.id}", tuple(lines), ()),
            )
        )
    ids = refs.get("overtime", set())
    if ids:
        kind = fmt.code(codes.EVIDENCE, "overtime")
        for o in session.exec(select(OvertimeRequest).where(col(OvertimeRequest.id).in_(ids))):
            lines = [f"{fmt.code(codes.OVERTIME_DECISION, o.decision)} · {fmt.dt(o.decided_at)}"]
            if o.entered_at is not None and o.entered_at != o.decided_at:
                # Given by phone, typed in later: when it was entered, and why late (R09).
                lines.append(
                    fmt.pick(f"录入于 {fmt.dt(o.entered_at)}", f"entered {fmt.dt(o.entered_at)}")
                )
            if o.late_entry_reason:
                lines.append(
                    fmt.pick("补录原因:", "entered late because: ") + mask_text(o.late_entry_reason)
                )
            lines += [mask_text(t) for t in (o.reason, o.decision_note) if t]
            out.append(
                (
                    o.requested_at,
                    EvidenceItem(fmt.dt(o.requested_at), kind, f"{kind} #{o.id}", tuple(lines), ()),
                )
            )
    return out


def timeline(
    session: Session, settings: Settings, fmt: Fmt, findings: Sequence[Finding]
) -> tuple[EvidenceItem, ...]:
    refs = _refs(findings)
    rows: list[tuple[datetime, EvidenceItem]] = []
    rows += _spot_checks(session, settings, fmt, refs)
    rows += _feedback(session, fmt, refs.get("feedback", set()))
    rows += _tips(session, fmt, refs.get("tip_line", set()))
    rows += _damages(session, settings, fmt, refs.get("damage", set()))
    rows += _attendance(session, fmt, refs)
    rows += _visits(session, fmt, refs)
    kind = fmt.code(codes.EVIDENCE, "finding")
    for f in findings:
        if f.source == "manual":
            text = f.explanation_zh if fmt.lang == "zh" else f.explanation_en
            rows.append(
                (
                    f.occurred_at,
                    EvidenceItem(
                        fmt.dt(f.occurred_at),
                        kind,
                        f"{kind} #{f.id} ({f.rule_code})",
                        (mask_text(text),),
                        (),
                    ),
                )
            )
    rows.sort(key=lambda r: (r[0], r[1].title))
    return tuple(item for _, item in rows)
