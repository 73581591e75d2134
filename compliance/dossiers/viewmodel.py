"""The frozen view model of a dossier, built with explicit queries (one per kind of row).

Templates only print what is here: every string is already formatted, masked and in the
requested language, so rendering needs no database and no lazy loading.
"""

import base64
import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image
from sqlmodel import Session, col, select

from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.audit.models import AuditEvent
from compliance.cases import repository as case_repo
from compliance.cases.guard import dismissal_gates, wrongful_dismissal_cost
from compliance.cases.labels import action_word, step_note
from compliance.cases.models import Case
from compliance.clock import local_date
from compliance.config import Settings
from compliance.damages.models import DamageIncident, DamagePhoto
from compliance.dossiers import labels as lb
from compliance.feedback.models import Feedback
from compliance.files import storage
from compliance.files.models import StoredFile
from compliance.findings.models import Finding
from compliance.inspections.models import SpotCheck, SpotCheckItem, SpotCheckPhoto
from compliance.money import format_fen
from compliance.offices.models import Office
from compliance.overtime.models import OvertimeRequest
from compliance.pay.models import Deduction, Instalment
from compliance.policy_params import service as policy_params
from compliance.residents.masking import mask_name, mask_phone
from compliance.residents.models import Resident, Unit
from compliance.staff.models import Staff
from compliance.tips.models import TipLine
from compliance.users.models import User
from compliance.visits.models import Visit
from policies.sanction import OUTCOME_LABELS_EN, OUTCOME_LABELS_ZH, OutcomeKind

PHOTO_MAX_PX = 800
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@dataclass(frozen=True, slots=True)
class Field:
    """A label and its printed value."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Photo:
    """A downscaled photo as a data: URL."""

    data_url: str
    caption: str


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One entry of the evidence timeline."""

    at: str
    kind: str
    title: str
    lines: tuple[str, ...]
    photos: tuple[Photo, ...]


@dataclass(frozen=True, slots=True)
class RuleView:
    """A rule as it was in force for the case."""

    code: str
    article: int
    title: str
    text: str
    version: str
    effective_from: str
    published_on: str
    params_digest: str


@dataclass(frozen=True, slots=True)
class FindingView:
    """A finding of the case."""

    id: int
    rule: str
    occurred: str
    source: str
    status: str
    explanation: str
    suggested_severity: str
    triage_reason: str


@dataclass(frozen=True, slots=True)
class OutcomeView:
    """One proposed outcome."""

    label: str
    amount: str
    legal_risk: bool
    note: str


@dataclass(frozen=True, slots=True)
class RiskView:
    """A legal risk shown with a proposal."""

    text: str
    law: str
    needs_justification: bool


@dataclass(frozen=True, slots=True)
class ProposalView:
    """A proposal revision with its reasoning."""

    revision: int
    current: bool
    created: str
    created_by: str
    outcomes: tuple[OutcomeView, ...]
    explanation: tuple[str, ...]
    risks: tuple[RiskView, ...]
    amend_reason: str


@dataclass(frozen=True, slots=True)
class InstalmentView:
    """One month of a deduction."""

    month: str
    amount: str
    taken: bool


@dataclass(frozen=True, slots=True)
class DeductionView:
    """A deduction and its instalment schedule."""

    kind: str
    amount: str
    start_month: str
    reason: str
    legal_risk: bool
    instalments: tuple[InstalmentView, ...]
    unscheduled: str


@dataclass(frozen=True, slots=True)
class ApprovalView:
    """An approval given."""

    who: str
    capacity: str
    at: str
    justification: str
    lapsed: str


@dataclass(frozen=True, slots=True)
class NoticeView:
    """A notice served and its acknowledgement."""

    kind: str
    content: str
    amount: str
    served: str
    served_by: str
    ack: str


@dataclass(frozen=True, slots=True)
class PartyText:
    """A text someone put on the record, and when."""

    text: str
    at: str
    by: str


@dataclass(frozen=True, slots=True)
class UnionView:
    """The trade-union notice and reply."""

    reasons: PartyText
    reply: PartyText | None


@dataclass(frozen=True, slots=True)
class AppealView:
    """The appeal and its decision."""

    grounds: PartyText
    outcome: str
    decision: PartyText | None


@dataclass(frozen=True, slots=True)
class GateView:
    """A dismissal gate."""

    passed: bool
    blocking: bool
    text: str
    law: str


@dataclass(frozen=True, slots=True)
class StepView:
    """A life-cycle step."""

    at: str
    action: str
    change: str
    note: str
    actor: str


@dataclass(frozen=True, slots=True)
class AuditView:
    """An audit event of the case."""

    seq: int
    at: str
    actor: str
    action: str
    hash: str
    prev_hash: str


@dataclass(frozen=True, slots=True)
class CaseContent:
    """Everything printed about the case; its digest is the dossier's content fingerprint."""

    lang: str
    office_name: str
    office_code: str
    case_number: str
    staff_name: str
    staff_fields: tuple[Field, ...]
    status: str
    severity: str
    severity_reason: str
    rule_codes: str
    dates: tuple[Field, ...]
    rules: tuple[RuleView, ...]
    timeline: tuple[EvidenceItem, ...]
    statement_kind: str
    statement: PartyText | None
    findings: tuple[FindingView, ...]
    proposals: tuple[ProposalView, ...]
    deductions: tuple[DeductionView, ...]
    approvals: tuple[ApprovalView, ...]
    notices: tuple[NoticeView, ...]
    union_required: bool
    union: UnionView | None
    appeal: AppealView | None
    gates: tuple[GateView, ...]
    wrongful_cost: tuple[str, ...]
    steps: tuple[StepView, ...]
    annotations: tuple[PartyText, ...]
    audit: tuple[AuditView, ...]

    def digest(self) -> str:
        """SHA-256 of the content as canonical JSON."""
        body = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class DossierView:
    """A dossier ready to render: the case content plus how and when it was issued."""

    content: CaseContent
    dossier_number: str
    issued_at: str
    issued_by: str
    verify_url: str
    qr_data_url: str
    fingerprint: str
    chain_seq: int
    chain_hash: str


# --- formatting ---------------------------------------------------------------------------


class _Fmt:
    """Language and time zone for one dossier."""

    def __init__(self, lang: str, tz: ZoneInfo) -> None:
        self.lang = lang
        self.tz = tz
        self.L = lb.labels(lang)

    def dt(self, value: datetime | None) -> str:
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if value else "—"

    def day(self, value: date | datetime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            return local_date(value, self.tz).isoformat()
        return value.isoformat()

    def money(self, fen: int | None) -> str:
        return format_fen(fen) if fen is not None else "—"

    def pick(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def outcome(self, kind: str) -> str:
        try:
            k = OutcomeKind(kind)
        except ValueError:
            return kind
        return (OUTCOME_LABELS_ZH if self.lang == "zh" else OUTCOME_LABELS_EN)[k]


def mask_text(text: str) -> str:
    """Mask mobile numbers inside free text (residents' numbers are never printed whole)."""
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)


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
    files: Sequence[StoredFile], settings: Settings, fmt: _Fmt, caption: str
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
    session: Session, settings: Settings, fmt: _Fmt, refs: dict[str, set[int]]
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
            lines.append(f"{it.rule_code} {it.item_key}: {it.result}{obs}{note}")
        if check.notes:
            lines.append(mask_text(check.notes))
        pics = [files[p.file_id] for p in photos if p.spot_check_id == check_id]
        title = f"{lb.word(lb.EVIDENCE, fmt.lang, 'inspection')} #{check_id}"
        item = EvidenceItem(
            fmt.dt(check.checked_at),
            lb.word(lb.EVIDENCE, fmt.lang, "inspection"),
            title,
            tuple(lines),
            _photos(pics, settings, fmt, title),
        )
        out.append((check.checked_at, item))
    return out


def _feedback(session: Session, fmt: _Fmt, ids: set[int]) -> list[tuple[datetime, EvidenceItem]]:
    if not ids:
        return []
    rows = session.exec(select(Feedback).where(col(Feedback.id).in_(ids))).all()
    units = _units(session, {r.unit_id for r in rows if r.unit_id})
    kind = lb.word(lb.EVIDENCE, fmt.lang, "feedback")
    out = []
    for r in rows:
        category = lb.word(lb.CATEGORY, fmt.lang, r.category)
        lines = [f"{fmt.L['kind']}: {category} · {lb.word(lb.CHANNEL, fmt.lang, r.channel)}"]
        if r.unit_id in units:
            unit, who = units[r.unit_id]
            lines.append(
                f"{fmt.L['unit']}: {unit}" + (f" · {fmt.L['resident']}: {who}" if who else "")
            )
        if r.satisfaction:
            lines.append(r.satisfaction)
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


def _tips(session: Session, fmt: _Fmt, ids: set[int]) -> list[tuple[datetime, EvidenceItem]]:
    if not ids:
        return []
    rows = session.exec(select(TipLine).where(col(TipLine.id).in_(ids))).all()
    units = _units(session, {r.unit_id for r in rows})
    kind = lb.word(lb.EVIDENCE, fmt.lang, "tip_line")
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
    session: Session, settings: Settings, fmt: _Fmt, ids: set[int]
) -> list[tuple[datetime, EvidenceItem]]:
    if not ids:
        return []
    rows = session.exec(select(DamageIncident).where(col(DamageIncident.id).in_(ids))).all()
    photos = session.exec(
        select(DamagePhoto).where(col(DamagePhoto.damage_id).in_(ids)).order_by(col(DamagePhoto.id))
    ).all()
    files = _files(session, {p.file_id for p in photos})
    units = _units(session, {r.unit_id for r in rows})
    kind = lb.word(lb.EVIDENCE, fmt.lang, "damage")
    out = []
    for r in rows:
        lines = [f"{r.item} · {fmt.L['unit']}: {units.get(r.unit_id, ('?', ''))[0]}"]
        if r.description:
            lines.append(mask_text(r.description))
        basis = f" ({r.valuation_basis})" if r.valuation_basis else ""
        lines.append(fmt.pick("估价", "Valuation") + f": {fmt.money(r.assessed_value_fen)}{basis}")
        if r.valuation_note:
            lines.append(mask_text(r.valuation_note))
        lines.append(
            fmt.pick("住户确认", "Resident sign-off") + f": {fmt.dt(r.resident_signed_off_at)}"
            f" · {r.settlement}"
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
    session: Session, fmt: _Fmt, refs: dict[str, set[int]]
) -> list[tuple[datetime, EvidenceItem]]:
    out = []
    ids = refs.get("attendance", set())
    if ids:
        kind = lb.word(lb.EVIDENCE, fmt.lang, "attendance")
        for a in session.exec(select(AttendanceEvent).where(col(AttendanceEvent.id).in_(ids))):
            out.append(
                (
                    a.at,
                    EvidenceItem(
                        fmt.dt(a.at),
                        kind,
                        f"{kind} #{a.id}",
                        (f"{a.kind} · {a.work_date} · {a.source}",),
                        (),
                    ),
                )
            )
    ids = refs.get("roster", set())
    if ids:
        kind = lb.word(lb.EVIDENCE, fmt.lang, "roster")
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
    session: Session, fmt: _Fmt, refs: dict[str, set[int]]
) -> list[tuple[datetime, EvidenceItem]]:
    out = []
    ids = refs.get("visit", set())
    rows = session.exec(select(Visit).where(col(Visit.id).in_(ids))).all() if ids else []
    units = _units(session, {v.unit_id for v in rows})
    kind = lb.word(lb.EVIDENCE, fmt.lang, "visit")
    for v in rows:
        lines = [
            f"{v.kind} · {fmt.L['unit']}: {units.get(v.unit_id, ('?', ''))[0]}",
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
        kind = lb.word(lb.EVIDENCE, fmt.lang, "overtime")
        for o in session.exec(select(OvertimeRequest).where(col(OvertimeRequest.id).in_(ids))):
            lines = [f"{o.decision} · {fmt.dt(o.decided_at)}"]
            lines += [mask_text(t) for t in (o.reason, o.decision_note) if t]
            out.append(
                (
                    o.requested_at,
                    EvidenceItem(fmt.dt(o.requested_at), kind, f"{kind} #{o.id}", tuple(lines), ()),
                )
            )
    return out


def _timeline(
    session: Session, settings: Settings, fmt: _Fmt, findings: Sequence[Finding]
) -> tuple[EvidenceItem, ...]:
    refs = _refs(findings)
    rows: list[tuple[datetime, EvidenceItem]] = []
    rows += _spot_checks(session, settings, fmt, refs)
    rows += _feedback(session, fmt, refs.get("feedback", set()))
    rows += _tips(session, fmt, refs.get("tip_line", set()))
    rows += _damages(session, settings, fmt, refs.get("damage", set()))
    rows += _attendance(session, fmt, refs)
    rows += _visits(session, fmt, refs)
    kind = lb.word(lb.EVIDENCE, fmt.lang, "finding")
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


# --- the case -----------------------------------------------------------------------------


def _users(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(ids))).all()
    return {uid or 0: name for uid, name in rows}


def _rules(session: Session, case: Case, codes: list[str], fmt: _Fmt) -> tuple[RuleView, ...]:
    day = local_date(case.incident_at, fmt.tz)
    timeline = policy_params.timeline(session, case.office_id)
    out = []
    for code in codes:
        eff = policy_params.pick(timeline[code], day)
        if eff is None:
            continue
        p = eff.policy
        out.append(
            RuleView(
                code=p.code,
                article=p.article,
                title=fmt.pick(p.title_zh, p.title_en),
                text=fmt.pick(p.text_zh, p.text_en),
                version=case.policy_version if code == case.rule_code else eff.version,
                effective_from=eff.effective_from.isoformat(),
                published_on=p.published_on.isoformat(),
                params_digest=case.params_digest if code == case.rule_code else eff.digest,
            )
        )
    return tuple(out)


def _proposal_views(
    proposals: Sequence[Any], fmt: _Fmt, users: dict[int, str]
) -> tuple[ProposalView, ...]:
    out = []
    for i, p in enumerate(proposals):
        outcomes = json.loads(p.outcomes)
        reasoning = json.loads(p.reasoning)
        out.append(
            ProposalView(
                revision=p.revision,
                current=i == len(proposals) - 1,
                created=fmt.dt(p.created_at),
                created_by=users.get(p.created_by or 0, "—"),
                outcomes=tuple(
                    OutcomeView(
                        label=fmt.outcome(str(o["kind"])),
                        amount=fmt.money(o.get("amount_fen")),
                        legal_risk=bool(o.get("legal_risk")),
                        note=str(o.get("note_zh" if fmt.lang == "zh" else "note_en") or ""),
                    )
                    for o in outcomes
                ),
                explanation=tuple(str(x) for x in reasoning.get(f"explanation_{fmt.lang}", [])),
                risks=tuple(
                    RiskView(
                        text=str(r[f"text_{fmt.lang}"]),
                        law=str(r[f"law_{fmt.lang}"]),
                        needs_justification=bool(r.get("requires_justification")),
                    )
                    for r in reasoning.get("legal_risks", [])
                ),
                amend_reason=p.amend_reason,
            )
        )
    return tuple(out)


def _deductions(session: Session, case_id: int, fmt: _Fmt) -> tuple[DeductionView, ...]:
    rows = session.exec(
        select(Deduction).where(col(Deduction.case_id) == case_id).order_by(col(Deduction.id))
    ).all()
    if not rows:
        return ()
    ids = [d.id for d in rows]
    inst = session.exec(
        select(Instalment)
        .where(col(Instalment.deduction_id).in_(ids))
        .order_by(col(Instalment.month), col(Instalment.id))
    ).all()
    out = []
    for d in rows:
        mine = [i for i in inst if i.deduction_id == d.id]
        left = d.amount_fen - sum(i.amount_fen for i in mine)
        out.append(
            DeductionView(
                kind=d.kind,
                amount=fmt.money(d.amount_fen),
                start_month=d.start_month.strftime("%Y-%m"),
                reason=d.reason,
                legal_risk=d.legal_risk,
                instalments=tuple(
                    InstalmentView(
                        i.month.strftime("%Y-%m"), fmt.money(i.amount_fen), i.status == "taken"
                    )
                    for i in mine
                ),
                unscheduled=fmt.money(max(left, 0)),
            )
        )
    return tuple(out)


def _audit(
    session: Session, case_id: int, fmt: _Fmt, users: dict[int, str]
) -> tuple[AuditView, ...]:
    rows = session.exec(
        select(AuditEvent)
        .where(col(AuditEvent.entity) == "case", col(AuditEvent.entity_id) == str(case_id))
        .order_by(col(AuditEvent.seq))
    ).all()
    return tuple(
        AuditView(
            e.seq,
            fmt.dt(e.at),
            users.get(e.actor_id or 0, e.actor_role),
            e.action,
            e.hash,
            e.prev_hash,
        )
        for e in rows
    )


def build_content(
    session: Session, settings: Settings, case: Case, lang: str, today: date
) -> CaseContent:
    """Read everything about the case (explicit queries) and freeze it for printing."""
    fmt = _Fmt(lang, ZoneInfo(settings.timezone))
    L = fmt.L
    cid = case.id or 0
    office = session.exec(select(Office).where(col(Office.id) == case.office_id)).one()
    staff = session.exec(select(Staff).where(col(Staff.id) == case.staff_id)).one()
    findings = case_repo.findings_of(session, cid)
    proposals = case_repo.proposals(session, cid)
    approvals = case_repo.approvals(session, cid)
    notices = case_repo.notices(session, cid)
    union = case_repo.union_notice_of(session, cid)
    appeal = case_repo.appeal_of(session, cid)
    statement = case_repo.statement_of(session, cid)
    steps = case_repo.steps(session, cid)
    notes = case_repo.annotations(session, cid)
    audit_actor_ids = set(
        session.exec(
            select(AuditEvent.actor_id).where(
                col(AuditEvent.entity) == "case", col(AuditEvent.entity_id) == str(cid)
            )
        ).all()
    )
    user_ids = {
        *(p.created_by for p in proposals),
        *(a.approver_id for a in approvals),
        *(n.served_by for n in notices),
        *(s.actor_id for s in steps),
        *(a.by for a in notes),
        *audit_actor_ids,
        statement.recorded_by if statement else None,
        union.notified_by if union else None,
        appeal.filed_by if appeal else None,
        appeal.decided_by if appeal else None,
    }
    users = _users(session, {u for u in user_ids if u is not None})

    def name(uid: int | None) -> str:
        return users.get(uid or 0, "—")

    codes = list(dict.fromkeys([case.rule_code, *(f.rule_code for f in findings)]))
    latest = proposals[-1] if proposals else None
    gates: tuple[GateView, ...] = ()
    cost: tuple[str, ...] = ()
    if latest is not None and latest.is_dismissal:
        gates = tuple(
            GateView(
                g.passed, g.blocking, fmt.pick(g.text_zh, g.text_en), fmt.pick(g.law_zh, g.law_en)
            )
            for g in dismissal_gates(session, settings, case)
        )
        c = wrongful_dismissal_cost(session, settings, case, today)
        if c is not None:
            cost = (
                fmt.money(c.amount_fen),
                *(c.explanation_zh if lang == "zh" else c.explanation_en),
            )
    ack_words = {"signed": L["ack_signed"], "refused": L["ack_refused"]}
    return CaseContent(
        lang=lang,
        office_name=office.name,
        office_code=office.code,
        case_number=case.number,
        staff_name=staff.name,
        staff_fields=(
            Field(L["employee_no"], staff.employee_no),
            Field(L["team"], staff.team),
            Field(L["position"], staff.position),
            Field(L["hire_date"], staff.hire_date.isoformat()),
            Field(
                L["rulebook_ack"],
                fmt.dt(staff.rulebook_ack_at) if staff.rulebook_ack_at else L["not_on_record"],
            ),
        ),
        status=lb.word(lb.STATUS, lang, case.status),
        severity=lb.word(lb.SEVERITY, lang, case.severity),
        severity_reason=case.severity_reason,
        rule_codes=", ".join(codes),
        dates=tuple(
            Field(L[k], v)
            for k, v in (
                ("incident", fmt.dt(case.incident_at)),
                ("opened", fmt.dt(case.opened_at)),
                ("statement_due", fmt.day(case.statement_due)),
                ("notified", fmt.dt(case.notified_at)),
                ("appeal_deadline", fmt.day(case.appeal_deadline)),
                ("effective", fmt.dt(case.effective_at)),
                ("closed", fmt.dt(case.closed_at)),
            )
        ),
        rules=_rules(session, case, codes, fmt),
        timeline=_timeline(session, settings, fmt, findings),
        statement_kind=lb.word(lb.STATEMENT_KIND, lang, statement.kind) if statement else "",
        statement=PartyText(
            statement.text, fmt.dt(statement.recorded_at), name(statement.recorded_by)
        )
        if statement
        else None,
        findings=tuple(
            FindingView(
                id=f.id or 0,
                rule=f"{f.rule_code} v{f.policy_version}",
                occurred=fmt.dt(f.occurred_at),
                source=f.source,
                status=f.status,
                explanation=mask_text(fmt.pick(f.explanation_zh, f.explanation_en)),
                suggested_severity=lb.word(lb.SEVERITY, lang, f.suggested_severity),
                triage_reason=f.triage_reason,
            )
            for f in findings
        ),
        proposals=_proposal_views(proposals, fmt, users),
        deductions=_deductions(session, cid, fmt),
        approvals=tuple(
            ApprovalView(
                name(a.approver_id),
                a.capacity,
                fmt.dt(a.approved_at),
                a.justification,
                f"{L['lapsed']} {fmt.dt(a.lapsed_at)}" if a.lapsed_at else L["valid"],
            )
            for a in approvals
        ),
        notices=tuple(
            NoticeView(
                n.kind,
                n.content,
                fmt.money(n.amount_fen),
                fmt.dt(n.served_at),
                name(n.served_by),
                f"{ack_words.get(n.ack_kind or '', n.ack_kind or '')} {fmt.dt(n.acknowledged_at)}"
                if n.ack_kind
                else L["ack_none"],
            )
            for n in notices
        ),
        union_required=bool(latest is not None and latest.is_dismissal),
        union=UnionView(
            PartyText(union.reasons, fmt.dt(union.notified_at), name(union.notified_by)),
            PartyText(union.reply, fmt.dt(union.reply_at), "") if union.reply_at else None,
        )
        if union
        else None,
        appeal=AppealView(
            PartyText(appeal.grounds, fmt.dt(appeal.filed_at), name(appeal.filed_by)),
            appeal.outcome or "",
            PartyText(appeal.reasoning, fmt.dt(appeal.decided_at), name(appeal.decided_by))
            if appeal.decided_at
            else None,
        )
        if appeal
        else None,
        gates=gates,
        wrongful_cost=cost,
        steps=tuple(
            StepView(
                fmt.dt(s.at),
                action_word(s.action, lang),
                f"{lb.word(lb.STATUS, lang, s.from_status) if s.from_status else '—'} → "
                f"{lb.word(lb.STATUS, lang, s.to_status)}",
                mask_text(step_note(s.note, lang)),
                name(s.actor_id),
            )
            for s in steps
        ),
        annotations=tuple(PartyText(a.text, fmt.dt(a.at), name(a.by)) for a in notes),
        audit=_audit(session, cid, fmt, users),
    )


def qr_data_url(url: str) -> str:
    """A QR code of the verification address as a PNG data: URL (printed with crisp edges).

    A one-bit PNG costs the PDF renderer far less than the same code as an SVG path.
    """
    import segno

    qr = segno.make(url, error="m")
    out: str = qr.png_data_uri(scale=6, border=2)
    return out


def issue_view(
    content: CaseContent,
    *,
    dossier_number: str,
    issued_at: datetime,
    issued_by: str,
    base_url: str,
    chain_seq: int,
    chain_hash: str,
    tz: ZoneInfo,
) -> DossierView:
    """Add the issuance details (number, time, QR code, chain head) to the content."""
    verify_url = f"{base_url.rstrip('/')}/dossiers/verify?number={dossier_number}"
    return DossierView(
        content=content,
        dossier_number=dossier_number,
        issued_at=issued_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
        issued_by=issued_by,
        verify_url=verify_url,
        qr_data_url=qr_data_url(verify_url),
        fingerprint=content.digest(),
        chain_seq=chain_seq,
        chain_hash=chain_hash,
    )
