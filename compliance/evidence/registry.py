"""What a kind of evidence record declares: loading, labels, case-page line, print, recorder."""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select, select
from sqlmodel import Session, col

from compliance.files.models import StoredFile
from compliance.i18n import N_, gettext

__all__ = ["N_"]


@dataclass(frozen=True)
class Shown:
    """A record as the case page lists it: when, what it says, and a stored code to name."""

    at: datetime | None
    detail: str
    # A stored code the page shows as words in its language, as (label kind, code): the
    # feedback's category, ("category", "attitude"). The detail holds the rest.
    code: tuple[str, str] | None = None


@dataclass(frozen=True)
class Printed:
    """A record as the dossier prints it (its title is the kind's label and the id)."""

    at: datetime
    id: int
    lines: tuple[str, ...]
    photos: tuple[Any, ...] = ()


class Printer(Protocol):
    """The dossier's way of writing times, money, codes and photos in its language."""

    lang: str

    def dt(self, value: datetime | None) -> str: ...

    def money(self, fen: int | None) -> str: ...

    def gettext(self, message: str, **values: Any) -> str:
        """A msgid of the one catalog in the dossier's language (%(name)s filled in)."""
        ...

    def word(self, table: str, code: str | None) -> str:
        """A stored code by its name: table is 'category', 'visit_kind', 'settlement', ..."""
        ...

    def caption(self, key: str) -> str:
        """One of the dossier's field captions: 'unit', 'kind', 'amount', ..."""
        ...

    def checklist_item(self, key: str) -> str: ...

    def mask(self, text: str) -> str: ...

    def photos(self, files: Sequence[StoredFile], caption: str) -> tuple[Any, ...]: ...


@dataclass(frozen=True)
class PrintJob:
    """What a kind's printer gets: the office's records cited by the findings, by kind."""

    session: Session
    office_id: int
    refs: Mapping[str, set[int]]
    printer: Printer


@dataclass(frozen=True)
class Kind:
    """One kind of evidence record."""

    key: str  # as stored in a finding's evidence: {"kind": key, "id": ...}
    model: Any  # the table whose ids the references hold
    label_en: str  # the dossier's English name
    page_label: str  # the pages' English msgid; the catalog gives the Chinese (pages, dossier)
    noun: str  # separation of duties: "recorded {noun} #id"
    # The records with these ids in this office: rows whose first element is the record.
    query: Callable[[int, Collection[int]], Select[*tuple[Any, ...]]]
    show: Callable[[Any], Shown]
    recorder: Callable[[Any], int | None]
    # None when another kind prints these records (printed_with names it).
    print: Callable[[PrintJob], list[Printed]] | None
    printed_with: str | None = None

    def load(self, session: Session, office_id: int, ids: Collection[int]) -> dict[int, Any]:
        """The office's records with these ids, by id (another office's never resolve)."""
        if not ids:
            return {}
        out: dict[int, Any] = {}
        for row in session.execute(self.query(office_id, sorted(ids))):
            out[int(row[0].id)] = row[0] if len(row) == 1 else tuple(row)
        return out

    def label(self, lang: str) -> str:
        """The kind's printed name in the language."""
        return self.label_en if lang == "en" else gettext(lang, self.page_label)


def in_office(model: Any) -> Callable[[int, Collection[int]], Select[*tuple[Any, ...]]]:
    """The query of a kind whose table has its own office_id column."""

    def query(office_id: int, ids: Collection[int]) -> Select[*tuple[Any, ...]]:
        return select(model).where(col(model.id).in_(ids), col(model.office_id) == office_id)

    return query
