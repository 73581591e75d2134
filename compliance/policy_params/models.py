"""Per-office parameter overrides: each change is a new policy version."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class PolicyVersion(SQLModel, table=True):
    """A rule's parameters for an office from a date on.

    Its version label is "<code version>.<revision>" (revision 0 = the defaults in code), so a
    finding's (code, version, params digest) identifies exactly what judged it.
    `published_at` is when the version was made known (公示): for a version set through the
    product, the moment it was recorded; effective_from (its start, 00:00 office time) is never
    before it. `created_at` is when the row was written (later for loaded history).
    """

    __tablename__ = "policy_version"
    __table_args__ = (UniqueConstraint("office_id", "rule_code", "code_version", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id")
    rule_code: str = Field(max_length=8)
    code_version: int
    revision: int
    effective_from: date
    params_json: str = Field(max_length=4000)
    params_digest: str = Field(max_length=64)
    reason: str = Field(default="", max_length=1000)
    published_at: datetime = utc_field()
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)
