"""The API's case page: rows straight from the database, serialized as the read model is."""

from compliance.cases import read as case_read
from compliance.cases.read import CASE_PAGE, CASE_ROWS
from compliance.cases.schemas import CaseRead
from tests.compliance.cases.helpers import S, act, drive, open_case


def test_rows_serialize_exactly_as_the_validated_read_models(ctx, office):
    # A closed case has every optional field set but effective_at (a dismissal's, of the same
    # column type as notified_at); a fresh case has them empty.
    drive(ctx, office, S.CLOSED, staff=0)
    drive(ctx, office, S.NOTIFIED, staff=0, rule="R01")
    open_case(ctx, office, staff=2)
    hr = act(ctx, office, "hr")
    rows = case_read.case_rows(hr)
    assert len(rows) == 3
    closed = next(r for r in rows if r["status"] == "closed")
    assert [k for k, v in closed.items() if v is None] == ["effective_at"]
    assert set(rows[0]) == set(CaseRead.model_fields)  # the list's fields, nothing more
    assert CASE_ROWS.dump_json(rows) == CASE_PAGE.dump_json(case_read.list_cases(hr))


def test_rows_follow_the_same_filters_as_the_read_models(ctx, office):
    open_case(ctx, office, staff=0)
    b = drive(ctx, office, S.AWAITING_STATEMENT, staff=0, rule="R01")
    hr, staff = act(ctx, office, "hr"), act(ctx, office, "staff")
    assert [r["id"] for r in case_read.case_rows(hr, status="awaiting_statement")] == [b]
    assert [r["id"] for r in case_read.case_rows(staff)] == [
        c.id for c in case_read.list_cases(staff)
    ]
    assert [r["id"] for r in case_read.case_rows(hr, limit=1, offset=1)] == [
        c.id for c in case_read.list_cases(hr)
    ][1:2]
