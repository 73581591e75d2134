"""One error hierarchy for the domain; the API maps it once to HTTP."""

from dataclasses import dataclass


class ComplianceError(Exception):
    """Base of every error the domain raises on purpose.

    The message is English (logs, the JSON API). Where a person reads the error on a page,
    `zh` carries the same message in Chinese, the pages' default language.
    """

    def __init__(self, message: str = "", *, zh: str | None = None) -> None:
        super().__init__(message)
        self.zh = zh

    def text(self, lang: str) -> str:
        """The message in `lang` ("zh" or "en"), English where no Chinese was given."""
        return self.zh if lang == "zh" and self.zh else str(self)


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
