"""Input and output shapes for cases."""

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from typing_extensions import TypedDict

from compliance.findings.schemas import FindingRead
from compliance.money import ABSURD_FEN
from compliance.validation import AwareDatetime, Input, fen_validator
from policies.sanction import OutcomeKind, Severity

Fen = Annotated[int, BeforeValidator(fen_validator(maximum=ABSURD_FEN))]


class StatementRequest(Input):
    """Ask the staff member for a statement; the due date defaults to 3 working days."""

    due: date | None = None


class StatementIn(Input):
    """The staff member's statement (申辩), written by them or taken down on paper by HR."""

    text: str = Field(min_length=1, max_length=8000)


class NoteIn(Input):
    """A free note, e.g. how the staff member refused to make a statement."""

    note: str = Field(default="", max_length=8000)


class ProposeIn(Input):
    """The reviewer's severity, with the reason for it."""

    severity: Severity
    severity_reason: str = Field(min_length=1, max_length=2000)


class OutcomeIn(Input):
    """One outcome of an amended proposal."""

    kind: OutcomeKind
    amount_fen: Fen | None = None
    note: str = Field(default="", max_length=1000)


class AmendIn(Input):
    """A new revision of the proposal, with why it was changed."""

    outcomes: list[OutcomeIn] = Field(min_length=1, max_length=20)
    reason: str = Field(min_length=1, max_length=2000)


class ApproveIn(Input):
    """An approval; a proposal with a legal risk needs the justification written down."""

    justification: str = Field(default="", max_length=4000)
    # Required when the trade union objected to the dismissal: the written answer to it.
    union_answer: str = Field(default="", max_length=3000)


class UnionNoticeIn(Input):
    """The reasons for a dismissal as told to the trade union."""

    reasons: str = Field(min_length=1, max_length=8000)


class UnionReplyIn(Input):
    """The trade union's reply."""

    reply: str = Field(min_length=1, max_length=8000)
    objection: bool = False  # the union objects to the dismissal


class NoticeIn(Input):
    """The written decision notice served to the staff member."""

    content: str = Field(min_length=1, max_length=8000)


# Separators accepted between witnesses' names typed on one line.
_WITNESS_SEPARATORS = str.maketrans({c: "\n" for c in "、,,;;/"})
NO_WITNESS = (
    "a refusal to sign serves the notice only when a witness saw it (留置送达): "
    "name at least one witness"
)


class ServiceRefusalIn(Input):
    """A refusal to sign for the decision notice, as witnessed (留置送达).

    `at` is when the refusal happened (default: now); `place` and `note` say where and how
    the notice was left with the staff member.
    """

    witnesses: list[str] = Field(default_factory=list)
    at: AwareDatetime | None = None
    place: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=2000)

    @field_validator("witnesses", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            names = [
                n.strip() for v in value for n in str(v).translate(_WITNESS_SEPARATORS).split("\n")
            ]
            return [n for n in names if n]
        return value

    @field_validator("witnesses")
    @classmethod
    def _at_least_one(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError(NO_WITNESS)
        if len(value) > 5 or any(len(n) > 50 for n in value) or len("、".join(value)) > 200:
            raise ValueError("at most 5 witnesses, 50 characters each, 200 in all")
        return value


class AppealIn(Input):
    """The staff member's grounds of appeal."""

    grounds: str = Field(min_length=1, max_length=8000)


class AppealDecisionIn(Input):
    """How the appeal was decided and why."""

    outcome: Literal["upheld", "varied", "overturned"]
    reasoning: str = Field(min_length=1, max_length=8000)


class ReasonIn(Input):
    """A required reason (dismissing a case)."""

    reason: str = Field(min_length=1, max_length=4000)


class AnnotationIn(Input):
    """A note on a case."""

    text: str = Field(min_length=1, max_length=4000)


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


class CaseRead(BaseModel):
    """A case as listed."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    staff_id: int
    rule_code: str
    policy_version: str
    params_digest: str
    incident_at: datetime
    status: str
    version: int
    severity: str | None
    severity_reason: str
    statement_due: date | None
    notified_at: datetime | None
    service_completed_at: datetime | None
    appeal_deadline: date | None
    effective_at: datetime | None
    closed_at: datetime | None
    opened_at: datetime
    opened_by: int | None


# A listed case as the database gives it: a dict with CaseRead's fields (built from them, so
# the two cannot drift). The API serializes a page of these straight to JSON: building and
# validating 50 CaseRead models first cost as much again as the query (measured).
CaseRow = TypedDict(  # type: ignore[misc]  # fields taken from CaseRead at import time
    "CaseRow", {name: field.annotation for name, field in CaseRead.model_fields.items()}
)


class StepRead(BaseModel):
    """One life-cycle step."""

    model_config = ConfigDict(from_attributes=True)

    action: str
    from_status: str
    to_status: str
    note: str
    at: datetime
    actor_id: int | None


class StatementRead(BaseModel):
    """The statement, or the refusal / silence recorded in its place."""

    model_config = ConfigDict(from_attributes=True)

    kind: str
    text: str
    recorded_at: datetime
    recorded_by: int | None


class ProposalRead(BaseModel):
    """A proposal revision with its outcomes and reasoning."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    revision: int
    outcomes: list[dict[str, Any]]
    reasoning: dict[str, Any]
    digest: str
    legal_risk: bool
    is_dismissal: bool
    amend_reason: str
    created_at: datetime
    created_by: int | None

    @field_validator("outcomes", "reasoning", mode="before")
    @classmethod
    def _parse_json(cls, value: object) -> object:
        return _json(value)


class ApprovalRead(BaseModel):
    """An approval; `lapsed_at` is set when later evidence or an amendment voided it."""

    model_config = ConfigDict(from_attributes=True)

    proposal_id: int
    approver_id: int
    capacity: str
    justification: str
    approved_at: datetime
    lapsed_at: datetime | None


class NoticeRead(BaseModel):
    """A notice served and its acknowledgement."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    content: str
    amount_fen: int | None
    served_at: datetime
    served_by: int | None
    acknowledged_at: datetime | None
    ack_kind: str | None
    ack_recorded_by: int | None
    ack_recorded_at: datetime | None
    witnesses: str
    service_place: str
    service_note: str


class UnionNoticeRead(BaseModel):
    """The notice to the trade union and its reply."""

    model_config = ConfigDict(from_attributes=True)

    reasons: str
    notified_at: datetime
    notified_by: int | None
    reply: str
    reply_at: datetime | None


class AppealRead(BaseModel):
    """The appeal and its decision."""

    model_config = ConfigDict(from_attributes=True)

    grounds: str
    filed_at: datetime
    filed_by: int | None
    outcome: str | None
    reasoning: str
    decided_at: datetime | None
    decided_by: int | None


class AnnotationRead(BaseModel):
    """A note on the case."""

    model_config = ConfigDict(from_attributes=True)

    text: str
    at: datetime
    by: int | None


class GateRead(BaseModel):
    """One dismissal gate and whether it passes."""

    model_config = ConfigDict(from_attributes=True)

    key: str
    passed: bool
    blocking: bool
    text_zh: str
    text_en: str
    law_zh: str
    law_en: str


class CostRead(BaseModel):
    """What getting a dismissal wrong would cost (twice the economic compensation)."""

    amount_fen: int
    multiplier: int
    end_date: date
    explanation_zh: list[str]
    explanation_en: list[str]


class ReturnedRead(BaseModel):
    """The approvers refused the proposal: rejected (HR proposes anew) or sent back (HR
    amends it), with the reason; HR acts next."""

    action: Literal["reject_proposal", "send_back"]
    reason: str
    at: datetime
    by: int | None


class AttachmentRead(BaseModel):
    """An attached file as the case lists it (never its place on disk)."""

    file_id: int
    step: str
    content_type: str
    original_name: str
    size_bytes: int
    created_at: datetime

    @property
    def is_image(self) -> bool:
        """Whether the file is a photo (shown as a picture; a document as a link)."""
        return self.content_type.startswith("image/")


class CaseDetail(BaseModel):
    """Everything about one case, for the case page and the dossier."""

    case: CaseRead
    findings: list[FindingRead]
    statement: StatementRead | None
    proposals: list[ProposalRead]
    approvals: list[ApprovalRead]
    notices: list[NoticeRead]
    union_notice: UnionNoticeRead | None
    appeal: AppealRead | None
    steps: list[StepRead]
    annotations: list[AnnotationRead]
    allowed_actions: list[str]
    dismissal_gates: list[GateRead] | None = None
    wrongful_dismissal_cost: CostRead | None = None
    # A refused proposal waiting on HR (None: none), and the union's objection to a dismissal
    # as recorded (None: it did not object, or has not replied).
    returned: ReturnedRead | None = None
    union_objection: str | None = None
    # Photos and documents the staff member handed in with the statement or the appeal.
    attachments: list[AttachmentRead] = Field(default_factory=list)
