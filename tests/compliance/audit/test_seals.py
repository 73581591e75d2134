"""Row seals: a business row changed, deleted or added behind the app's back is reported
by `audit verify` with its table, id and the last audit event it was lawfully written under."""

from sqlalchemy import select, text
from sqlmodel import Session

from compliance.audit import seal_check, seals
from compliance.audit.models import AuditHead
from compliance.cases.models import Case
from compliance.dossiers.models import Dossier
from compliance.dossiers.service import print_dossier
from compliance.feedback.models import Feedback
from compliance.pay.models import Instalment
from tests.conftest import as_role
from tests.pdf.helpers import typical_case


def _verify(session: Session) -> seal_check.RowsReport:
    return seal_check.verify_rows(session.connection())


def _tamper(session: Session, sql: str, **params: object) -> None:
    """A write the app never made: plain SQL on the database."""
    session.connection().execute(text(sql), params)


def _kinds(report: seal_check.RowsReport) -> set[tuple[str, int, str]]:
    return {(p.table, p.row_id, p.kind) for p in report.problems}


def test_every_row_the_app_writes_is_sealed_and_verifies(ctx, office):
    typical_case(ctx, office, feedback=2, photos=1)
    report = _verify(ctx.session)
    assert report.ok, [p.describe() for p in report.problems]
    assert report.links > 0 and report.rows > 30
    head = ctx.session.execute(select(AuditHead)).scalar_one()
    assert (report.head_seq, report.head_hash) == (head.seal_seq, head.seal_hash)


def test_raw_edits_of_feedback_severity_and_instalment_are_reported(ctx, office):
    case_id = typical_case(ctx, office, feedback=2, photos=1)
    s = ctx.session
    fb = s.execute(select(Feedback.id).order_by(Feedback.id)).scalars().first()
    inst = s.execute(select(Instalment.id).order_by(Instalment.id)).scalars().first()
    assert fb is not None and inst is not None
    _tamper(s, "UPDATE feedback SET text = '住户表扬' WHERE id = :i", i=fb)
    _tamper(s, "UPDATE case_file SET severity = 'minor' WHERE id = :i", i=case_id)
    _tamper(s, "UPDATE instalment SET amount_fen = amount_fen + 1 WHERE id = :i", i=inst)
    report = _verify(s)
    assert not report.ok
    assert _kinds(report) == {
        ("feedback", fb, "changed"),
        ("case_file", case_id, "changed"),
        ("instalment", inst, "changed"),
    }
    head_seq = s.execute(select(AuditHead.seq)).scalar_one()
    for p in report.problems:
        assert p.audit_seq is not None and 0 < p.audit_seq <= head_seq
        assert "changed outside the app" in p.describe()
        assert f"audit event {p.audit_seq}" in p.describe()


def test_raw_edit_of_a_dossier_hash_is_reported(ctx, office):
    case_id = typical_case(ctx, office, feedback=1, photos=0)
    hr = as_role(ctx, office, "hr")
    _data, rec = print_dossier(hr, case_id)
    assert _verify(ctx.session).ok
    _tamper(ctx.session, "UPDATE dossier SET sha256 = :h WHERE id = :i", h="0" * 64, i=rec.id)
    report = _verify(ctx.session)
    assert _kinds(report) == {("dossier", rec.id, "changed")}
    # The last lawful write of the dossier row is the print: its dossier.issued event.
    (problem,) = report.problems
    assert problem.audit_seq == rec.chain_seq + 1 or problem.audit_seq is not None


def test_a_deleted_row_is_reported_as_deleted(ctx, office):
    case_id = typical_case(ctx, office, feedback=2, photos=0)
    s = ctx.session
    last = s.execute(select(Feedback.id).order_by(Feedback.id.desc())).scalars().first()  # type: ignore[union-attr]
    _tamper(s, "DELETE FROM case_finding WHERE case_id = :c", c=case_id)
    report_before = _verify(s)
    assert {p.kind for p in report_before.problems} == {"deleted"}
    assert all(p.table == "case_finding" for p in report_before.problems)
    assert last is not None


def test_a_row_inserted_behind_the_apps_back_is_unsealed(ctx, office):
    typical_case(ctx, office, feedback=1, photos=0)
    s = ctx.session
    row = s.execute(select(Feedback)).scalars().first()
    assert row is not None
    cols = [c.name for c in Feedback.__table__.columns if c.name not in ("id", "text")]  # type: ignore[attr-defined]
    listed = ", ".join(cols)
    _tamper(
        s,
        f"INSERT INTO feedback ({listed}, text) SELECT {listed}, '伪造的投诉' FROM feedback"
        " WHERE id = :i",
        i=row.id,
    )
    report = _verify(s)
    (problem,) = report.problems
    assert (problem.table, problem.kind, problem.seal_seq) == ("feedback", "unsealed", None)
    assert "written outside the app" in problem.describe()


def test_a_conditional_update_through_the_app_is_resealed(ctx, office):
    """A use case's `UPDATE ... WHERE status = ...` bypasses the unit of work; still sealed."""
    case_id = typical_case(ctx, office, feedback=1, photos=0, execute=False)
    approver = as_role(ctx, office, "hr2")  # HR ("hr") proposed it
    from compliance.cases import decision

    decision.approve(approver, case_id, "依员工守则处理")
    assert ctx.session.get(Case, case_id) is not None
    report = _verify(ctx.session)
    assert report.ok, [p.describe() for p in report.problems]


def test_dossier_rows_are_sealed_with_their_print(ctx, office):
    case_id = typical_case(ctx, office, feedback=1, photos=0)
    _data, rec = print_dossier(as_role(ctx, office, "hr"), case_id)
    row = ctx.session.get(Dossier, rec.id)
    assert row is not None and _verify(ctx.session).ok


def test_a_seal_link_added_without_the_key_does_not_launder_an_edit(ctx, office):
    """One who can write the database re-seals the row he edited: the link is not keyed."""
    import json
    from datetime import UTC, datetime

    typical_case(ctx, office, feedback=1, photos=0)
    s = ctx.session
    fb = s.execute(select(Feedback).order_by(Feedback.id)).scalars().first()
    assert fb is not None
    _tamper(s, "UPDATE feedback SET text = '住户表扬' WHERE id = :i", i=fb.id)
    row = s.connection().execute(select(Feedback.__table__).where(Feedback.id == fb.id)).one()  # type: ignore[attr-defined]
    head = s.execute(select(AuditHead)).scalar_one()
    payload = json.dumps([["feedback", fb.id, seals.row_hash("feedback", row._mapping)]])
    at = datetime(2026, 3, 31, 5, tzinfo=UTC)
    forged = seals.seal_hash(
        seq=head.seal_seq + 1,
        at=at,
        audit_seq=head.seq,
        payload=payload,
        prev_hash=head.seal_hash,
        key=b"a guess at the key",
    )
    _tamper(
        s,
        "INSERT INTO row_seal (seq, at, audit_seq, payload, prev_hash, hash)"
        " VALUES (:q, :at, :a, :p, :prev, :h)",
        q=head.seal_seq + 1,
        at=at.replace(tzinfo=None) if s.get_bind().dialect.name == "sqlite" else at,
        a=head.seq,
        p=payload,
        prev=head.seal_hash,
        h=forged,
    )
    _tamper(s, "UPDATE audit_head SET seal_seq = :q, seal_hash = :h", q=head.seal_seq + 1, h=forged)
    report = _verify(s)
    assert not report.ok
    assert "made without the office's key" in report.chain_error


def test_seal_baseline_seals_once_only_the_rows_from_before_sealing(fresh_engine):
    """An upgraded database: rows written before migration 0011 are sealed once, up to the
    ids the migration recorded; a row added later behind the app's back stays unsealed."""
    insert_office = (
        "INSERT INTO office (code, name, timezone, city, created_at)"
        " VALUES (:c, '管理处', 'Asia/Shanghai', '深圳', '2026-01-01 00:00:00')"
    )
    with fresh_engine.begin() as conn:
        conn.execute(text(insert_office), {"c": "OLD"})
        conn.execute(text("INSERT INTO seal_baseline (table_name, max_id) VALUES ('office', 1)"))
    with fresh_engine.begin() as conn:
        conn.execute(text(insert_office), {"c": "NEW"})
        assert {p.kind for p in seal_check.verify_rows(conn).problems} == {"unsealed"}
        assert seal_check.seal_baseline(conn) == 1
        assert seal_check.seal_baseline(conn) == 0  # once
        report = seal_check.verify_rows(conn)
    assert [(p.table, p.row_id, p.kind) for p in report.problems] == [("office", 2, "unsealed")]


def test_rows_flushed_under_an_outer_connection_transaction_are_sealed(fresh_engine):
    """The demo load's shape: savepoint sessions inside one Connection transaction, the last
    writes only flushed, the whole committed on the Connection."""
    from tests.factories import office_set

    with fresh_engine.connect() as conn:
        outer = conn.begin()
        session = Session(bind=conn, join_transaction_mode="create_savepoint")
        office = office_set(session)
        session.commit()  # a savepoint: sealed here
        office.users["hr"].display_name = "人事 王"
        session.flush()  # never committed through the session
        outer.commit()
        session.close()
    with fresh_engine.connect() as conn:
        report = seal_check.verify_rows(conn)
    assert report.ok, [p.describe() for p in report.problems]
    assert report.links == 2


def test_a_dossier_is_not_printed_from_records_edited_behind_the_apps_back(ctx, office):
    """Re-printing after a raw edit would make a genuine-looking dossier of forged data."""
    import pytest

    from compliance.dossiers.service import RecordsAltered

    case_id = typical_case(ctx, office, feedback=2, photos=0)
    hr = as_role(ctx, office, "hr")
    _data, first = print_dossier(hr, case_id)  # untouched records print
    fb = ctx.session.execute(select(Feedback.id).order_by(Feedback.id)).scalars().first()
    _tamper(ctx.session, "UPDATE feedback SET text = '住户表扬' WHERE id = :i", i=fb)
    ctx.session.commit()
    with pytest.raises(RecordsAltered) as caught:
        print_dossier(hr, case_id)
    assert [(p.table, p.row_id, p.kind) for p in caught.value.problems] == [
        ("feedback", fb, "changed")
    ]
    assert "曾在系统之外被改动" in caught.value.text("zh")
    assert ctx.session.execute(select(Dossier.id)).scalars().all() == [first.id]
