"""Input and output shapes for units and residents."""

import re
from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from compliance.actors import Role
from compliance.residents.masking import can_see_contact, mask_name, mask_phone
from compliance.residents.models import Resident
from compliance.validation import Input

# Mainland mobile numbers: 11 digits, 1 then 3-9. Separators people type are dropped first.
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s-]")


def _mobile(value: str) -> str:
    digits = _SEPARATORS.sub("", value)
    if digits and not _MOBILE.match(digits):
        raise ValueError("must be an 11-digit mainland mobile number starting with 1, or empty")
    return digits


Phone = Annotated[str, AfterValidator(_mobile)]


class UnitCreate(Input):
    """A home on the estate, by building and room."""

    building: str = Field(min_length=1, max_length=20)
    room: str = Field(min_length=1, max_length=20)


class UnitRead(BaseModel):
    """A unit as shown back."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    building: str
    room: str


class ResidentCreate(Input):
    """A resident of a unit."""

    unit_id: int
    name: str = Field(min_length=1, max_length=50)
    phone: Phone = Field(default="", max_length=20)


class ResidentRead(BaseModel):
    """A resident, masked unless validated with context {"reveal_contact": True}."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    unit_id: int
    name: str
    phone: str
    created_at: datetime
    masked: bool = True

    @model_validator(mode="after")
    def _mask(self, info: ValidationInfo) -> "ResidentRead":
        # Masked by default so that forgetting the context can never leak contact data.
        if (info.context or {}).get("reveal_contact") is True:
            self.masked = False
        else:
            self.name, self.phone, self.masked = mask_name(self.name), mask_phone(self.phone), True
        return self

    @classmethod
    def for_viewer(cls, row: Resident, role: Role) -> "ResidentRead":
        """The resident as the given role may see them."""
        return cls.model_validate(row, context={"reveal_contact": can_see_contact(role)})
