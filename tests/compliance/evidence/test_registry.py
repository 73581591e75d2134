"""The evidence registry: every citable kind has one entry, loads stay in the office, and a
new kind is shown and printed by the case page and the dossier without touching them."""

import json
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.dialects import sqlite

from compliance.cases import evidence as case_evidence
from compliance.context import Ctx
from compliance.dossiers import evidence as dossier_evidence
from compliance.dossiers.formatting import Fmt
from compliance.evidence import feedback as feedback_kind
from compliance.evidence import kinds
from compliance.evidence.registry import Printed, PrintJob, Shown
from compliance.feedback.service import record_feedback
from compliance.findings.models import Finding
from compliance.findings.schemas import FindingRead
from policies.vocab import EvidenceKind
from tests.conftest import NOW
from tests.factories import OfficeSet, office_set

ZH = Fmt("zh", ZoneInfo("Asia/Shanghai"))


def test_every_kind_a_finding_can_cite_is_registered_once() -> None:
    keys = [k.key for k in kinds.every()]
    assert len(keys) == len(set(keys))
    # A manual finding may cite no record: its own text is the evidence.
    assert set(keys) == {k.value for k in EvidenceKind} - {EvidenceKind.MANUAL.value}


def test_every_kind_is_printed_by_itself_or_by_the_kind_it_belongs_to() -> None:
    printing = {k.key for k in kinds.every() if k.print is not None}
    for k in kinds.every():
        assert k.print is not None or k.printed_with in printing, k.key
        assert k.label_en and k.page_label and k.noun
        assert k.label("zh") != k.page_label, f"{k.page_label!r} has no Chinese in the catalog"


@pytest.mark.parametrize("kind", kinds.every(), ids=lambda k: k.key)
def test_every_kind_loads_only_from_one_office(kind: kinds.Kind) -> None:
    sql = str(
        kind.query(424242, [7]).compile(
            dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    assert "office_id = 424242" in sql, sql


def _feedback(ctx: Ctx, office: OfficeSet) -> int:
    fb = record_feedback(
        ctx,
        {
            "staff_id": office.staff[0].id,
            "unit_id": office.units[0].id,
            "channel": "visit",
            "category": "attitude",
            "text": "住户反映态度差",
            "occurred_at": NOW - timedelta(days=1),
        },
    )
    return fb.id


def _finding(office: OfficeSet, evidence: list[dict[str, object]]) -> Finding:
    return Finding(
        id=987654,
        office_id=office.office.id,
        staff_id=office.staff[0].id,
        rule_code="R01",
        policy_version="1.0",
        params_digest="0" * 64,
        input_digest="0" * 64,
        source="detector",
        detector="",
        dedupe_key="x",
        occurred_at=NOW,
        explanation_zh="",
        explanation_en="",
        evidence=json.dumps(evidence),
        status="open",
        triage_reason="",
        created_at=NOW,
    )


@pytest.fixture
def elsewhere(ctx: Ctx) -> tuple[Ctx, OfficeSet]:
    other = office_set(ctx.session, code="XYZ")
    return Ctx(ctx.session, other.actor("manager"), ctx.clock, ctx.settings), other


def test_another_offices_record_is_neither_shown_nor_printed(ctx, office, elsewhere) -> None:
    other_ctx, other = elsewhere
    theirs = _feedback(other_ctx, other)
    finding = _finding(office, [{"kind": "feedback", "id": theirs}])
    assert feedback_kind.KIND.load(ctx.session, office.office.id, [theirs]) == {}
    [entry] = case_evidence.timeline(
        ctx.session, office.office.id, [FindingRead.model_validate(finding)]
    )
    assert [i.found for i in entry.items] == [False]
    # The dossier printed it before: its resolver did not filter by office.
    assert dossier_evidence.timeline(ctx.session, ctx.settings, ZH, [finding]) == ()


def test_the_offices_own_record_is_shown_and_printed(ctx, office) -> None:
    mine = _feedback(ctx, office)
    finding = _finding(office, [{"kind": "feedback", "id": mine}])
    [entry] = case_evidence.timeline(
        ctx.session, office.office.id, [FindingRead.model_validate(finding)]
    )
    [item] = entry.items
    assert (item.found, item.code, item.detail) == (
        True,
        ("category", "attitude"),
        "住户反映态度差",
    )
    [printed] = dossier_evidence.timeline(ctx.session, ctx.settings, ZH, [finding])
    assert printed.title == f"住户反馈 #{mine}"


def test_a_new_kind_is_shown_and_printed_from_its_entry_alone(ctx, office, monkeypatch) -> None:
    def show(r: object) -> Shown:
        return Shown(NOW, "shown by the new kind")

    def print_(job: PrintJob) -> list[Printed]:
        rows = complaint.load(job.session, job.office_id, job.refs.get("complaint", set()))
        return [Printed(NOW, i, (f"printed by the new kind {job.printer.dt(NOW)}",)) for i in rows]

    complaint = replace(
        feedback_kind.KIND, key="complaint", page_label="Complaint", show=show, print=print_
    )
    monkeypatch.setattr(kinds, "KINDS", (*kinds.KINDS, complaint))
    mine = _feedback(ctx, office)
    finding = _finding(office, [{"kind": "complaint", "id": mine}])
    [entry] = case_evidence.timeline(
        ctx.session, office.office.id, [FindingRead.model_validate(finding)]
    )
    [item] = entry.items
    assert (item.kind, item.found, item.detail) == ("complaint", True, "shown by the new kind")
    [printed] = dossier_evidence.timeline(ctx.session, ctx.settings, ZH, [finding])
    assert printed.title == f"投诉处理 #{mine}"  # its name from the catalog
    # The dossier adds who recorded it, through the kind's recorder.
    recorder = office.users["manager"].display_name
    assert printed.lines == ("printed by the new kind 2026-03-31 12:00", f"记录人: {recorder}")


def test_a_dossier_is_not_printed_from_a_cited_punch_edited_behind_the_apps_back(
    ctx, office
) -> None:
    """The seal check before printing names each cited record's table through its kind (it
    skipped punches, shifts and whole spot checks, whose kind is not their table's name)."""
    from sqlalchemy import select, text

    from compliance.attendance.models import AttendanceEvent
    from compliance.dossiers.service import RecordsAltered, print_dossier
    from tests.conftest import as_role
    from tests.pdf.helpers import coded_case

    case_id = coded_case(ctx, office, "upheld")
    punch = ctx.session.execute(select(AttendanceEvent.id)).scalars().one()
    ctx.session.connection().execute(
        text("UPDATE attendance_event SET source = 'forged' WHERE id = :i"), {"i": punch}
    )
    ctx.session.commit()
    with pytest.raises(RecordsAltered) as caught:
        print_dossier(as_role(ctx, office, "hr"), case_id)
    assert [(p.table, p.row_id, p.kind) for p in caught.value.problems] == [
        ("attendance_event", punch, "changed")
    ]
