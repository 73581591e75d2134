"""Chinese by default, English on request: gettext catalogs compiled by Babel at start-up."""

import gettext
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

from compliance.dossiers import codes
from compliance.feedback.categories import CATEGORY

LANG_COOKIE = "lang"
DEFAULT_LANG = "zh"
# Our short codes -> (catalog folder, BCP 47 tag for <html lang>).
LANGS = {"zh": ("zh_Hans", "zh-Hans"), "en": ("en", "en")}
CATALOGS = Path(__file__).resolve().parent / "translations"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


@lru_cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog for a language; English is the source language of the msgids."""
    folder, _tag = LANGS[lang]
    po = CATALOGS / folder / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        parsed = read_po(fh, locale=folder)
    mo = BytesIO()
    write_mo(mo, parsed)
    mo.seek(0)
    return Translations(mo, domain="messages")


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
        text = catalog(self.lang).gettext(message)
        return text % values if values else text

    def label(self, kind: str, value: str) -> str:
        """The translated display name of a stored code (channel, category, rating, role)."""
        return self.code_name(LABELS, ZH_NAMES, kind, value)

    def code_name(
        self,
        msgids: Mapping[str, Mapping[str, str]],
        zh_names: Mapping[str, Mapping[str, str]],
        kind: str,
        value: str,
    ) -> str:
        """A stored code's display name: in Chinese the compliance tables' word (the one the
        case services and the dossier use), else the msgid translated, else the code itself."""
        if self.lang == "zh":
            zh = zh_names.get(kind, {}).get(value)
            if zh:
                return zh
        msgid = msgids.get(kind, {}).get(value)
        return self(msgid) if msgid else value

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """Plural-aware gettext; `num` is available as a placeholder."""
        text = catalog(self.lang).ngettext(singular, plural, n)
        return text % {"num": n, **values}


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


# Display names of the codes stored in the database.
LABELS: dict[str, dict[str, str]] = {
    "channel": {
        "phone": N_("Phone"),
        "visit": N_("Visit to the office"),
        "return_visit": N_("Return visit"),
        "written": N_("Written"),
    },
    "category": {
        "praise": N_("Praise"),
        "attitude": N_("Attitude"),
        "incompetent": N_("Incompetent"),
        "tip_reported": N_("Tip reported"),
        "solicitation": N_("Solicitation"),
        "theft": N_("Theft"),
        "privacy": N_("Privacy"),
        "facility_use": N_("Use of facilities"),
        "outsiders": N_("Outsiders brought in"),
        "damage": N_("Damage"),
        "lingering": N_("Lingering"),
        "improper_relationship": N_("Improper relationship"),
        "other": N_("Other"),
    },
    "rating": {
        "satisfied": N_("Satisfied"),
        "basically_satisfied": N_("Basically satisfied"),
        "unsatisfied": N_("Unsatisfied"),
    },
    "role": {
        "admin": N_("Administrator"),
        "manager": N_("Manager"),
        "hr": N_("HR reviewer"),
        "cashier": N_("Cashier"),
        "staff": N_("Staff member"),
    },
    "severity": {
        "minor": N_("minor"),
        "standard": N_("standard"),
        "serious": N_("serious"),
    },
    "source": {
        "detector": N_("automatic detector"),
        "spot_check": N_("spot check"),
        "manual": N_("raised by hand"),
    },
}

# One Chinese vocabulary: a stored code's Chinese name is the one the case services and the
# printed dossier use (compliance.dossiers.codes), so the pages read it from there. The msgids
# above give the English; the catalog translates them with the same words, which
# tests/pdf/test_dossier_codes.py checks. A role has no name outside the pages.
ZH_NAMES: dict[str, Mapping[str, str]] = {
    "channel": codes.CHANNEL["zh"],
    "category": CATEGORY["zh"],
    "rating": codes.SATISFACTION["zh"],
    "severity": codes.SEVERITY["zh"],
    "source": codes.FINDING_SOURCE["zh"],
}
