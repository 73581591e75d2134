"""/api/users: admin-only user operations."""

from fastapi import APIRouter, Response

from api.deps import AuthSettingsDep, CtxDep, IdPath, require
from compliance.accounts import auth
from compliance.accounts.auth_schemas import PasswordChange
from compliance.permissions import Permission

router = APIRouter(prefix="/api/users", tags=["users"])


@router.post(
    "/{user_id}/password", status_code=204, dependencies=[require(Permission.MANAGE_USERS)]
)
def set_password(
    user_id: IdPath, body: PasswordChange, ctx: CtxDep, cfg: AuthSettingsDep
) -> Response:
    """Admin: set a user's password (e.g. a forgotten one); their sessions end."""
    auth.set_password(ctx, cfg, user_id, body)
    return Response(status_code=204)
