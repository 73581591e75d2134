"""The home page: what the signed-in user can do, by role."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import signed_in
from api.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", dependencies=[signed_in])
def home(request: Request) -> Response:
    """Links to the pages the user's role may open."""
    return render(request, "pages/home.html")
