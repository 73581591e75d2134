"""/api/tokens: personal API tokens for oneself."""

from fastapi import APIRouter, Response

from api.deps import AuthSettingsDep, CtxDep, IdPath, PrincipalDep, signed_in
from compliance.accounts import tokens as api_tokens
from compliance.accounts.auth_schemas import TokenCreate, TokenCreated, TokenRead

router = APIRouter(prefix="/api/tokens", tags=["tokens"])


@router.get("", dependencies=[signed_in])
def list_tokens(ctx: CtxDep) -> list[TokenRead]:
    """One's own tokens (never their secrets)."""
    return api_tokens.list_tokens(ctx)


@router.post("", status_code=201, dependencies=[signed_in])
def create(
    body: TokenCreate, ctx: CtxDep, cfg: AuthSettingsDep, principal: PrincipalDep
) -> TokenCreated:
    """Refused to a bearer token (403): tokens are created on the page /me/tokens."""
    api_tokens.refuse_token_minting(principal)
    return api_tokens.create_token(ctx, body, cfg)


@router.delete("/{token_id}", status_code=204, dependencies=[signed_in])
def revoke(token_id: IdPath, ctx: CtxDep) -> Response:
    """Revoke one of one's own tokens; it stops working at once."""
    api_tokens.revoke_token(ctx, token_id)
    return Response(status_code=204)
