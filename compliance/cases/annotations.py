"""Notes added to a case in any state, closed included."""

from compliance.audit import service as audit
from compliance.cases import repository as repo
from compliance.cases.lifecycle import Action, check_may
from compliance.cases.models import (
    Annotation,
)
from compliance.cases.schemas import (
    AnnotationIn,
    AnnotationRead,
)
from compliance.context import Ctx
from compliance.usecase import use_case
from compliance.validation import parse


@use_case
def annotate(ctx: Ctx, case_id: int, text: str) -> AnnotationRead:
    """Add a note to a case in any state, closed included (manager, HR, admin)."""
    case = repo.get_visible(ctx.session, ctx.actor, case_id)
    check_may(ctx.actor, case.staff_id, Action.ANNOTATE)
    body = parse(AnnotationIn, {"text": text})
    row = Annotation(case_id=case.id or 0, text=body.text, at=ctx.now(), by=ctx.actor.user_id)
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(ctx, "case.annotated", "case", case.id, {"number": case.number, "text": body.text})
    return AnnotationRead.model_validate(row)
