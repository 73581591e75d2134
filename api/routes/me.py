"""/api/me: who the token belongs to; changing one's own password."""

from fastapi import APIRouter, Response
from pydantic import BaseModel

from api.deps import AuthSettingsDep, CtxDep, CurrentUser, signed_in
from compliance.accounts import auth
from compliance.accounts.auth_schemas import PasswordChange

router = APIRouter(prefix="/api", tags=["me"])


class MeRead(BaseModel):
    """The signed-in user."""

    user_id: int
    username: str
    role: str
    office_id: int
    staff_id: int | None
    is_director: bool


@router.get("/me", dependencies=[signed_in])
def me(actor: CurrentUser) -> MeRead:
    """The user the bearer token belongs to."""
    return MeRead(
        user_id=actor.user_id,
        username=actor.username,
        role=actor.role.value,
        office_id=actor.office_id,
        staff_id=actor.staff_id,
        is_director=actor.is_director,
    )


@router.post(
    "/me/password",
    status_code=204,
    dependencies=[signed_in],
    responses={429: {"description": "Too many wrong old passwords: try again later"}},
)
def change_password(body: PasswordChange, ctx: CtxDep, cfg: AuthSettingsDep) -> Response:
    """Change one's own password (the old one is required, its check throttled like signing
    in); browser sessions and every API token end."""
    auth.set_password(ctx, cfg, ctx.actor.user_id, body)
    return Response(status_code=204)
