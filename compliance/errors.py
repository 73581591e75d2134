"""One error hierarchy for the domain; the API maps it once to HTTP."""

from collections.abc import Callable
from dataclasses import dataclass

from compliance.i18n import gettext

Words = Callable[[str], str]
"""Words a message puts in: given a language, their text in it."""
Value = str | int | Words


def _read(values: dict[str, Value], lang: str) -> dict[str, str | int]:
    return {k: v(lang) if callable(v) else v for k, v in values.items()}


def _fill(message: str, values: dict[str, Value], lang: str) -> str:
    return message % _read(values, lang) if values else message


class ComplianceError(Exception):
    """Base of every error the domain raises on purpose.

    The message is a msgid of the catalog (compliance/translations) with %(name)s placeholders
    filled from `values`: `str(exc)` is the English (logs, the JSON API), `text(lang)` the same
    message in the reader's language. A value that is itself words is a `Words`: a function of
    the language, so a page reads it in its own language.
    """

    def __init__(self, message: str = "", /, **values: Value) -> None:
        self.msgid = message
        self.values = values
        super().__init__(_fill(message, values, "en"))

    def text(self, lang: str) -> str:
        """The message in `lang` ("zh" or "en"); English where the catalog has no translation."""
        if lang == "en":
            return str(self)
        return gettext(lang, self.msgid, **_read(self.values, lang))


class NotFound(ComplianceError):
    """The thing asked for does not exist (or is not visible to the actor)."""


class Forbidden(ComplianceError):
    """The actor's role does not allow this action."""


class Conflict(ComplianceError):
    """Someone else changed the record first, or the record is already in that state."""


class InvalidTransition(Conflict):
    """A life-cycle step that is not allowed from the current state."""


class GuardrailViolation(ComplianceError):
    """A statutory guardrail forbids this outcome."""


class StorageUnavailable(ComplianceError):
    """The data folder cannot be written (read-only, full, missing): nothing was saved."""


@dataclass(frozen=True)
class FieldError:
    """One bad field: where and why."""

    field: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line is not None else ""
        return f"{where}{self.field}: {self.reason}"


class ValidationFailed(ComplianceError):
    """Input rejected; nothing was changed. Carries every bad field."""

    def __init__(self, errors: list[FieldError] | FieldError) -> None:
        self.errors = errors if isinstance(errors, list) else [errors]
        super().__init__("; ".join(str(e) for e in self.errors))

    @classmethod
    def one(cls, field: str, reason: str) -> "ValidationFailed":
        """Shorthand for a single bad field."""
        return cls(FieldError(field, reason))
