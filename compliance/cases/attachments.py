"""Files a staff member attaches to their statement or appeal: photos or PDF documents,
stored through compliance.files with the case as their owner, audited, listed on the case."""

from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select, UniqueConstraint, select
from sqlmodel import Field, Session, SQLModel, col

from compliance.audit import service as audit
from compliance.cases.models import Case
from compliance.cases.schemas import AttachmentRead
from compliance.context import Ctx
from compliance.errors import FieldError, ValidationFailed
from compliance.files import service as files
from compliance.files.models import StoredFile
from compliance.models_base import fk, utc_field
from compliance.usecase import transaction

# At most this many files with one statement or appeal.
MAX_FILES = 10
R = TypeVar("R")


class AttachedTo(StrEnum):
    """The step a file was handed in with."""

    STATEMENT = "statement"
    APPEAL = "appeal"


class CaseAttachment(SQLModel, table=True):
    """A stored file handed in with a case step; the case owns it (its staff member may see it)."""

    __tablename__ = "case_attachment"
    __table_args__ = (UniqueConstraint("case_id", "file_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = fk("case_file.id")
    file_id: int = fk("stored_file.id")
    step: str = Field(max_length=16)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


Upload = tuple[bytes, str]


def check(ctx: Ctx, uploads: Sequence[Upload]) -> list[files.CleanImage]:
    """Every upload checked before anything is written; a refused one is reported as
    `files.N` (N counting from 0 in upload order)."""
    if len(uploads) > MAX_FILES:
        raise ValidationFailed.one("files", "too many files")
    errors: list[FieldError] = []
    cleaned: list[files.CleanImage] = []
    for i, (blob, name) in enumerate(uploads):
        try:
            cleaned.append(files.clean_attachment(ctx, blob, name))
        except ValidationFailed as exc:
            errors += [FieldError(f"files.{i}", e.reason) for e in exc.errors]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def with_files(
    ctx: Ctx,
    case_id: int,
    step: AttachedTo,
    uploads: Sequence[Upload],
    take_step: Callable[[], R],
) -> R:
    """Take a statement or appeal step with the files handed in with it, all or nothing:
    the files are checked first, then the step (which checks the actor's capacity) and the
    files are written in one transaction; if it fails, the written files are removed."""
    refused: list[FieldError] = []
    cleaned: list[files.CleanImage] = []
    try:
        cleaned = check(ctx, uploads)
    except ValidationFailed as exc:
        refused = exc.errors
    stored: list[StoredFile] = []
    try:
        with transaction(ctx.session):
            # The step first: who may act, and what is wrong with the text, are told together
            # with the refused files (the step is undone when any file was refused).
            try:
                result = take_step()
            except ValidationFailed as exc:
                raise ValidationFailed([*exc.errors, *refused]) from None
            if refused:
                raise ValidationFailed(refused)
            for image in cleaned:
                row = files.save_clean(ctx, image)
                stored.append(row)
                _attach(ctx, case_id, step, row)
            return result
    except BaseException:
        files.discard(ctx, stored)
        raise


def _attach(ctx: Ctx, case_id: int, step: AttachedTo, row: StoredFile) -> None:
    link = CaseAttachment(
        case_id=case_id,
        file_id=row.id or 0,
        step=step.value,
        created_at=ctx.now(),
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(link)
    ctx.session.flush()
    payload = {
        "step": step.value,
        "file_id": row.id,
        "sha256": row.sha256,
        "name": row.original_name,
    }
    audit.record(ctx, "case.attachment_added", "case", case_id, payload)


def of_case(session: Session, case_id: int) -> list[AttachmentRead]:
    """The files attached to a case, in the order they were handed in."""
    rows = session.execute(
        select(CaseAttachment, StoredFile)
        .join(StoredFile, col(StoredFile.id) == col(CaseAttachment.file_id))
        .where(col(CaseAttachment.case_id) == case_id)
        .order_by(col(CaseAttachment.id))
    ).all()
    return [
        AttachmentRead(
            file_id=f.id or 0,
            step=a.step,
            content_type=f.content_type,
            original_name=f.original_name,
            size_bytes=f.size_bytes,
            created_at=a.created_at,
        )
        for a, f in rows
    ]


def files_of_staff(staff_id: int) -> Select[Any]:
    """The ids of the files attached to this staff member's cases (a subquery for files)."""
    return (
        select(col(CaseAttachment.file_id))
        .join(Case, col(Case.id) == col(CaseAttachment.case_id))
        .where(col(Case.staff_id) == staff_id)
    )
