"""Input and output shapes for staff members and their wages."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from compliance.money import ABSURD_FEN
from compliance.staff.models import StaffStatus
from compliance.validation import AwareDatetime, Input, fen_validator

WageFen = Annotated[int, BeforeValidator(fen_validator(maximum=ABSURD_FEN))]
Text30 = Annotated[str, Field(min_length=1, max_length=30)]


class StaffCreate(Input):
    """A new employee; the first wage, if given, applies from the hire date."""

    employee_no: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=50)
    team: Text30
    position: Text30
    hire_date: date
    monthly_wage_fen: WageFen | None = None


class StaffUpdate(Input):
    """A change of team, position or employment status."""

    team: Text30 | None = None
    position: Text30 | None = None
    status: StaffStatus | None = None

    @model_validator(mode="after")
    def _something(self) -> "StaffUpdate":
        if self.team is None and self.position is None and self.status is None:
            raise ValueError("input: nothing to change")
        return self


class WageSet(BaseModel):
    """A monthly wage in fen from a date on."""

    model_config = ConfigDict(extra="forbid")

    monthly_wage_fen: WageFen
    effective_from: date


class RulebookAck(BaseModel):
    """When the staff member acknowledged the rulebook (signed or clicked)."""

    model_config = ConfigDict(extra="forbid")

    acknowledged_at: AwareDatetime


class StaffRead(BaseModel):
    """A staff member as shown back (no pay: wages are read separately)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    employee_no: str
    name: str
    team: str
    position: str
    hire_date: date
    status: str
    rulebook_ack_at: datetime | None
    left_on: date | None = None
    leave_reason: str | None = None


class StaffWageRead(BaseModel):
    """One line of the wage history."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    monthly_wage_fen: int
    effective_from: date
    created_at: datetime
