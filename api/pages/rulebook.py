"""The rulebook: every rule's text, article, versions, parameters, checklist and sanctions."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import CtxDep, signed_in
from api.templating import render
from compliance.policy_params.rulebook import rulebook

router = APIRouter(include_in_schema=False)


@router.get("/rules", dependencies=[signed_in])
def rules(request: Request, ctx: CtxDep) -> Response:
    """The rules in article order as the office applies them today."""
    return render(request, "pages/rules.html", {"rules": rulebook(ctx)})
