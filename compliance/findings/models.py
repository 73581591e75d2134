"""Findings (suspected breaches) and detection runs."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class FindingStatus(StrEnum):
    """Triage state of a finding."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class FindingSource(StrEnum):
    """Where a finding came from."""

    DETECTOR = "detector"
    SPOT_CHECK = "spot_check"
    MANUAL = "manual"


class Finding(SQLModel, table=True):
    """A suspected breach of one rule by one staff member, with the decision log."""

    __table_args__ = (UniqueConstraint("office_id", "rule_code", "dedupe_key"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    staff_id: int = fk("staff.id")
    rule_code: str = Field(max_length=8, index=True)
    policy_version: str = Field(max_length=16)
    params_digest: str = Field(max_length=64)
    input_digest: str = Field(max_length=64)
    source: str = Field(max_length=16)
    detector: str = Field(default="", max_length=40)
    dedupe_key: str = Field(max_length=120)
    occurred_at: datetime = utc_field(index=True)
    explanation_zh: str = Field(max_length=2000)
    explanation_en: str = Field(max_length=2000)
    evidence: str = Field(default="[]", max_length=20000)
    suggested_severity: str | None = Field(default=None, max_length=16)
    status: str = Field(default=FindingStatus.OPEN, max_length=16, index=True)
    triaged_by: int | None = fk("user.id", nullable=True, index=False)
    triaged_at: datetime | None = utc_field(nullable=True)
    triage_reason: str = Field(default="", max_length=2000)
    detection_run_id: int | None = fk("detection_run.id", nullable=True, index=False)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


class DetectionRun(SQLModel, table=True):
    """One run of the automatic detectors over a period."""

    __tablename__ = "detection_run"

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id")
    period_start: date
    period_end: date
    ruleset_digest: str = Field(max_length=64)
    started_at: datetime = utc_field()
    finished_at: datetime | None = utc_field(nullable=True)
    new_findings: int = 0
    existing_findings: int = 0
    errors: int = 0
    summary: str = Field(default="{}", max_length=20000)
    created_by: int | None = fk("user.id", nullable=True, index=False)


__all__ = ["DetectionRun", "Finding", "FindingSource", "FindingStatus", "date"]
