"""Checks shared by the schemas: money, times, and turning pydantic errors into ours."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ValidationError

from compliance.clock import ensure_utc
from compliance.errors import FieldError, ValidationFailed
from compliance.money import check_fen

M = TypeVar("M", bound=BaseModel)

# Clocks on phones and punch clocks drift; a record a few minutes "in the future" is not fraud.
CLOCK_SKEW = timedelta(minutes=5)


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


def aware(value: datetime) -> datetime:
    """A pydantic 'after' validator: require a time zone and convert to UTC."""
    return ensure_utc(value)


def not_in_future(field: str, value: datetime | None, now: datetime) -> None:
    """Refuse a time that has not happened yet (allowing a little clock skew)."""
    if value is not None and value > now + CLOCK_SKEW:
        raise ValidationFailed.one(field, "is in the future")


# A datetime field that must carry a time zone; stored and compared in UTC.
AwareDatetime = Annotated[datetime, AfterValidator(aware)]
