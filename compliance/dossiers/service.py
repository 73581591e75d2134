"""Issue case dossiers (number, PDF, SHA-256 in the audit chain); checking a printed one is
in verify.py."""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session, col, select

from compliance.accounts.models import User
from compliance.audit import anchor, seal_check, seals
from compliance.audit import service as audit
from compliance.audit.models import AuditEvent, AuditHead
from compliance.cases import repository as case_repo
from compliance.cases.models import Case
from compliance.clock import local_date
from compliance.context import Ctx
from compliance.counters.service import last_number, take_after
from compliance.db import begin_read
from compliance.dossiers import labels as lb
from compliance.dossiers.models import Dossier
from compliance.dossiers.render import render_dossier
from compliance.dossiers.viewmodel import build_content, issue_view
from compliance.dossiers.views import DossierView
from compliance.errors import Conflict, ValidationFailed
from compliance.evidence import kinds
from compliance.findings.models import Finding
from compliance.i18n import N_
from compliance.offices.models import Office
from compliance.pay.models import Instalment
from compliance.permissions import Permission


class DossierRecord(BaseModel):
    """An issued dossier as stored."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    number: str
    sha256: str
    content_digest: str
    size_bytes: int
    language: str
    issued_at: datetime
    issued_by: int | None
    chain_seq: int
    chain_hash: str


@dataclass(frozen=True)
class Prepared:
    """A dossier numbered and frozen, waiting to be rendered and recorded."""

    case_id: int
    view: DossierView


@dataclass(frozen=True)
class Numbering:
    """What a print run's dossiers print besides their cases, read before they are rendered.

    Their numbers follow `last`, the last dossier number issued when the run began; they are
    taken only when the rendered dossiers are recorded (`record_printed`), so rendering, which
    takes seconds, holds no write lock on the database. `last` is the database's counter
    (`counter`) unless the anchor log knows a higher number was printed (the database was
    restored from an older backup): then the numbers up to it are skipped, never reissued.
    """

    office_id: int
    office_code: str
    year: int
    last: int
    counter: int
    issued_at: datetime
    issued_by: str
    chain_seq: int
    chain_hash: str


class NumbersTaken(Conflict):
    """Someone took a dossier number while this run's dossiers were being rendered."""

    def __init__(self) -> None:
        super().__init__(
            N_("someone else printed a dossier while these were being rendered; print again")
        )


def issued_events(session: Session, dossier_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The `dossier.issued` audit payloads of these dossiers, by dossier id."""
    if not dossier_ids:
        return {}
    rows = session.exec(
        select(AuditEvent.entity_id, AuditEvent.payload).where(
            col(AuditEvent.action) == "dossier.issued",
            col(AuditEvent.entity) == "dossier",
            col(AuditEvent.entity_id).in_([str(i) for i in dossier_ids]),
        )
    ).all()
    return {int(entity_id): json.loads(payload) for entity_id, payload in rows}


class RecordsAltered(Conflict):
    """Records a dossier would print were changed, deleted or added outside the app."""

    def __init__(self, problems: Sequence[seal_check.RowProblem]) -> None:
        listed = "; ".join(p.describe() for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(
            N_(
                "not printed: records of this case were altered outside the app: %(listed)s;"
                " run `compliance audit verify`"
            ),
            listed=listed + more,
            count=len(problems),
        )
        self.problems = tuple(problems)


def case_rows(session: Session, case: Case) -> dict[str, set[int]]:
    """The sealed rows a case's dossier is printed from: the case and everything recorded
    under it, its findings and the evidence they cite, its deductions and instalments."""
    from sqlmodel import SQLModel

    case_id = case.id or 0
    out: dict[str, set[int]] = {"case_file": {case_id}, "staff": {case.staff_id}}
    for name in seals.SEALED_TABLES:
        table = SQLModel.metadata.tables[name]
        if "case_id" in table.c and name != "dossier":
            ids = session.exec(select(table.c.id).where(table.c.case_id == case_id)).all()
            out.setdefault(name, set()).update(int(i) for i in ids)
    finding_ids = out.get("case_finding", set())
    if finding_ids:
        cf = SQLModel.metadata.tables["case_finding"]
        fids = session.exec(select(cf.c.finding_id).where(cf.c.id.in_(finding_ids))).all()
        out["finding"] = {int(i) for i in fids}
        for evidence in session.exec(
            select(Finding.evidence).where(col(Finding.id).in_(out["finding"]))
        ).all():
            for ref in json.loads(evidence):
                kind = kinds.get(str(ref["kind"]))
                if kind is not None:  # a manual finding's own text is the finding's row
                    out.setdefault(kind.model.__tablename__, set()).add(int(ref["id"]))
    if out.get("deduction"):
        ids = session.exec(
            select(Instalment.id).where(col(Instalment.deduction_id).in_(out["deduction"]))
        ).all()
        out["instalment"] = {int(i) for i in ids if i is not None}
    return out


def check_case_rows(session: Session, case: Case) -> None:
    """RecordsAltered if any row the dossier is printed from does not match its seal."""
    problems = seal_check.check_rows(session.connection(), case_rows(session, case))
    if problems:
        raise RecordsAltered(problems)


def _check_lang(lang: str) -> str:
    if lang not in lb.LANGS:
        raise ValidationFailed.one("lang", f"unknown language {lang!r} (zh or en)")
    return lang


def begin_printing(ctx: Ctx) -> Numbering:
    """Read where the dossier numbers stand, the audit chain's head and who is printing."""
    ctx.require(Permission.PRINT_DOSSIERS)
    session = ctx.session
    office = session.exec(select(Office).where(col(Office.id) == ctx.actor.office_id)).one()
    me = session.exec(select(User.display_name).where(col(User.id) == ctx.actor.user_id)).one()
    head = session.exec(select(AuditHead).where(col(AuditHead.id) == 1)).one()
    now = ctx.now()
    year = local_date(now, ctx.tz).year
    office_id = office.id or 0
    counter = last_number(session, office_id, "dossier", year)
    anchored = anchor.anchored_numbers(ctx.settings).get(anchor.numbers_key(office_id, year), 0)
    return Numbering(
        office_id=office_id,
        office_code=office.code,
        year=year,
        last=max(counter, anchored),
        counter=counter,
        issued_at=now,
        issued_by=me,
        chain_seq=head.seq,
        chain_hash=head.hash,
    )


def prepare(
    ctx: Ctx,
    case_ids: list[int],
    lang: str = "zh",
    *,
    numbering: Numbering | None = None,
    start: int = 0,
) -> list[Prepared]:
    """Freeze the cases' dossiers, numbered after `numbering.last` from position `start` of
    the run (read only: nothing is taken or written)."""
    ctx.require(Permission.PRINT_DOSSIERS)
    _check_lang(lang)
    numbering = numbering or begin_printing(ctx)
    session = ctx.session
    today = local_date(numbering.issued_at, ctx.tz)
    out = []
    for i, case_id in enumerate(case_ids):
        case = case_repo.get_visible(session, ctx.actor, case_id)
        check_case_rows(session, case)
        n = numbering.last + start + i + 1
        view = issue_view(
            build_content(session, ctx.settings, case, lang, today),
            dossier_number=dossier_number(numbering, n),
            issued_at=numbering.issued_at,
            issued_by=numbering.issued_by,
            base_url=ctx.settings.base_url,
            chain_seq=numbering.chain_seq,
            chain_hash=numbering.chain_hash,
            tz=ctx.tz,
        )
        out.append(Prepared(case.id or 0, view))
    return out


def dossier_number(numbering: Numbering, n: int) -> str:
    """The printed form of the run's dossier number n, e.g. BSW-D-2026-0007."""
    return f"{numbering.office_code}-D-{numbering.year}-{n:04d}"


def record_printed(
    ctx: Ctx, numbering: Numbering, printed: Sequence[tuple[Prepared, bytes]]
) -> list[Dossier]:
    """Take the numbers the dossiers print and record each one's SHA-256 and audit event
    (no commit). NumbersTaken if anyone took a dossier number since `numbering` was read.

    Numbers the anchor log says were printed before are skipped, with an audit event saying
    why (`dossier.numbers_skipped`): a restored older backup never reissues one.
    """
    session = ctx.session
    year, counter = numbering.year, numbering.counter
    if not take_after(
        session, numbering.office_id, "dossier", year, counter, len(printed), floor=numbering.last
    ):
        raise NumbersTaken()
    if numbering.last > counter:
        last = dossier_number(numbering, numbering.last)
        audit.record(
            ctx,
            "dossier.numbers_skipped",
            "counter",
            f"{numbering.office_id}/dossier/{year}",
            {
                "first": dossier_number(numbering, counter + 1),
                "last": last,
                "count": numbering.last - counter,
                "reason": (
                    f"restored from backup; numbers up to {last} were issued before"
                    " (the audit anchor log records them)"
                ),
            },
        )
    return [record_issue(ctx, prepared, data) for prepared, data in printed]


def record_issue(ctx: Ctx, prepared: Prepared, data: bytes) -> Dossier:
    """Store the issued PDF's SHA-256 and write it to the audit chain (no commit)."""
    view = prepared.view
    row = Dossier(
        office_id=ctx.actor.office_id,
        case_id=prepared.case_id,
        number=view.dossier_number,
        sha256=hashlib.sha256(data).hexdigest(),
        content_digest=view.fingerprint,
        size_bytes=len(data),
        language=view.content.lang,
        issued_at=ctx.now(),
        issued_by=ctx.actor.user_id,
        chain_seq=view.chain_seq,
        chain_hash=view.chain_hash,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx,
        "dossier.issued",
        "dossier",
        row.id,
        {
            "number": row.number,
            "case_id": row.case_id,
            "case_number": view.content.case_number,
            "sha256": row.sha256,
            "content_digest": row.content_digest,
            "size_bytes": row.size_bytes,
            "language": row.language,
            "chain_seq": row.chain_seq,
            "chain_hash": row.chain_hash,
        },
    )
    return row


# Another print taking a number during the half second of rendering is rare; a few tries.
PRINT_TRIES = 3


def print_dossier(ctx: Ctx, case_id: int, lang: str = "zh") -> tuple[bytes, DossierRecord]:
    """Print one case's dossier: freeze it, render the PDF with no transaction open, then
    take its number and record its SHA-256 in one short write, and commit."""
    for attempt in range(1, PRINT_TRIES + 1):
        try:
            begin_read(ctx.session)
            numbering = begin_printing(ctx)
            (prepared,) = prepare(ctx, [case_id], lang, numbering=numbering)
            ctx.session.rollback()  # the read ends: nothing is held while the PDF renders
            data = render_dossier(prepared.view)
            (row,) = record_printed(ctx, numbering, [(prepared, data)])
            record = DossierRecord.model_validate(row)
            ctx.session.commit()
            anchor.anchor_committed(
                ctx.session, ctx.settings, ctx.now(), f"dossier {record.number}"
            )
            return data, record
        except NumbersTaken:
            ctx.session.rollback()
            if attempt == PRINT_TRIES:
                raise
        except BaseException:
            ctx.session.rollback()
            raise
    raise AssertionError("unreachable: the last try returns or raises")


def case_number(ctx: Ctx, case_id: int) -> str:
    """The number of a case the actor may print, for the downloaded file's name."""
    ctx.require(Permission.PRINT_DOSSIERS)
    return case_repo.get_visible(ctx.session, ctx.actor, case_id).number


def list_dossiers(ctx: Ctx, case_id: int) -> list[DossierRecord]:
    """Dossiers printed for a case, oldest first."""
    ctx.require(Permission.PRINT_DOSSIERS)
    case = case_repo.get_visible(ctx.session, ctx.actor, case_id)
    rows = ctx.session.exec(
        select(Dossier).where(col(Dossier.case_id) == case.id).order_by(col(Dossier.id))
    ).all()
    return [DossierRecord.model_validate(r) for r in rows]
