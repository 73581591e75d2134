"""The home page: the signed-in user's to-do lines (待办), then what their role may do."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import CtxDep, signed_in
from api.read_models.person import who
from api.read_models.todo import todo
from api.templating import render
from compliance.permissions import Permission, holds

router = APIRouter(include_in_schema=False)


@router.get("/", dependencies=[signed_in])
def home(request: Request, ctx: CtxDep) -> Response:
    """The user's to-do lines with their counts, and links to the pages their role may open."""
    return render(
        request,
        "pages/home.html",
        {
            "person": who(ctx),
            "todo": todo(ctx),
            # Staff read their own cases under "My records"; the office's queue is for others.
            "case_queue": holds(ctx.actor, Permission.VIEW_CASE_QUEUE),
        },
    )
