"""The one catalog of words: Chinese by default, English (the msgids) on request.

Every word the pages, API errors, CLI and printed dossiers show is a msgid of the Babel
catalog in compliance/translations (the rulebook's own texts stay in policies/). The domain
marks a word with `N_` where it is written and translates it with `gettext(lang, msgid)` where
the reader's language is known; the web layer and both Jinja2 environments use the same
catalogs. They are compiled from the .po files in memory on first use.

Extract with:
  uv run pybabel extract -F compliance/translations/babel.cfg -k N_ -k NP_:1c,2 \
    --omit-header --no-location --sort-output -o compliance/translations/messages.pot .
"""

import gettext as _gettext
from collections.abc import Callable
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any, Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DEFAULT_LANG: Final = "zh"
# Our short codes -> (catalog folder, BCP 47 tag for <html lang>).
LANGS: Final = {"zh": ("zh_Hans", "zh-Hans"), "en": ("en", "en")}
CATALOGS: Final = Path(__file__).resolve().parent / "translations"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


@lru_cache
def catalog(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog for a language; English is the source language of the msgids."""
    folder, _tag = LANGS[lang]
    po = CATALOGS / folder / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return _gettext.NullTranslations()
    with po.open("rb") as fh:
        parsed = read_po(fh, locale=folder)
    mo = BytesIO()
    write_mo(mo, parsed)
    mo.seek(0)
    return Translations(mo, domain="messages")


def NP_(context: str, message: str) -> tuple[str, str]:
    """Mark a string with its context (a word that reads otherwise there) for extraction."""
    return (context, message)


def pgettext(lang: str, context: str | None, message: str) -> str:
    """A msgid in the language, within a context (None: the plain msgid)."""
    if context is None:
        return catalog(lang).gettext(message)
    return catalog(lang).pgettext(context, message)


def gettext(lang: str, message: str, **values: Any) -> str:
    """A msgid in the language; keyword arguments fill %(name)s placeholders."""
    text = catalog(lang).gettext(message)
    return text % values if values else text


def ngettext(lang: str, singular: str, plural: str, n: int, **values: Any) -> str:
    """Plural-aware gettext; `num` is available as a placeholder."""
    text = catalog(lang).ngettext(singular, plural, n)
    return text % {"num": n, **values}


def words(msgid: str, **values: Any) -> Callable[[str], str]:
    """A msgid as an error's value: read in the language the error is read in."""
    return lambda lang: gettext(lang, msgid, **values)
