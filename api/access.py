"""Who may call each route: the table the role-matrix test holds every route to.

Each route also declares its roles in code (`require_role(...)` or `public`); the test
calls every registered route as every role and as an anonymous visitor and compares the
answer with this table, so a route added without an entry here fails the test.

`ok` is the status an allowed caller gets for a bare request: no body beyond the CSRF
token, and 999999 for every id in the path (a record that does not exist).
Anyone else gets 403; an anonymous visitor is sent to /login (pages) or gets 401 (API).
"""

from dataclasses import dataclass

from compliance.context import Actor

ANONYMOUS = "anonymous"
# A director is a manager with is_director set; the table names them apart.
ROLE_NAMES = ("admin", "manager", "director", "hr", "cashier", "staff")

SIGNED_IN = frozenset(ROLE_NAMES)
EVERYONE = SIGNED_IN | {ANONYMOUS}
TRIAGE = frozenset({"manager", "director", "hr"})
ADMIN = frozenset({"admin"})


@dataclass(frozen=True)
class Access:
    """The callers a route admits and what an admitted bare request answers."""

    allow: frozenset[str]
    ok: int


ROUTE_ACCESS: dict[tuple[str, str], Access] = {
    # Sign-in, language, static files and API docs
    ("GET", "/login"): Access(EVERYONE, 200),
    ("POST", "/login"): Access(EVERYONE, 422),
    ("POST", "/logout"): Access(SIGNED_IN, 303),
    ("GET", "/lang/en"): Access(EVERYONE, 303),
    ("GET", "/lang/zh"): Access(EVERYONE, 303),
    ("GET", "/static/{path}"): Access(EVERYONE, 200),
    ("GET", "/docs"): Access(EVERYONE, 200),
    ("GET", "/docs/oauth2-redirect"): Access(EVERYONE, 200),
    ("GET", "/openapi.json"): Access(EVERYONE, 200),
    # Pages
    ("GET", "/"): Access(SIGNED_IN, 200),
    ("GET", "/findings"): Access(TRIAGE, 200),
    ("POST", "/findings/{finding_id}/confirm"): Access(TRIAGE, 404),
    ("POST", "/findings/{finding_id}/dismiss"): Access(TRIAGE, 422),
    ("GET", "/feedback/new"): Access(TRIAGE, 200),
    ("POST", "/feedback/new"): Access(TRIAGE, 422),
    ("GET", "/me/password"): Access(SIGNED_IN, 200),
    ("POST", "/me/password"): Access(SIGNED_IN, 422),
    ("GET", "/me/tokens"): Access(SIGNED_IN, 200),
    ("POST", "/me/tokens"): Access(SIGNED_IN, 422),
    ("POST", "/me/tokens/{token_id}/revoke"): Access(SIGNED_IN, 404),
    # JSON API
    ("GET", "/api/me"): Access(SIGNED_IN, 200),
    ("POST", "/api/me/password"): Access(SIGNED_IN, 422),
    ("POST", "/api/users/{user_id}/password"): Access(ADMIN, 422),
    ("GET", "/api/findings"): Access(TRIAGE, 200),
    ("POST", "/api/findings/{finding_id}/confirm"): Access(TRIAGE, 404),
    ("POST", "/api/findings/{finding_id}/dismiss"): Access(TRIAGE, 422),
    ("POST", "/api/feedback"): Access(TRIAGE, 422),
    ("GET", "/api/tokens"): Access(SIGNED_IN, 200),
    ("POST", "/api/tokens"): Access(SIGNED_IN, 422),
    ("DELETE", "/api/tokens/{token_id}"): Access(SIGNED_IN, 404),
}


def role_name(actor: Actor) -> str:
    """The actor's name in the table ('director' for the office director)."""
    return "director" if actor.is_director else actor.role.value


def allows(actor: Actor | None, method: str, path: str) -> bool:
    """Whether the table admits the actor (None: anonymous) to a route, e.g. for menus."""
    entry = ROUTE_ACCESS.get((method, path))
    return entry is not None and (role_name(actor) if actor else ANONYMOUS) in entry.allow
