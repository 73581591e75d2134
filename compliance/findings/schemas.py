"""Input and output shapes for findings."""

import json
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from compliance.validation import AwareDatetime, Input, RecordId
from policies.vocab import EvidenceKind


class EvidenceIn(BaseModel):
    """A reference to a record that supports a finding."""

    model_config = ConfigDict(extra="forbid")

    kind: EvidenceKind
    id: RecordId


class ManualFindingCreate(Input):
    """A finding raised by hand from any record (or from an observation)."""

    rule_code: str = Field(pattern=r"^R\d{2}$")
    staff_id: RecordId
    occurred_at: AwareDatetime
    note: str = Field(min_length=1, max_length=2000)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=50)


class TriageIn(Input):
    """Confirm or dismiss; a dismissal needs a reason."""

    reason: str = Field(default="", max_length=2000)


class FindingRead(BaseModel):
    """A finding as shown back, with its decision log."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    rule_code: str
    policy_version: str
    params_digest: str
    input_digest: str
    source: str
    detector: str
    occurred_at: datetime
    explanation_zh: str
    explanation_en: str
    evidence: list[dict[str, object]]
    suggested_severity: str | None
    status: str
    triage_reason: str

    @field_validator("evidence", mode="before")
    @classmethod
    def _json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value


class FindingRow(FindingRead):
    """A finding with the staff member's name, for the triage queue."""

    staff_name: str
    employee_no: str
