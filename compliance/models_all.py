"""Import every table so that SQLModel.metadata is complete (Alembic, tests)."""

from compliance.accounts.auth_models import ApiToken, AuthSession, LoginAttempt
from compliance.accounts.models import User
from compliance.attendance.models import AttendanceEvent, RosterShift
from compliance.audit.models import (
    AuditEvent,
    AuditHead,
    RowSeal,
    RowSealLatest,
    SealBaseline,
)
from compliance.calendar.models import CalendarDay, CalendarYear
from compliance.cases.attachments import CaseAttachment
from compliance.cases.models import (
    Annotation,
    Appeal,
    Approval,
    Case,
    CaseFinding,
    CaseListVersion,
    CaseStep,
    Notice,
    Proposal,
    Statement,
    UnionNotice,
)
from compliance.counters.models import Counter
from compliance.damages.models import DamageIncident, DamagePhoto, DamageSettlement
from compliance.dossiers.models import Dossier
from compliance.feedback.models import Feedback
from compliance.files.models import StoredFile
from compliance.findings.models import DetectionRun, Finding
from compliance.flows.models import JobLease, Judgment
from compliance.imports.models import ImportProfile
from compliance.inspections.models import SpotCheck, SpotCheckItem, SpotCheckPhoto
from compliance.notices.models import NoticeDocument
from compliance.offices.models import Office
from compliance.overtime.models import OvertimeRequest
from compliance.pay.models import Deduction, Instalment, MinimumWage, PayrollRun
from compliance.policy_params.models import PolicyVersion
from compliance.residents.models import Resident, Unit
from compliance.service.models import (
    EmergencyReport,
    FeeBill,
    FeeContact,
    FeePayment,
    LobbyNotice,
    ReturnVisit,
    ServiceCall,
    ServiceClock,
    ServiceEvent,
    ServiceHop,
    ServiceOrder,
)
from compliance.staff.models import Staff, StaffWage
from compliance.tips.models import TipLine
from compliance.visits.models import Visit

__all__ = [
    "Annotation",
    "ApiToken",
    "Appeal",
    "Approval",
    "AttendanceEvent",
    "AuditEvent",
    "AuditHead",
    "AuthSession",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseAttachment",
    "CaseFinding",
    "CaseListVersion",
    "CaseStep",
    "Counter",
    "DamageIncident",
    "DamagePhoto",
    "DamageSettlement",
    "Deduction",
    "DetectionRun",
    "Dossier",
    "EmergencyReport",
    "FeeBill",
    "FeeContact",
    "FeePayment",
    "Feedback",
    "Finding",
    "ImportProfile",
    "Instalment",
    "JobLease",
    "Judgment",
    "LobbyNotice",
    "LoginAttempt",
    "MinimumWage",
    "Notice",
    "NoticeDocument",
    "Office",
    "OvertimeRequest",
    "PayrollRun",
    "PolicyVersion",
    "Proposal",
    "Resident",
    "ReturnVisit",
    "RosterShift",
    "RowSeal",
    "RowSealLatest",
    "SealBaseline",
    "ServiceCall",
    "ServiceClock",
    "ServiceEvent",
    "ServiceHop",
    "ServiceOrder",
    "SpotCheck",
    "SpotCheckItem",
    "SpotCheckPhoto",
    "Staff",
    "StaffWage",
    "Statement",
    "StoredFile",
    "TipLine",
    "UnionNotice",
    "Unit",
    "User",
    "Visit",
]
