"""Staff never read the office's internal notes about their own case (issue 12 item 8).

HR's annotations, an approver's justification and the reasons HR gave for the proposed
severity are the office's deliberation. The self-service page never showed them; the case
read model now leaves them out for a staff reader, so no page or JSON route can show them.
"""

import pytest
from fastapi.testclient import TestClient

from compliance.accounts import tokens
from compliance.cases import annotations as case_annotations
from compliance.cases import appeal as case_appeal
from compliance.cases import decision, notice, statement
from compliance.context import Ctx
from compliance.flows import open_case
from compliance.flows import propose as case_propose
from tests.compliance.cases.helpers import S, act, finding
from tests.factories import OfficeSet

ANNOTATION = "HRNOTE-annotation-5b1c"
JUSTIFICATION = "HRNOTE-justification-5b1c"
SEVERITY_REASON = "HRNOTE-severity-reason-5b1c"
MARKERS = (ANNOTATION, JUSTIFICATION, SEVERITY_REASON)


def _case_with_notes(ctx: Ctx, office: OfficeSet, *, served: bool) -> int:
    fid = finding(ctx, office, staff=0)
    case_id = open_case.confirm_into_case(act(ctx, office, "manager"), fid, "属实").id
    statement.request_statement(act(ctx, office, "hr"), case_id)
    statement.submit_statement(act(ctx, office, "staff"), case_id, "我没有看电视")
    case_propose.propose(act(ctx, office, "hr"), case_id, "standard", SEVERITY_REASON)
    decision.approve(act(ctx, office, "hr2"), case_id, JUSTIFICATION)  # not the proposer
    case_annotations.annotate(act(ctx, office, "manager"), case_id, ANNOTATION)
    if served:
        notice.serve_notice(act(ctx, office, "hr"), case_id, "处理决定通知书")
        notice.acknowledge(act(ctx, office, "staff"), case_id)
    return case_id


def _bearer(ctx: Ctx, office: OfficeSet, name: str) -> dict[str, str]:
    mine = Ctx(
        session=ctx.session, actor=office.actor(name), clock=ctx.clock, settings=ctx.settings
    )
    return {"Authorization": f"Bearer {tokens.create_token(mine, {'name': 't'}).token}"}


def _staff_reads(
    browser, client: TestClient, ctx: Ctx, office: OfficeSet, case_id: int
) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every page and JSON route a staff member can read about their own case."""
    headers = _bearer(ctx, office, "staff")
    b = browser("staff")
    out: dict[str, str] = {}
    for url in ("/", "/me", f"/me/cases/{case_id}", "/cases", f"/cases/{case_id}", "/rules"):
        r = b.client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        out[url] = r.text
    client.cookies.clear()
    for url in (
        "/api/me",
        "/api/me/cases",
        "/api/me/findings",
        "/api/cases",
        f"/api/cases/{case_id}",
        f"/api/cases?status={S.APPROVED.value}",
        f"/api/cases?status={S.NOTIFIED.value}",
    ):
        r = client.get(url, headers=headers)
        assert r.status_code == 200, (url, r.status_code)
        out[url] = r.text
    return out


@pytest.mark.parametrize("served", [False, True], ids=["before-service", "served"])
def test_staff_never_read_annotations_justifications_or_severity_reasons(
    browser, client: TestClient, ctx: Ctx, office: OfficeSet, served: bool
):
    case_id = _case_with_notes(ctx, office, served=served)
    # HR reads all three on the case page and in the JSON detail (the notes exist).
    hr_page = browser("hr").client.get(f"/cases/{case_id}").text
    client.cookies.clear()
    hr_json = client.get(f"/api/cases/{case_id}", headers=_bearer(ctx, office, "hr")).text
    for marker in MARKERS:
        assert marker in hr_page and marker in hr_json
    reads = _staff_reads(browser, client, ctx, office, case_id)
    for url, body in reads.items():
        for marker in MARKERS:
            assert marker not in body, (url, marker)
    detail = client.get(f"/api/cases/{case_id}", headers=_bearer(ctx, office, "staff")).json()
    assert detail["annotations"] == []
    assert [a["justification"] for a in detail["approvals"]] == ([""] if served else [])
    assert detail["case"]["severity_reason"] == ""
    if served:
        # What was decided and served stays theirs to read.
        assert detail["case"]["severity"] == "standard"
        assert detail["proposals"] and detail["proposals"][-1]["outcomes"]
        assert detail["proposals"][-1]["reasoning"] == {}
        assert "处理决定通知书" in reads[f"/me/cases/{case_id}"]
    else:
        assert detail["case"]["severity"] is None and detail["proposals"] == []


def test_staff_read_their_appeal_decision_and_the_history_of_what_they_did(
    browser, client: TestClient, ctx: Ctx, office: OfficeSet
):
    case_id = _case_with_notes(ctx, office, served=True)
    case_appeal.appeal(act(ctx, office, "staff"), case_id, "处理过重")
    case_appeal.decide_appeal(act(ctx, office, "director"), case_id, "upheld", "维持原处理")
    detail = client.get(f"/api/cases/{case_id}", headers=_bearer(ctx, office, "staff")).json()
    notes = {s["action"]: s["note"] for s in detail["steps"]}
    assert notes["appeal"] == "处理过重" and "维持原处理" in notes["decide_appeal"]
    assert notes["propose"] == "" and notes["approve"] == ""
    assert detail["appeal"]["reasoning"] == "维持原处理"
