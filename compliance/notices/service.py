"""A case's notices: which apply, their current text (the draft, or the last edit), editing
and resetting it (audited), printing it as a PDF and serving it (its SHA-256 kept).

Serving hands the text to the case step that records the notice: the decision notice to
`cases.notice.serve_notice`, the union notice to `cases.decision.record_union_notice`, the
deduction notice to `pay.service.record_deduction_notice`.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, func, select

from compliance.accounts.models import User
from compliance.audit import service as audit
from compliance.cases import decision as case_decision
from compliance.cases import notice as case_notice
from compliance.cases import repository as case_repo
from compliance.cases.models import Case, CaseStatus
from compliance.context import Ctx
from compliance.errors import Conflict, NotFound, ValidationFailed
from compliance.i18n import N_, gettext
from compliance.notices import draft
from compliance.notices.facts import NoticeFacts, gather
from compliance.notices.models import NoticeDocument
from compliance.notices.render import render_notice
from compliance.pay import repository as pay_repo
from compliance.pay import service as pay
from compliance.permissions import Permission
from compliance.usecase import use_case

S = CaseStatus
MAX_TEXT = 20000


class DocKind(StrEnum):
    """The notices drafted from a case."""

    DECISION = "decision"
    DEDUCTION = "deduction"
    UNION = "union"


class Event(StrEnum):
    """What made a version of a notice."""

    EDITED = "edited"
    RESET = "reset"
    PRINTED = "printed"
    SERVED = "served"


# The PDFs' titles: always Chinese, the language the notice is served in.
SERVED_IN = "zh"
TITLES = {
    DocKind.DECISION: N_("Decision notice"),
    DocKind.DEDUCTION: N_("Deduction notice"),
    DocKind.UNION: N_("Notice to the trade union of a dismissal"),
}
# The notices' names on the pages (the PDFs carry their Chinese titles).
NAMES = {
    DocKind.DECISION: N_("Decision notice"),
    DocKind.DEDUCTION: N_("Deduction notice"),
    DocKind.UNION: N_("Notice to the trade union"),
}
# What made a version, in words (the pages, the dossier).
EVENTS = {
    Event.EDITED.value: N_("edited"),
    Event.RESET.value: N_("reset to the draft"),
    Event.PRINTED.value: N_("printed"),
    Event.SERVED.value: N_("served"),
}


def title_of(doc: DocKind) -> str:
    """The notice's title as printed (in Chinese, whatever the reader's language)."""
    return gettext(SERVED_IN, TITLES[doc])


DRAFTS: dict[DocKind, Callable[[NoticeFacts], str]] = {
    DocKind.DECISION: draft.decision,
    DocKind.DEDUCTION: draft.deduction,
    DocKind.UNION: draft.union,
}
# The decision exists once it is approved; a dismissal's union notice before approval.
DECIDED = (S.APPROVED, S.NOTIFIED, S.APPEALED, S.APPEAL_DECIDED, S.FINAL, S.EXECUTED, S.CLOSED)
PROPOSED = (S.DECISION_PROPOSED, *DECIDED)


@dataclass(frozen=True)
class Version:
    """A printed or served version of a notice."""

    version: int
    event: str
    sha256: str
    size_bytes: int
    at: datetime
    by: str


@dataclass(frozen=True)
class NoticeState:
    """One notice of a case as its page shows it."""

    kind: str
    title: str
    text: str
    draft: str
    edited: bool
    edited_at: datetime | None
    edited_by: str
    versions: tuple[Version, ...]
    can_serve: bool
    served: bool


def applicable(session: Session, case: Case) -> list[DocKind]:
    """The notices this case has, in its state: a decision notice once approved; a deduction
    notice when the outcome takes money from pay; a union notice for a dismissal."""
    proposal = case_repo.latest_proposal(session, case.id or 0)
    if proposal is None or case.status not in PROPOSED:
        return []
    out = []
    decided = case.status in DECIDED
    if decided:
        out.append(DocKind.DECISION)
        if pay.money_outcomes(proposal):
            out.append(DocKind.DEDUCTION)
    if proposal.is_dismissal:
        out.append(DocKind.UNION)
    return out


def _case(ctx: Ctx, case_id: int, kind: str) -> tuple[Case, DocKind]:
    ctx.require(Permission.EDIT_NOTICES)
    case = case_repo.get_visible(ctx.session, ctx.actor, case_id)
    try:
        doc = DocKind(kind)
    except ValueError:
        raise NotFound(f"no notice {kind!r}") from None
    if doc not in applicable(ctx.session, case):
        raise Conflict(
            N_("case %(number)s has no %(notice)s in its present state"),
            number=case.number,
            notice=_named(doc),
        )
    return case, doc


def _named(doc: DocKind) -> Callable[[str], str]:
    return lambda lang: gettext(lang, NAMES[doc])


def _rows(session: Session, case_id: int, kind: str) -> list[NoticeDocument]:
    return list(
        session.exec(
            select(NoticeDocument)
            .where(col(NoticeDocument.case_id) == case_id, col(NoticeDocument.kind) == kind)
            .order_by(col(NoticeDocument.version))
        ).all()
    )


def _current(rows: list[NoticeDocument], drafted: str) -> tuple[str, NoticeDocument | None]:
    """The text to print now: the text served, else the last edit unless a reset came
    after it, else the draft."""
    served = [r for r in rows if r.event == Event.SERVED.value]
    if served:
        return served[-1].text, served[-1] if served[-1].edited else None
    last = rows[-1] if rows else None
    if last is not None and last.edited:
        return last.text, last
    return drafted, None


def _served(session: Session, case: Case, doc: DocKind) -> bool:
    cid = case.id or 0
    if doc is DocKind.DECISION:
        return case_repo.decision_notice(session, cid) is not None
    if doc is DocKind.UNION:
        return case_repo.union_notice_of(session, cid) is not None
    return any(n.kind == "deduction" for n in case_repo.notices(session, cid))


def _can_serve(session: Session, case: Case, doc: DocKind) -> bool:
    if _served(session, case, doc):
        return False
    if doc is DocKind.DECISION:
        return case.status == S.APPROVED
    if doc is DocKind.UNION:
        return case.status == S.DECISION_PROPOSED
    return bool(pay_repo.case_deductions(session, case.id or 0))


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(wanted)))
    return {uid or 0: name for uid, name in rows}


def state(ctx: Ctx, case_id: int, kind: str) -> NoticeState:
    """A notice of the case: its current text, its draft, who edited it, what was printed."""
    case, doc = _case(ctx, case_id, kind)
    return _state(ctx, case, doc, gather(ctx, case))


def _state(ctx: Ctx, case: Case, doc: DocKind, facts: NoticeFacts) -> NoticeState:
    drafted = DRAFTS[doc](facts)
    rows = _rows(ctx.session, case.id or 0, doc.value)
    text, edit = _current(rows, drafted)
    names = _names(ctx.session, {r.created_by for r in rows})
    return NoticeState(
        kind=doc.value,
        title=title_of(doc),
        text=text,
        draft=drafted,
        edited=edit is not None,
        edited_at=edit.created_at if edit else None,
        edited_by=names.get(edit.created_by or 0, "") if edit else "",
        versions=tuple(
            Version(
                r.version,
                r.event,
                r.sha256 or "",
                r.size_bytes or 0,
                r.created_at,
                names.get(r.created_by or 0, ""),
            )
            for r in rows
            if r.sha256
        ),
        can_serve=_can_serve(ctx.session, case, doc),
        served=_served(ctx.session, case, doc),
    )


def case_of(ctx: Ctx, case_id: int) -> Case:
    """The case, if the actor may handle its notices."""
    ctx.require(Permission.EDIT_NOTICES)
    return case_repo.get_visible(ctx.session, ctx.actor, case_id)


def states(ctx: Ctx, case_id: int) -> tuple[Case, list[NoticeState]]:
    """Every notice the case has now."""
    ctx.require(Permission.EDIT_NOTICES)
    case = case_repo.get_visible(ctx.session, ctx.actor, case_id)
    kinds = applicable(ctx.session, case)
    if not kinds:
        return case, []
    facts = gather(ctx, case)
    return case, [_state(ctx, case, k, facts) for k in kinds]


def _add(
    ctx: Ctx,
    case: Case,
    doc: DocKind,
    event: Event,
    text: str,
    edited: bool,
    pdf: bytes | None = None,
) -> NoticeDocument:
    last = ctx.session.exec(
        select(func.max(NoticeDocument.version)).where(
            col(NoticeDocument.case_id) == case.id, col(NoticeDocument.kind) == doc.value
        )
    ).one()
    row = NoticeDocument(
        office_id=case.office_id,
        case_id=case.id or 0,
        kind=doc.value,
        version=(last or 0) + 1,
        event=event.value,
        text=text,
        edited=edited,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest() if pdf is not None else None,
        size_bytes=len(pdf) if pdf is not None else None,
        created_at=ctx.now(),
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    payload: dict[str, object] = {
        "kind": doc.value,
        "version": row.version,
        "edited": edited,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    if row.sha256:
        payload |= {"sha256": row.sha256, "size_bytes": row.size_bytes}
    audit.record(ctx, f"notice.{event.value}", "case", case.id, payload)
    return row


def _clean(text: str) -> str:
    body = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
    if not body:
        raise ValidationFailed.one("text", N_("the notice cannot be empty"))
    if len(body) > MAX_TEXT:
        raise ValidationFailed.one("text", N_("the notice is too long"))
    return body + "\n"


@use_case
def save_edit(ctx: Ctx, case_id: int, kind: str, text: str) -> NoticeDocument:
    """HR's edit of the draft, kept as a new version (audited: who, when, the text's hash)."""
    case, doc = _case(ctx, case_id, kind)
    if _served(ctx.session, case, doc):
        raise Conflict(N_("this notice was served already; it can no longer be changed"))
    body = _clean(text)
    drafted = DRAFTS[doc](gather(ctx, case))
    return _add(ctx, case, doc, Event.EDITED, body, edited=body != drafted)


@use_case
def reset(ctx: Ctx, case_id: int, kind: str) -> NoticeDocument:
    """Back to the draft generated from the case (audited)."""
    case, doc = _case(ctx, case_id, kind)
    if _served(ctx.session, case, doc):
        raise Conflict(N_("this notice was served already; it can no longer be changed"))
    return _add(ctx, case, doc, Event.RESET, DRAFTS[doc](gather(ctx, case)), edited=False)


def _pdf(ctx: Ctx, case: Case, doc: DocKind) -> tuple[str, bool, bytes]:
    facts = gather(ctx, case)
    drafted = DRAFTS[doc](facts)
    text, edit = _current(_rows(ctx.session, case.id or 0, doc.value), drafted)
    return text, edit is not None, render_notice(title_of(doc), facts, text)


@use_case
def print_pdf(ctx: Ctx, case_id: int, kind: str) -> NoticeDocument:
    """Print the notice as it stands: the PDF and its SHA-256 are kept as a new version."""
    case, doc = _case(ctx, case_id, kind)
    text, edited, data = _pdf(ctx, case, doc)
    return _add(ctx, case, doc, Event.PRINTED, text, edited, data)


@use_case
def serve(ctx: Ctx, case_id: int, kind: str) -> NoticeDocument:
    """Serve the notice as it stands through its case step, and keep the PDF handed over."""
    case, doc = _case(ctx, case_id, kind)
    if not _can_serve(ctx.session, case, doc):
        raise Conflict(
            N_("case %(number)s: %(notice)s cannot be served now"),
            number=case.number,
            notice=_named(doc),
        )
    text, edited, data = _pdf(ctx, case, doc)
    if doc is DocKind.DECISION:
        case_notice.serve_notice(ctx, case.id or 0, text)
    elif doc is DocKind.UNION:
        case_decision.record_union_notice(ctx, case.id or 0, text)
    else:
        pay.record_deduction_notice(ctx, case.id or 0, text)
    return _add(ctx, case, doc, Event.SERVED, text, edited, data)


def printed(session: Session, case_id: int) -> list[NoticeDocument]:
    """The case's printed and served notices, oldest first (for the dossier)."""
    return list(
        session.exec(
            select(NoticeDocument)
            .where(
                col(NoticeDocument.case_id) == case_id,
                col(NoticeDocument.sha256).is_not(None),
            )
            .order_by(col(NoticeDocument.created_at), col(NoticeDocument.id))
        ).all()
    )


def pdf_of(ctx: Ctx, case_id: int, kind: str, version: int) -> NoticeDocument:
    """A printed version's stored PDF, to download again."""
    ctx.require(Permission.EDIT_NOTICES)
    case = case_repo.get_visible(ctx.session, ctx.actor, case_id)
    row = ctx.session.exec(
        select(NoticeDocument).where(
            col(NoticeDocument.case_id) == case.id,
            col(NoticeDocument.kind) == kind,
            col(NoticeDocument.version) == version,
            col(NoticeDocument.pdf).is_not(None),
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"notice {kind} version {version} of case {case_id} not found")
    return row
