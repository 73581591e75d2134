"""Input and output shapes for minimum wages, deductions, notices and the payroll sheet."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from compliance.money import ABSURD_FEN
from compliance.validation import Input, RecordId, fen_validator

WageFen = Annotated[int, BeforeValidator(fen_validator(maximum=ABSURD_FEN))]


def first_of_month(value: date) -> date:
    """Refuse a payroll month given as any day but the first."""
    if value.day != 1:
        raise ValueError(f"must be the first day of a month, not {value.isoformat()}")
    return value


class MinimumWageSet(Input):
    """A city's monthly minimum wage in fen from a date on."""

    city: str = Field(min_length=1, max_length=50)
    monthly_fen: WageFen
    effective_from: date
    note: str = Field(default="", max_length=500)


class MinimumWageRead(BaseModel):
    """One recorded minimum wage."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    city: str
    monthly_fen: int
    effective_from: date
    note: str
    created_at: datetime


class DeductionNoticeIn(Input):
    """The written notice of reason and amount served before the first deduction."""

    case_id: RecordId
    content: str = Field(min_length=1, max_length=8000)


class NoticeRead(BaseModel):
    """A notice as served."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    kind: str
    content: str
    amount_fen: int | None
    served_at: datetime


class MonthIn(BaseModel):
    """A payroll month: its first day."""

    model_config = ConfigDict(extra="forbid")

    month: date

    _first = field_validator("month")(first_of_month)


class ReplanIn(BaseModel):
    """Recompute a staff member's planned instalments from a month on."""

    model_config = ConfigDict(extra="forbid")

    staff_id: RecordId
    from_month: date

    _first = field_validator("from_month")(first_of_month)


class DeductionRead(BaseModel):
    """A deduction as created."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    case_id: int
    kind: str
    amount_fen: int
    start_month: date
    reason: str
    legal_risk: bool


@dataclass(frozen=True)
class SheetLine:
    """One deduction instalment in the sheet's month."""

    instalment_id: int
    deduction_id: int
    case_id: int
    case_number: str
    kind: str
    reason: str
    legal_risk: bool
    amount_fen: int
    status: str
    notice_served_at: datetime | None


@dataclass(frozen=True)
class SheetRow:
    """One staff member's month: wage, cap, floor, what is taken and what is carried on."""

    staff_id: int
    employee_no: str
    name: str
    wage_fen: int
    cap_fen: int
    floor_fen: int
    taken_fen: int
    carried_fen: int
    lines: tuple[SheetLine, ...]
    # The member's last working day when this is their last pay month: nothing is carried
    # then; what is left is an unrecovered balance (a civil claim), never deducted later.
    left_on: date | None = None
    unrecovered_fen: int = 0

    @property
    def net_fen(self) -> int:
        """The wage left after this month's deductions."""
        return self.wage_fen - self.taken_fen


@dataclass(frozen=True)
class PayrollSheet:
    """An office's month of pay deductions, ready to print or export."""

    office_code: str
    office_name: str
    city: str
    month: date
    minimum_wage_fen: int
    profile: str
    executed_at: datetime | None
    rows: tuple[SheetRow, ...]
    # A month after next: a read-only preview of what is planned, never executable yet.
    preview: bool = False

    @property
    def total_unrecovered_fen(self) -> int:
        """Unrecovered balances of members whose last pay month this is."""
        return sum(r.unrecovered_fen for r in self.rows)

    @property
    def total_taken_fen(self) -> int:
        """Everything taken from pay this month."""
        return sum(r.taken_fen for r in self.rows)


@dataclass(frozen=True)
class ExecuteResult:
    """What one payroll execution took."""

    month: date
    run_id: int
    instalments: int
    total_fen: int
    staff: int
