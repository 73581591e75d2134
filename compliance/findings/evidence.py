"""Each finding's evidence in words, for the triage queue: loaded in bulk, one query per kind
of record on the page plus one per kind that has photos, never one per finding.

A measured checklist answer (ring length, gap between rings) comes with the limit of the rule
version the finding was judged under, so the page can say "gap 3 s, required ≥ 60 s".
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from sqlmodel import col, select

from compliance.context import Ctx
from compliance.damages.models import DamagePhoto
from compliance.evidence import kinds
from compliance.evidence import service as service_evidence
from compliance.findings.schemas import FindingRead
from compliance.i18n import N_, gettext
from compliance.inspections.models import SpotCheckPhoto
from compliance.money import format_fen
from compliance.names import name
from compliance.policy_params import service as policy_params
from policies import registry
from policies.checklist import Bound


@dataclass(frozen=True)
class Measure:
    """A measured value against its limit: label, value, limit, unit, ≤ or ≥, breached."""

    label: str
    observed: int
    limit: int
    unit: str
    bound: str
    breach: bool


@dataclass(frozen=True)
class EvidenceLine:
    """One record behind a finding: its kind in words, when, what it says, its photos."""

    kind: str
    kind_label: str
    id: int
    at: datetime | None
    text: str
    found: bool = True
    photos: list[int] = field(default_factory=list)
    measure: Measure | None = None
    ref: str = ""  # how the record is named when not by its id (a work order's number)
    href: str = ""  # where the record is opened, when it has a page


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _item_label(item_key: str, lang: str) -> str:
    try:
        _, item = registry.find_item(item_key)
    except KeyError:
        return item_key
    return item.label_zh if lang == "zh" else item.label_en


def _shift(r: Any, lang: str, tz: tzinfo) -> str:
    """A rostered shift's end (its start is the line's time): 'until 17:30'."""
    return gettext(lang, N_("until %(time)s"), time=r.end_at.astimezone(tz).strftime("%H:%M"))


def _money(fen: int | None) -> str:
    return format_fen(fen) if fen else ""


# What each kind of record says, in the language: (record, lang, zone) -> (when, text).
Say = Callable[[Any, str, tzinfo], tuple[datetime | None, str]]
SAY: dict[str, Say] = {
    "feedback": lambda r, lang, tz: (
        r.occurred_at,
        _join(name("category", r.category, lang), r.text, _money(r.amount_fen)),
    ),
    "spot_check_item": lambda r, lang, tz: (
        r[1].checked_at,
        _join(
            _item_label(r[0].item_key, lang) + ": " + name("spot_result", r[0].result, lang),
            r[0].note,
        ),
    ),
    "inspection": lambda r, lang, tz: (r.checked_at, _join(r.area, r.notes)),
    "attendance": lambda r, lang, tz: (r.at, name("punch_kind", r.kind, lang)),
    "roster": lambda r, lang, tz: (r.start_at, _shift(r, lang, tz)),
    "visit": lambda r, lang, tz: (
        r.arrived_at or r.requested_at,
        _join(name("visit_kind", r.kind, lang), r.description),
    ),
    "overtime": lambda r, lang, tz: (
        r.requested_at,
        _join(name("overtime", r.decision, lang), r.reason),
    ),
    "tip_line": lambda r, lang, tz: (
        r.received_at,
        _join(format_fen(r.amount_fen), r.receipt_no or ""),
    ),
    "damage": lambda r, lang, tz: (
        r.occurred_at,
        _join(r.item, _money(r.assessed_value_fen), r.description),
    ),
    **service_evidence.SAY,
}


def _photos(ctx: Ctx, records: dict[str, dict[int, Any]]) -> dict[tuple[str, int], list[int]]:
    """The photo file ids of each record on the page (one query per kind with photos)."""
    out: dict[tuple[str, int], list[int]] = defaultdict(list)
    items = records.get("spot_check_item", {})
    checks = {row[1].id for row in items.values()} | set(records.get("inspection", {}))
    if checks:
        for ph in ctx.session.exec(
            select(SpotCheckPhoto)
            .where(col(SpotCheckPhoto.spot_check_id).in_(sorted(checks)))
            .order_by(col(SpotCheckPhoto.id))
        ):
            if ph.spot_check_id in records.get("inspection", {}):
                out[("inspection", ph.spot_check_id)].append(ph.file_id)
            for item_id, (item, _) in items.items():
                if item.spot_check_id == ph.spot_check_id and ph.item_id in (None, item_id):
                    out[("spot_check_item", item_id)].append(ph.file_id)
    damages = records.get("damage", {})
    if damages:
        for dp in ctx.session.exec(
            select(DamagePhoto)
            .where(col(DamagePhoto.damage_id).in_(sorted(damages)))
            .order_by(col(DamagePhoto.id))
        ):
            out[("damage", dp.damage_id)].append(dp.file_id)
    return out


def _measures(
    ctx: Ctx, findings: Sequence[FindingRead], items: dict[int, Any], lang: str
) -> dict[tuple[int, int], Measure]:
    """(finding id, item id) -> the measured value against the limit of the finding's rule
    version (the office's versions: one query, only when a measured answer is on the page)."""
    wanted = [
        (f, items[int(str(ref["id"]))][0])
        for f in findings
        for ref in f.evidence
        if ref.get("kind") == "spot_check_item"
        and int(str(ref.get("id", 0))) in items
        and items[int(str(ref["id"]))][0].observed is not None
    ]
    if not wanted:
        return {}
    versions = policy_params.timeline(ctx.session, ctx.actor.office_id)
    out: dict[tuple[int, int], Measure] = {}
    for f, item in wanted:
        try:
            policy, spec_item = registry.find_item(item.item_key)
        except KeyError:
            continue
        spec = spec_item.observed
        chosen = [v for v in versions.get(policy.code, []) if v.version == f.policy_version]
        if spec is None or not chosen:
            continue
        limit = chosen[-1].params[spec.limit_param]
        label = (spec.label_zh if lang == "zh" else spec.label_en).split("(")[0].strip()
        out[(f.id, item.id)] = Measure(
            label=label,
            observed=item.observed,
            limit=limit,
            unit=spec.unit,
            bound="≤" if spec.bound is Bound.MAX else "≥",
            breach=spec.breaches(item.observed, limit),
        )
    return out


def summaries(
    ctx: Ctx, findings: Sequence[FindingRead], lang: str
) -> dict[int, list[EvidenceLine]]:
    """Each finding's evidence lines, by finding id, in the order the finding cites them."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for f in findings:
        for ref in f.evidence:
            wanted[str(ref.get("kind"))].add(int(str(ref.get("id", 0))))
    records: dict[str, dict[int, Any]] = {}
    for key in sorted(wanted):
        entry = kinds.get(key)
        if entry is not None:
            records[key] = entry.load(ctx.session, ctx.actor.office_id, wanted[key])
    photos = _photos(ctx, records)
    measures = _measures(ctx, findings, records.get("spot_check_item", {}), lang)
    out: dict[int, list[EvidenceLine]] = {}
    for f in findings:
        lines = []
        for ref in f.evidence:
            key, id_ = str(ref.get("kind")), int(str(ref.get("id", 0)))
            entry = kinds.get(key)
            label = entry.label(lang) if entry else name("evidence", key, lang)
            row = records.get(key, {}).get(id_)
            if row is None:
                lines.append(EvidenceLine(key, label, id_, None, "", found=entry is None))
                continue
            at, text = SAY[key](row, lang, ctx.tz) if key in SAY else (None, "")
            lines.append(
                EvidenceLine(
                    key,
                    label,
                    id_,
                    at,
                    text,
                    photos=photos.get((key, id_), []),
                    measure=measures.get((f.id, id_)),
                    ref=service_evidence.REF[key](row) if key in service_evidence.REF else "",
                    href=service_evidence.HREF[key](row) if key in service_evidence.HREF else "",
                )
            )
        out[f.id] = lines
    return out
