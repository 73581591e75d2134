"""A list of an office's records by local day and staff member, one page at a time (work
orders here; punches and roster shifts in compliance/attendance/entry.py)."""

from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select
from sqlmodel import SQLModel, col

from compliance.context import Ctx

T = TypeVar("T", bound=SQLModel)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and how many rows there are in all."""

    rows: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one)."""
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Period:
    """Which rows: local days [start, end] (either open) and one staff member or all."""

    start: date | None = None
    end: date | None = None
    staff_id: int | None = None


def paged(
    ctx: Ctx, model: type[T], order: list[Any], period: Period, page: int, per_page: int
) -> Page[T]:
    """The office's rows of `model` (with office_id, staff_id, work_date) in the period."""
    day = col(getattr(model, "work_date"))  # noqa: B009
    where = [col(getattr(model, "office_id")) == ctx.actor.office_id]  # noqa: B009
    if period.start is not None:
        where.append(day >= period.start)
    if period.end is not None:
        where.append(day <= period.end)
    if period.staff_id is not None:
        where.append(col(getattr(model, "staff_id")) == period.staff_id)  # noqa: B009
    total = ctx.session.execute(select(func.count()).select_from(model).where(*where)).scalar()
    page = max(1, min(page, 10_000))
    rows = ctx.session.execute(
        select(model).where(*where).order_by(*order).offset((page - 1) * per_page).limit(per_page)
    ).scalars()
    return Page(list(rows), int(total or 0), page, per_page)
