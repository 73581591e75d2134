"""Jinja2 for the pages: autoescaped *.html templates, gettext, formatting helpers."""

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from api.i18n import Translator, translator
from api.labels import field_value, quantity, unit_name
from api.menu import menu_for, tabs_for
from api.security import anon_csrf_token
from compliance.accounts.auth import Principal
from compliance.actors import Actor
from compliance.config import PROJECT_ROOT
from compliance.money import format_fen
from policies import guardrails, registry

TEMPLATES = PROJECT_ROOT / "templates"


def make_templates(directory: Path = TEMPLATES) -> Jinja2Templates:
    """The page templates; autoescape is on for every .html file (and strings). Jinja2's i18n
    extension gives them {% trans %}; `_`, gettext and ngettext come with each page, in the
    request's language (the one catalog, compliance.i18n)."""
    env = Environment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        money=format_fen,
        field_value=field_value,
        rule_title=_rule_title,
        guardrail_title=_guardrail_title,
    )
    return Jinja2Templates(env=env)


def _rule_title(code: str, lang: str) -> str:
    try:
        policy = registry.get(code)
    except KeyError:
        return code
    return policy.title_zh if lang == "zh" else policy.title_en


def _guardrail_title(code: str, lang: str) -> str:
    try:
        profile = guardrails.get_profile(code)
    except ValueError:
        return code
    return profile.title_zh if lang == "zh" else profile.title_en


def _local_time(tz: ZoneInfo) -> Any:
    def fmt(value: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
        return "" if value is None else value.astimezone(tz).strftime(pattern)

    return fmt


def admits(app: Any, actor: Actor | None, method: str, path: str) -> bool:
    """Whether the route's declared permission admits the actor (None: a visitor)."""
    gate = app.state.route_gates.get((method, path))
    return gate is not None and bool(gate(actor))


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page with the request's language, signed-in user and CSRF token."""
    t: Translator = translator(request)
    principal: Principal | None = getattr(request.state, "principal", None)
    actor = principal.actor if principal else None
    response = HTMLResponse("")
    csrf = principal.csrf_token if principal and principal.csrf_token else None
    if csrf is None:
        csrf = anon_csrf_token(request, response)
    tz = ZoneInfo(request.app.state.settings.timezone)
    page: dict[str, Any] = {
        "_": t,
        "gettext": t,
        "ngettext": t.ngettext,
        "lang": t.lang,
        "html_lang": t.html_lang,
        "actor": actor,
        "can": lambda method, path: admits(request.app, actor, method, path),
        "menu": menu_for(actor),
        "tabs": tabs_for(actor, request.url.path, t.lang),
        "csrf_token": csrf,
        "local_time": _local_time(tz),
        "quantity": lambda value, unit: quantity(t, value, unit),
        "unit_name": lambda unit: unit_name(t, unit),
        "path": request.url.path,
        "values": {},
        "errors": {},
        "form_error": "",
        "form_id": "",
    }
    page.update(context or {})
    templates: Jinja2Templates = request.app.state.templates
    out = templates.TemplateResponse(request, name, page, status_code=status_code, headers=headers)
    # Carry over any cookie set while rendering (the pre-sign-in CSRF token).
    for key, value in response.headers.items():
        if key == "set-cookie":
            out.headers.append("set-cookie", value)
    return out
