"""One answer of a spot check's checklist as evidence; the dossier prints it with its check."""

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from compliance.evidence.registry import N_, Kind, Shown
from compliance.inspections.models import SpotCheck, SpotCheckItem


def _query(office_id: int, ids: Collection[int]) -> Select[*tuple[Any, ...]]:
    # An item has no office of its own: its spot check's.
    return (
        select(SpotCheckItem, SpotCheck)
        .join(SpotCheck, col(SpotCheck.id) == col(SpotCheckItem.spot_check_id))
        .where(col(SpotCheckItem.id).in_(ids), col(SpotCheck.office_id) == office_id)
    )


def _show(row: tuple[SpotCheckItem, SpotCheck]) -> Shown:
    item, check = row
    obs = f" ({item.observed})" if item.observed is not None else ""
    return Shown(check.checked_at, f"{item.item_key}: {item.result}{obs} {item.note}".strip())


KIND = Kind(
    key="spot_check_item",
    model=SpotCheckItem,
    label_en="Spot-check item",
    page_label=N_("Spot-check item"),
    noun="spot check",
    query=_query,
    show=_show,
    recorder=lambda row: row[1].inspector_id,
    print=None,
    printed_with="inspection",
)
