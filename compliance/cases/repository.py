"""Case queries and the conditional state change (may flush, never commits)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Integer, Select, Table, bindparam, func, update
from sqlalchemy import select as core_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel, col, select

from compliance.actors import Actor, Role
from compliance.cases.lifecycle import OPEN_STATES
from compliance.cases.models import (
    Annotation,
    Appeal,
    Approval,
    Case,
    CaseFinding,
    CaseListVersion,
    CaseStatus,
    CaseStep,
    Notice,
    NoticeKind,
    Proposal,
    Statement,
    UnionNotice,
)
from compliance.errors import Conflict, NotFound
from compliance.findings.models import Finding
from compliance.i18n import N_
from compliance.names import coded
from compliance.prepared import PreparedSelect, Row
from compliance.staff.models import Staff

CONFLICT = "someone else changed this case first; reload it and try again"

T = TypeVar("T", bound=SQLModel)
# A row as a dict of its columns (prepared selects give them): the read models validate
# dicts five times faster than ORM rows.
Record = Row


def get_visible(session: Session, actor: Actor, case_id: int) -> Case:
    """The case if the actor may see it; NotFound otherwise (never reveals that it exists).

    Staff users see only their own cases, everyone else the cases of their office.
    """
    stmt = select(Case).where(col(Case.id) == case_id, col(Case.office_id) == actor.office_id)
    own = own_cases_of(actor)
    if own is not None:
        stmt = stmt.where(col(Case.staff_id) == own)
    row = session.exec(stmt).one_or_none()
    if row is None:
        raise NotFound(f"case {case_id} not found")
    return row


@cache
def _page_query(own_only: bool, by_status: bool, by_staff: bool) -> PreparedSelect:
    """The case-page query for one combination of filters, built once (with bound
    parameters): building it per request cost more than running it."""
    table: Table = Case.__table__  # type: ignore[attr-defined]
    c = table.c
    # Every column the list shows; the office is the caller's own, so it is left out.
    shown = [column for column in c if column.key != "office_id"]
    stmt = core_select(*shown).where(c.office_id == bindparam("office_id"))
    if own_only:
        stmt = stmt.where(c.staff_id == bindparam("own_staff_id"))
    if by_status:
        stmt = stmt.where(c.status == bindparam("status"))
    if by_staff:
        stmt = stmt.where(c.staff_id == bindparam("staff_id"))
    # ix_case_office_opened holds this order: a page is read off the index, nothing sorted.
    return PreparedSelect(
        stmt.order_by(c.opened_at.desc(), c.id.desc())
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )


# One case by id within the office (and, for staff, their own): the case read runs it on
# every view, so it is built once and its row read as plain columns.
_CASE: Table = Case.__table__  # type: ignore[attr-defined]
_VISIBLE = core_select(*_CASE.c).where(
    _CASE.c.id == bindparam("case_id"), _CASE.c.office_id == bindparam("office_id")
)
_VISIBLE_OWN = PreparedSelect(_VISIBLE.where(_CASE.c.staff_id == bindparam("staff_id")))
_VISIBLE_ANY = PreparedSelect(_VISIBLE)


def read_visible(session: Session, actor: Actor, case_id: int) -> Case:
    """Like get_visible, for reading only: a detached Case built from the row's columns.

    Nothing tracks it, so changes to it are never saved; about half the cost of the ORM load.
    """
    own = own_cases_of(actor)
    params = {"case_id": case_id, "office_id": actor.office_id, "staff_id": own}
    found = (_VISIBLE_ANY if own is None else _VISIBLE_OWN).first(session, params)
    if found is None:
        raise NotFound(f"case {case_id} not found")
    return Case.model_construct(**found)


def own_cases_of(actor: Actor) -> int | None:
    """Whose cases alone the actor sees: a staff user's own (-1, nobody's id, if the user is
    linked to no staff member); None for the other roles, who see the office's."""
    return (actor.staff_id or -1) if actor.role == Role.STAFF else None


def list_cases(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    staff_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Record]:
    """One page of the cases the actor may see, newest first, filtered in the query.

    Plain records of the case's columns (all the list shows): no entity bookkeeping.
    """
    own = own_cases_of(actor)
    stmt = _page_query(own is not None, bool(status), staff_id is not None)
    params = {
        "office_id": actor.office_id,
        "own_staff_id": own,
        "status": status,
        "staff_id": staff_id,
        "limit": limit,
        "offset": offset,
    }
    return stmt.rows(session, params)


_LIST_VERSION = PreparedSelect(
    core_select(col(CaseListVersion.version)).where(
        col(CaseListVersion.office_id) == bindparam("office_id")
    )
)


def list_version(session: Session, office_id: int) -> int:
    """How many times the office's cases have changed (0: never), as the trigger counts."""
    found = _LIST_VERSION.first(session, {"office_id": office_id})
    return int(found["version"]) if found else 0


def open_case_for(session: Session, office_id: int, staff_id: int, rule_code: str) -> Case | None:
    """The case before approval for this staff member and rule, if there is one."""
    return session.exec(
        select(Case)
        .where(
            col(Case.office_id) == office_id,
            col(Case.staff_id) == staff_id,
            col(Case.rule_code) == rule_code,
            col(Case.status).in_([s.value for s in OPEN_STATES]),
        )
        .order_by(col(Case.id))
        .limit(1)
    ).one_or_none()


def move(session: Session, case: Case, to: CaseStatus, **values: Any) -> None:
    """Conditionally move the case: only if nobody changed it since it was read."""
    result = session.exec(
        update(Case)
        .where(
            col(Case.id) == case.id,
            col(Case.status) == case.status,
            col(Case.version) == case.version,
        )
        .values(status=to.value, version=col(Case.version) + 1, **values)
        # Syncing the session here would dress a lost race up as a win; set it below.
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        # Name the state the case is in now, not the one read before the update lost.
        now = session.exec(select(Case.status).where(col(Case.id) == case.id)).one_or_none()
        if now is None:
            raise Conflict(CONFLICT)
        raise Conflict(
            N_("someone else changed this case first; reload it and try again (it is now %(now)s)"),
            now=coded("status", now),
        )
    set_committed_value(case, "status", to.value)
    set_committed_value(case, "version", case.version + 1)
    for name, value in values.items():
        set_committed_value(case, name, value)


def case_of_finding(session: Session, finding_id: int) -> CaseFinding | None:
    """The case link of a finding, if it is part of a case already."""
    return session.exec(
        select(CaseFinding).where(col(CaseFinding.finding_id) == finding_id)
    ).one_or_none()


def findings_of(session: Session, case_id: int) -> list[Finding]:
    """The case's findings, earliest first (one query)."""
    return list(
        session.exec(
            select(Finding)
            .join(CaseFinding, col(CaseFinding.finding_id) == col(Finding.id))
            .where(col(CaseFinding.case_id) == case_id)
            .order_by(col(Finding.occurred_at), col(Finding.id))
        )
    )


def rows_of(session: Session, model: type[T], case_id: int, order: Sequence[Any]) -> list[T]:
    """Every row of a per-case table, in the given order."""
    case_col: Any = model.case_id  # type: ignore[attr-defined]
    return list(session.exec(select(model).where(case_col == case_id).order_by(*order)))


def steps(session: Session, case_id: int) -> list[CaseStep]:
    """The case's steps in order."""
    return rows_of(session, CaseStep, case_id, [col(CaseStep.id)])


def proposals(session: Session, case_id: int) -> list[Proposal]:
    """Every proposal revision, oldest first."""
    return rows_of(session, Proposal, case_id, [col(Proposal.revision)])


def latest_proposal(session: Session, case_id: int) -> Proposal | None:
    """The current proposal revision."""
    return session.exec(
        select(Proposal)
        .where(col(Proposal.case_id) == case_id)
        .order_by(col(Proposal.revision).desc())
        .limit(1)
    ).one_or_none()


def approvals(session: Session, case_id: int) -> list[Approval]:
    """Every approval of the case, active and lapsed."""
    return rows_of(session, Approval, case_id, [col(Approval.id)])


def active_approvals(session: Session, proposal_id: int) -> list[Approval]:
    """The approvals of a proposal revision that have not lapsed."""
    return list(
        session.exec(
            select(Approval)
            .where(col(Approval.proposal_id) == proposal_id, col(Approval.lapsed_at).is_(None))
            .order_by(col(Approval.id))
        )
    )


def lapse_approvals(session: Session, case_id: int, at: datetime) -> int:
    """Void every active approval of the case; returns how many lapsed."""
    result = session.exec(
        update(Approval)
        .where(col(Approval.case_id) == case_id, col(Approval.lapsed_at).is_(None))
        .values(lapsed_at=at)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


def approver_ids(session: Session, case_id: int) -> set[int]:
    """Everyone who ever approved a proposal of the case (lapsed approvals included)."""
    return set(session.exec(select(Approval.approver_id).where(col(Approval.case_id) == case_id)))


def one_of(session: Session, model: type[T], case_id: int) -> T | None:
    """The latest row of a per-case table that has at most one live row per case."""
    case_col: Any = model.case_id  # type: ignore[attr-defined]
    id_col: Any = model.id  # type: ignore[attr-defined]
    return session.exec(
        select(model).where(case_col == case_id).order_by(id_col.desc()).limit(1)
    ).one_or_none()


def statement_of(session: Session, case_id: int) -> Statement | None:
    """The statement (or recorded refusal / silence)."""
    return one_of(session, Statement, case_id)


def union_notice_of(session: Session, case_id: int) -> UnionNotice | None:
    """The notice to the trade union."""
    return one_of(session, UnionNotice, case_id)


def appeal_of(session: Session, case_id: int) -> Appeal | None:
    """The appeal."""
    return one_of(session, Appeal, case_id)


def decision_notice(session: Session, case_id: int) -> Notice | None:
    """The decision notice served."""
    return session.exec(
        select(Notice)
        .where(col(Notice.case_id) == case_id, col(Notice.kind) == NoticeKind.DECISION.value)
        .order_by(col(Notice.id).desc())
        .limit(1)
    ).one_or_none()


def notices(session: Session, case_id: int) -> list[Notice]:
    """Every notice served, in order."""
    return rows_of(session, Notice, case_id, [col(Notice.id)])


def annotations(session: Session, case_id: int) -> list[Annotation]:
    """Notes on the case, in order."""
    return rows_of(session, Annotation, case_id, [col(Annotation.id)])


@dataclass(frozen=True)
class CaseRecords:
    """The rows of a case's own tables as plain records for the read model (not entities)."""

    findings: list[Record]
    statement: Record | None
    proposals: list[Record]
    approvals: list[Record]
    notices: list[Record]
    union_notice: Record | None
    appeal: Record | None
    steps: list[Record]
    annotations: list[Record]


def _of_case(model: type[SQLModel], *order: Any) -> Select[Any]:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return core_select(*table.c).where(table.c.case_id == bindparam("case_id")).order_by(*order)


# The case page and GET /api/cases/{id} read all of these on every view: built once, run as
# plain rows (no entity bookkeeping), they cost a third of the ORM queries above.
_FINDING, _LINK = Finding.__table__, CaseFinding.__table__  # type: ignore[attr-defined]
_RECORDS = {
    name: PreparedSelect(stmt)
    for name, stmt in {
        "findings": core_select(*_FINDING.c)
        .join(_LINK, _LINK.c.finding_id == _FINDING.c.id)
        .where(_LINK.c.case_id == bindparam("case_id"))
        .order_by(_FINDING.c.occurred_at, _FINDING.c.id),
        "statement": _of_case(Statement, col(Statement.id).desc()).limit(1),
        "proposals": _of_case(Proposal, col(Proposal.revision)),
        "approvals": _of_case(Approval, col(Approval.id)),
        "notices": _of_case(Notice, col(Notice.id)),
        "union_notice": _of_case(UnionNotice, col(UnionNotice.id).desc()).limit(1),
        "appeal": _of_case(Appeal, col(Appeal.id).desc()).limit(1),
        "steps": _of_case(CaseStep, col(CaseStep.id)),
        "annotations": _of_case(Annotation, col(Annotation.id)),
    }.items()
}
_ONE = frozenset({"statement", "union_notice", "appeal"})


def records(session: Session, case_id: int) -> CaseRecords:
    """Every row of the case's own tables, in their display order (one query per table)."""
    params = {"case_id": case_id}
    found: dict[str, Any] = {}
    conn = session.connection()
    for name, stmt in _RECORDS.items():
        rows = stmt.rows(conn, params)
        found[name] = (rows[0] if rows else None) if name in _ONE else rows
    return CaseRecords(**found)


def list_with_staff(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    rule_code: str | None = None,
    staff_id: int | None = None,
    limit: int = 500,
) -> list[tuple[Case, str, str, str]]:
    """Cases the actor may see with the staff member's name, number and team, newest first."""
    stmt = (
        select(Case, Staff.name, Staff.employee_no, Staff.team)
        .join(Staff, col(Staff.id) == col(Case.staff_id))
        .where(col(Case.office_id) == actor.office_id)
    )
    if actor.role == Role.STAFF:
        stmt = stmt.where(col(Case.staff_id) == (actor.staff_id or -1))
    if status:
        stmt = stmt.where(col(Case.status) == status)
    if rule_code:
        stmt = stmt.where(col(Case.rule_code) == rule_code)
    if staff_id is not None:
        stmt = stmt.where(col(Case.staff_id) == staff_id)
    stmt = stmt.order_by(col(Case.opened_at).desc(), col(Case.id).desc()).limit(limit)
    return [(c, name, no, team) for c, name, no, team in session.exec(stmt)]


def count_by_status(session: Session, actor: Actor) -> dict[str, int]:
    """How many cases the actor may see are in each state (one grouped query)."""
    stmt = (
        select(Case.status, func.count())
        .where(col(Case.office_id) == actor.office_id)
        .group_by(col(Case.status))
    )
    if actor.role == Role.STAFF:
        stmt = stmt.where(col(Case.staff_id) == (actor.staff_id or -1))
    return {status: int(n) for status, n in session.exec(stmt)}
