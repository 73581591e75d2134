"""Checks shared by the schemas: money, times, ids, and turning pydantic errors into ours."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Annotated, Any, TypeVar

from annotated_types import MaxLen
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from compliance.clock import ensure_utc
from compliance.errors import FieldError, ValidationFailed
from compliance.money import check_fen

M = TypeVar("M", bound=BaseModel)

# Ids are `integer` columns (32 bits on PostgreSQL): a number outside 1..MAX_ID names no
# record, and the database would reject it as a query parameter instead of finding nothing.
MAX_ID = 2**31 - 1

# An event outside these years is a typing error; near the ends of the calendar, converting it
# to the office's time zone or stepping back a look-back window would overflow.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)

# Clocks on phones and punch clocks drift; a record a few minutes "in the future" is not fraud.
CLOCK_SKEW = timedelta(minutes=5)


class Input(BaseModel):
    """The base of every input schema: unknown fields refused, text stripped of the
    whitespace around it.

    A text's length limit holds before stripping too. pydantic measures after stripping,
    but the published schema's maxLength speaks of what is sent, and a client must be able
    to rely on it: 101 characters are refused even when one of them is a leading space.
    Text with a NUL character is refused: no one types it, and PostgreSQL cannot store it.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("string_nul", "must not contain the NUL character")
        if isinstance(value, str) and info.field_name:
            limit = _max_length(cls, info.field_name)
            if limit is not None and len(value) > limit:
                raise PydanticCustomError(
                    "string_too_long",
                    "String should have at most {max_length} characters",
                    {"max_length": limit},
                )
        return value


@cache
def _max_length(model: type[BaseModel], field: str) -> int | None:
    info = model.model_fields.get(field)
    limits = [m.max_length for m in info.metadata if isinstance(m, MaxLen)] if info else []
    return min(limits) if limits else None


def parse(model: type[M], data: Any) -> M:
    """Validate data into the schema, raising ValidationFailed naming every bad field."""
    if isinstance(data, model):
        data = data.model_dump()
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed([_field_error(err) for err in exc.errors()]) from None


def _field_error(err: Any) -> FieldError:
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    field = ".".join(str(p) for p in err.get("loc", ()))
    # Cross-field checks raise "field: reason" from a model validator, which has no location.
    if not field and ": " in msg:
        field, msg = msg.split(": ", 1)
    return FieldError(field or "input", msg)


def fen_validator(*, allow_zero: bool = False, maximum: int | None = None) -> Callable[[Any], int]:
    """A pydantic 'before' validator for integer fen amounts."""

    def check(value: Any) -> int:
        if maximum is None:
            return check_fen(value, allow_zero=allow_zero)
        return check_fen(value, allow_zero=allow_zero, maximum=maximum)

    return check


def not_a_number(value: Any) -> Any:
    """A pydantic 'before' validator: a bare number is not a date or time."""
    # pydantic would read it as seconds since 1970: a slip recorded as an event in 1970.
    if isinstance(value, int | float):
        raise ValueError("must be an ISO 8601 date or time, not a number")
    return value


def not_a_number_flag(value: Any) -> Any:
    """A pydantic 'before' validator: a yes/no answer is true or false, not 0 or 1."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("must be true or false, not a number")
    return value


def aware(value: datetime) -> datetime:
    """A pydantic 'after' validator: require a time zone, convert to UTC, refuse absurd years."""
    try:
        utc = ensure_utc(value)
    except OverflowError:  # 9999-12-31T23:00-10:00 is past the last day a datetime can hold
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise ValueError(f"must be between {EARLIEST:%Y} and {LATEST.year - 1}")
    return utc


def not_in_future(field: str, value: datetime | None, now: datetime) -> None:
    """Refuse a time that has not happened yet (allowing a little clock skew)."""
    if value is not None and value > now + CLOCK_SKEW:
        raise ValidationFailed.one(field, "is in the future")


# A datetime field that must carry a time zone; stored and compared in UTC.
AwareDatetime = Annotated[datetime, BeforeValidator(not_a_number), AfterValidator(aware)]

# A yes/no input (form and command-line words like "true" still pass).
Flag = Annotated[bool, BeforeValidator(not_a_number_flag)]

# A reference to a stored record by its id, as input.
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
