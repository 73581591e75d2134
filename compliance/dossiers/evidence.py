"""The dossier's evidence timeline: each kind of record printed by its registry entry
(compliance.evidence), photos shrunk once."""

import base64
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image
from sqlmodel import Session, col, select

from compliance import i18n
from compliance.accounts.models import User
from compliance.config import Settings
from compliance.dossiers import codes
from compliance.dossiers.formatting import Fmt, mask_text
from compliance.dossiers.views import EvidenceItem, Photo
from compliance.evidence import kinds
from compliance.evidence.registry import Kind, PrintJob
from compliance.files import storage
from compliance.files.models import StoredFile
from compliance.findings.models import Finding

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

# The code tables a kind's printer names by key (compliance.evidence.registry.Printer.word).
_TABLES: dict[str, codes.Table] = {
    "category": codes.CATEGORY,
    "channel": codes.CHANNEL,
    "satisfaction": codes.SATISFACTION,
    "spot_result": codes.SPOT_RESULT,
    "visit_kind": codes.VISIT_KIND,
    "punch_kind": codes.PUNCH_KIND,
    "punch_source": codes.PUNCH_SOURCE,
    "valuation_basis": codes.VALUATION_BASIS,
    "settlement": codes.SETTLEMENT,
    "overtime_decision": codes.OVERTIME_DECISION,
}


class _Printer:
    """The dossier's formatting as the evidence kinds' printers use it."""

    def __init__(self, fmt: Fmt, settings: Settings) -> None:
        self.fmt = fmt
        self.settings = settings
        self.lang = fmt.lang

    def dt(self, value: datetime | None) -> str:
        return self.fmt.dt(value)

    def money(self, fen: int | None) -> str:
        return self.fmt.money(fen)

    def gettext(self, message: str, **values: Any) -> str:
        return i18n.gettext(self.lang, message, **values)

    def word(self, table: str, code: str | None) -> str:
        return self.fmt.code(_TABLES[table], code)

    def caption(self, key: str) -> str:
        return str(self.fmt.L[key])

    def checklist_item(self, key: str) -> str:
        return codes.checklist_item(key, self.lang)

    def mask(self, text: str) -> str:
        return mask_text(text)

    def photos(self, files: Sequence[StoredFile], caption: str) -> tuple[Photo, ...]:
        return _photos(files, self.settings, self.fmt, caption)


def _refs(findings: Iterable[Finding]) -> dict[int, dict[str, set[int]]]:
    """The records the findings cite, per office (a finding cites its own office's records)."""
    out: dict[int, dict[str, set[int]]] = {}
    for f in findings:
        mine = out.setdefault(f.office_id, {})
        for ref in json.loads(f.evidence):
            mine.setdefault(str(ref["kind"]), set()).add(int(ref["id"]))
    return out


def _recorders(session: Session, kind: Kind, office_id: int, ids: list[int]) -> dict[int, str]:
    """The display name of whoever recorded each of these records, by record id."""
    records = kind.load(session, office_id, ids)
    users = {rid: kind.recorder(rec) for rid, rec in records.items()}
    wanted = {u for u in users.values() if u}
    if not wanted:
        return {}
    names = dict(
        session.exec(select(User.id, User.display_name).where(col(User.id).in_(wanted))).all()
    )
    return {rid: names[u] for rid, u in users.items() if u in names}


def timeline(
    session: Session, settings: Settings, fmt: Fmt, findings: Sequence[Finding]
) -> tuple[EvidenceItem, ...]:
    """Every record the findings cite, printed by its kind, and the hand-raised findings."""
    printer = _Printer(fmt, settings)
    rows: list[tuple[datetime, EvidenceItem]] = []
    for office_id, refs in sorted(_refs(findings).items()):
        job = PrintJob(session, office_id, refs, printer)
        for kind in kinds.every():
            if kind.print is None:
                continue
            label = kind.label(fmt.lang)
            printed = kind.print(job)
            by = _recorders(session, kind, office_id, [p.id for p in printed])
            # Who recorded it: the inspector of a spot check, whoever entered anything else.
            caption = fmt.L["inspector" if kind.key == "inspection" else "recorded_by"]
            for p in printed:
                lines = (*p.lines, f"{caption}: {by[p.id]}") if p.id in by else p.lines
                item = EvidenceItem(fmt.dt(p.at), label, f"{label} #{p.id}", lines, p.photos)
                rows.append((p.at, item))
    kind_label = fmt.code(codes.EVIDENCE, "finding")
    for f in findings:
        if f.source == "manual":
            text = f.explanation_zh if fmt.lang == "zh" else f.explanation_en
            rows.append(
                (
                    f.occurred_at,
                    EvidenceItem(
                        fmt.dt(f.occurred_at),
                        kind_label,
                        f"{kind_label} #{f.id} ({f.rule_code})",
                        (mask_text(text),),
                        (),
                    ),
                )
            )
    rows.sort(key=lambda r: (r[0], r[1].title))
    return tuple(item for _, item in rows)
