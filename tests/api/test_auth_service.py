"""compliance.auth use cases directly: who may set passwords, hashes, tokens."""

import pytest
from sqlalchemy import select

from compliance.accounts import auth
from compliance.accounts import tokens as api_tokens
from compliance.accounts.auth_models import ApiToken
from compliance.accounts.models import User
from compliance.accounts.passwords import hash_password
from compliance.accounts.settings import AuthSettings
from compliance.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.api.conftest import CHEAP, PASSWORD
from tests.conftest import as_role
from tests.factories import office_set

NEW = "a brand new passphrase"


def test_staff_cannot_set_someone_else_s_password(ctx, office, auth_cfg, passwords):
    staff = as_role(ctx, office, "staff")
    with pytest.raises(Forbidden):
        auth.set_password(staff, auth_cfg, office.users["staff2"].id, {"new_password": NEW})


def test_admin_sets_anyone_s_in_the_office_but_not_elsewhere(ctx, office, auth_cfg, session):
    admin = as_role(ctx, office, "admin")
    auth.set_password(admin, auth_cfg, office.users["hr"].id, {"new_password": NEW})
    other = office_set(session, code="XYZ")
    with pytest.raises(NotFound):
        auth.set_password(admin, auth_cfg, other.users["hr"].id, {"new_password": NEW})


def test_own_password_needs_the_old_one_even_for_admins(ctx, office, auth_cfg, passwords):
    admin = as_role(ctx, office, "admin")
    with pytest.raises(ValidationFailed) as exc:
        auth.set_password(admin, auth_cfg, admin.actor.user_id, {"new_password": NEW})
    assert exc.value.errors[0].field == "old_password"
    auth.set_password(
        admin, auth_cfg, admin.actor.user_id, {"old_password": PASSWORD, "new_password": NEW}
    )


@pytest.mark.parametrize("bad", ["123456789", "bsw-hr", "BSW-HR"])
def test_weak_passwords_are_refused(ctx, office, auth_cfg, bad):
    admin = as_role(ctx, office, "admin")
    with pytest.raises(ValidationFailed) as exc:
        auth.set_password(admin, auth_cfg, office.users["hr"].id, {"new_password": bad})
    assert exc.value.errors[0].field == "new_password"


def test_a_hash_made_at_another_cost_is_upgraded_at_sign_in(session, clock, office, auth_cfg):
    old_cfg = AuthSettings(**{**CHEAP, "argon2_time_cost": 2})  # type: ignore[arg-type]
    user = office.users["manager"]
    user.password_hash = hash_password(old_cfg, PASSWORD)
    session.add(user)
    session.flush()
    before = user.password_hash
    auth.sign_in(session, clock, auth_cfg, "bsw-manager", PASSWORD)
    after = session.execute(select(User.password_hash).where(User.id == user.id)).scalar_one()
    assert after != before and ",t=1," in after


def test_tokens_are_stored_hashed_and_revoked_once(ctx, office):
    created = api_tokens.create_token(ctx, {"name": "cli"})
    stored = ctx.session.execute(select(ApiToken)).scalar_one()
    assert created.token not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    assert created.token.startswith(stored.prefix)
    api_tokens.revoke_token(ctx, created.id)
    assert api_tokens.principal_for_token(ctx.session, ctx.clock, created.token) is None
    with pytest.raises(Conflict):
        api_tokens.revoke_token(ctx, created.id)


def test_set_initial_password_from_the_shell(session, clock, office, auth_cfg):
    auth.set_initial_password(session, clock, auth_cfg, "BSW-Admin", NEW)
    assert auth.sign_in(session, clock, auth_cfg, "bsw-admin", NEW).principal.actor.username == (
        "bsw-admin"
    )
    with pytest.raises(NotFound):
        auth.set_initial_password(session, clock, auth_cfg, "nobody", NEW)


def test_a_nul_character_in_a_username_is_a_failed_sign_in(session, clock, office, auth_cfg):
    # PostgreSQL cannot compare text with a NUL in it: the look-up must not reach it as is.
    with pytest.raises(auth.SignInRefused):
        auth.sign_in(session, clock, auth_cfg, "bsw\x00-hr", "not the password")
