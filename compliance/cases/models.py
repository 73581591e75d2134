"""Disciplinary cases (案件): life cycle, statement, proposal, approvals, notices, appeal."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from compliance.models_base import fk, utc_field


class CaseStatus(StrEnum):
    """The life cycle of SPEC §4."""

    OPEN = "open"
    AWAITING_STATEMENT = "awaiting_statement"
    UNDER_REVIEW = "under_review"
    DECISION_PROPOSED = "decision_proposed"
    APPROVED = "approved"
    NOTIFIED = "notified"
    APPEALED = "appealed"
    APPEAL_DECIDED = "appeal_decided"
    FINAL = "final"
    EXECUTED = "executed"
    CLOSED = "closed"
    DISMISSED = "dismissed"


class Case(SQLModel, table=True):
    """A case about one staff member and one rule; `version` guards concurrent steps."""

    __tablename__ = "case_file"
    __table_args__ = (
        UniqueConstraint("office_id", "number"),
        Index("ix_case_staff_rule", "staff_id", "rule_code", "status"),
        # The case list: an office's cases newest first, a page at a time, without a sort.
        Index("ix_case_office_opened", "office_id", "opened_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = fk("office.id", index=False)
    number: str = Field(max_length=32)
    staff_id: int = fk("staff.id", index=False)
    rule_code: str = Field(max_length=8)
    policy_version: str = Field(max_length=16)
    params_digest: str = Field(max_length=64)
    incident_at: datetime = utc_field()
    status: str = Field(default=CaseStatus.OPEN, max_length=24, index=True)
    version: int = 1
    severity: str | None = Field(default=None, max_length=16)
    severity_reason: str = Field(default="", max_length=2000)
    statement_due: date | None = None
    notified_at: datetime | None = utc_field(nullable=True)
    # When the decision notice was served (signed for, or refused before a witness): the
    # appeal window counts from this day, and the decision can become final only after it.
    service_completed_at: datetime | None = utc_field(nullable=True)
    appeal_deadline: date | None = None
    effective_at: datetime | None = utc_field(nullable=True)
    closed_at: datetime | None = utc_field(nullable=True)
    opened_at: datetime = utc_field()
    opened_by: int | None = fk("user.id", nullable=True, index=False)


class CaseListVersion(SQLModel, table=True):
    """How many times an office's cases have changed.

    A database trigger (migration 0003) bumps it on every insert, update and delete in
    case_file, inside the same transaction, whoever writes. So a page of the case list read
    at one count is the same page for as long as the count stays; the API keeps pages by it
    (api/case_list_cache.py). An office whose cases never changed has no row: count 0.
    """

    __tablename__ = "case_list_version"

    office_id: int = Field(
        sa_column=Column(Integer, ForeignKey("office.id"), primary_key=True, autoincrement=False)
    )
    version: int = 0


class CaseFinding(SQLModel, table=True):
    """A finding that is part of a case (a finding belongs to at most one case)."""

    __tablename__ = "case_finding"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = fk("case_file.id")
    finding_id: int = Field(foreign_key="finding.id", unique=True)
    added_at: datetime = utc_field()
    added_by: int | None = fk("user.id", nullable=True, index=False)


class CaseStep(SQLModel, table=True):
    """Every life-cycle step taken, in order (the audit chain holds the same, hashed)."""

    __tablename__ = "case_step"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = fk("case_file.id")
    action: str = Field(max_length=32)
    from_status: str = Field(max_length=24)
    to_status: str = Field(max_length=24)
    note: str = Field(default="", max_length=4000)
    at: datetime = utc_field()
    actor_id: int | None = fk("user.id", nullable=True, index=False)


class StatementKind(StrEnum):
    """The staff member's statement (申辩), or its recorded absence."""

    STATEMENT = "statement"
    REFUSED = "refused"
    SILENT = "silent"


class Statement(SQLModel, table=True):
    """What the staff member said, or that they refused or stayed silent past the deadline."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = fk("case_file.id")
    kind: str = Field(max_length=16)
    text: str = Field(default="", max_length=8000)
    recorded_at: datetime = utc_field()
    recorded_by: int | None = fk("user.id", nullable=True, index=False)


class Proposal(SQLModel, table=True):
    """A proposed outcome with its full reasoning; amendments add a new revision."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = fk("case_file.id")
    revision: int
    outcomes: str = Field(max_length=8000)
    reasoning: str = Field(max_length=40000)
    digest: str = Field(max_length=64)
    legal_risk: bool = False
    is_dismissal: bool = False
    amend_reason: str = Field(default="", max_length=2000)
    created_at: datetime = utc_field()
    created_by: int | None = fk("user.id", nullable=True, index=False)


class Approval(SQLModel, table=True):
    """One approver's approval of a proposal revision; lapses if evidence is added later."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = fk("case_file.id")
    proposal_id: int = fk("proposal.id", index=False)
    approver_id: int = fk("user.id", index=False)
    capacity: str = Field(max_length=16)
    justification: str = Field(default="", max_length=4000)
    approved_at: datetime = utc_field()
    lapsed_at: datetime | None = utc_field(nullable=True)


class NoticeKind(StrEnum):
    """Written notices served to the staff member."""

    DECISION = "decision"
    DEDUCTION = "deduction"


class ServiceKind(StrEnum):
    """How a notice was served (送达)."""

    SIGNED = "signed"  # the staff member signed for it
    REFUSED_TO_SIGN = "refused_to_sign"  # 留置送达: the refusal recorded before a witness


class Notice(SQLModel, table=True):
    """A notice handed over, and how it was served: signed for, or a refusal to sign
    recorded with its witness(es), time and place (留置送达).

    `acknowledged_at` is the moment of service (the signature, or the refusal as witnessed);
    `ack_recorded_at`/`ack_recorded_by` are when and by whom it was entered.
    """

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = fk("case_file.id")
    kind: str = Field(max_length=16)
    content: str = Field(max_length=8000)
    amount_fen: int | None = None
    served_at: datetime = utc_field()
    served_by: int | None = fk("user.id", nullable=True, index=False)
    acknowledged_at: datetime | None = utc_field(nullable=True)
    ack_kind: str | None = Field(default=None, max_length=16)
    ack_recorded_by: int | None = fk("user.id", nullable=True, index=False)
    ack_recorded_at: datetime | None = utc_field(nullable=True)
    witnesses: str = Field(default="", max_length=200)
    service_place: str = Field(default="", max_length=200)
    service_note: str = Field(default="", max_length=2000)


class UnionNotice(SQLModel, table=True):
    """The trade union told the reasons for a dismissal, and its reply (劳动合同法 第四十三条)."""

    __tablename__ = "union_notice"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = fk("case_file.id")
    reasons: str = Field(max_length=8000)
    notified_at: datetime = utc_field()
    notified_by: int | None = fk("user.id", nullable=True, index=False)
    reply: str = Field(default="", max_length=8000)
    reply_at: datetime | None = utc_field(nullable=True)


class Appeal(SQLModel, table=True):
    """The staff member's appeal and its decision by someone who did not approve."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = fk("case_file.id")
    grounds: str = Field(max_length=8000)
    filed_at: datetime = utc_field()
    filed_by: int | None = fk("user.id", nullable=True, index=False)
    outcome: str | None = Field(default=None, max_length=16)
    reasoning: str = Field(default="", max_length=8000)
    decided_at: datetime | None = utc_field(nullable=True)
    decided_by: int | None = fk("user.id", nullable=True, index=False)


class Annotation(SQLModel, table=True):
    """A note added to a case at any time, including after it is closed."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = fk("case_file.id")
    text: str = Field(max_length=4000)
    at: datetime = utc_field()
    by: int | None = fk("user.id", nullable=True, index=False)
