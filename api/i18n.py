"""Chinese by default, English on request: gettext catalogs compiled by Babel at start-up."""

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from compliance.evidence import kinds
from compliance.i18n import DEFAULT_LANG, LANGS, N_, catalog, gettext, ngettext
from compliance.names import NAMES

__all__ = ["DEFAULT_LANG", "LANGS", "N_", "catalog"]

LANG_COOKIE = "lang"


def lang_of(request: Request) -> str:
    """The visitor's language from the `lang` cookie, Chinese if unset or unknown."""
    lang = request.cookies.get(LANG_COOKIE, DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


@dataclass(frozen=True)
class Translator:
    """gettext for one request's language; keyword arguments fill %(name)s placeholders."""

    lang: str

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag for <html lang>."""
        return LANGS[self.lang][1]

    def __call__(self, message: str, **values: Any) -> str:
        return gettext(self.lang, message, **values)

    def label(self, kind: str, value: str) -> str:
        """The translated display name of a stored code (a state, channel, role...), else
        the code itself."""
        msgid = LABELS.get(kind, {}).get(value)
        return self(msgid) if msgid else value

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """Plural-aware gettext; `num` is available as a placeholder."""
        return ngettext(self.lang, singular, plural, n, **values)


def translator(request: Request) -> Translator:
    """The translator for this request."""
    return Translator(lang_of(request))


# Reasons the domain and pydantic give that are common enough to translate.
DOMAIN_MESSAGES = (
    N_("Field required"),
    N_("is required"),
    N_("is in the future"),
    N_("is not correct"),
    N_("must be more than zero"),
    N_("must not be the username"),
    N_("does not match the new password"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid datetime"),
    N_("a reason is required to dismiss a finding"),
)


# Display names of the codes stored in the database: the domain's (compliance.names), the
# evidence kinds' (their registry entries), and the roles, which only the pages name.
LABELS: dict[str, dict[str, str]] = {
    **NAMES,
    "evidence": {**{k.key: k.page_label for k in kinds.every()}, **NAMES["evidence"]},
    "role": {
        "admin": N_("Administrator"),
        "manager": N_("Manager"),
        "hr": N_("HR reviewer"),
        "cashier": N_("Cashier"),
        "front_desk": N_("Front desk"),
        "staff": N_("Staff member"),
    },
}
