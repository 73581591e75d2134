"""How a dossier writes times, days, money, outcomes and codes, in its language; masking."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from compliance.clock import local_date
from compliance.dossiers import codes
from compliance.dossiers import labels as lb
from compliance.money import format_fen
from compliance.residents.masking import mask_phone
from policies.sanction import outcome_label

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class Fmt:
    """Language and time zone for one dossier."""

    def __init__(self, lang: str, tz: ZoneInfo) -> None:
        self.lang = lang
        self.tz = tz
        self.L = lb.labels(lang)

    def dt(self, value: datetime | None) -> str:
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if value else "—"

    def day(self, value: date | datetime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            return local_date(value, self.tz).isoformat()
        return value.isoformat()

    def money(self, fen: int | None) -> str:
        return format_fen(fen) if fen is not None else "—"

    def pick(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def outcome(self, kind: str) -> str:
        return outcome_label(kind, self.lang)

    def code(self, table: codes.Table, key: str | None) -> str:
        """A stored code by its name in the language (an unknown code as it is)."""
        return codes.word(table, self.lang, key)


def mask_text(text: str) -> str:
    """Mask mobile numbers inside free text (residents' numbers are never printed whole)."""
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)
