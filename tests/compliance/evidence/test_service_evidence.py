"""A work order, its steps and a call cited by a service-clock finding are named in words: the
order by its number (FW-…) with its kind and unit, a step by its action, time and who, a call
by its time and rings; never by internal ids alone."""

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from compliance.dossiers import evidence as dossier_evidence
from compliance.dossiers.formatting import Fmt
from compliance.findings import evidence as finding_evidence
from compliance.findings.models import Finding
from compliance.findings.schemas import FindingRead
from compliance.service.models import ServiceCall, ServiceEvent, ServiceOrder
from tests.conftest import NOW
from tests.factories import OfficeSet

ZH = Fmt("zh", ZoneInfo("Asia/Shanghai"))


def _records(ctx, office: OfficeSet) -> tuple[int, int, int]:
    s = ctx.session
    at = NOW - timedelta(days=1)
    o = ServiceOrder(
        office_id=office.office.id, number="FW-2026-000028", kind="repair", channel="phone",
        unit_id=office.units[0].id, received_at=at, created_at=at, description="厨房漏水",
    )  # fmt: skip
    s.add(o)
    s.flush()
    e = ServiceEvent(
        office_id=office.office.id, order_id=o.id, action="reply", at=at + timedelta(hours=2),
        staff_id=office.staff[0].id, recorded_at=at,
    )  # fmt: skip
    c = ServiceCall(office_id=office.office.id, called_at=at, rings=5, created_at=at)
    s.add_all([e, c])
    s.flush()
    assert o.id and e.id and c.id
    return o.id, e.id, c.id


def _finding(office: OfficeSet, refs: list[dict[str, object]]) -> Finding:
    return Finding(
        id=987655, office_id=office.office.id, staff_id=office.staff[0].id, rule_code="R01",
        policy_version="1.0", params_digest="0" * 64, input_digest="0" * 64, source="detector",
        detector="", dedupe_key="x", occurred_at=NOW, explanation_zh="", explanation_en="",
        evidence=json.dumps(refs), status="open", triage_reason="", created_at=NOW,
    )  # fmt: skip


def test_service_evidence_is_named_in_words_on_the_findings_pages_and_dossier(ctx, office):
    order, step, call = _records(ctx, office)
    refs = [
        {"kind": "service_order", "id": order},
        {"kind": "service_event", "id": step},
        {"kind": "service_call", "id": call},
    ]
    finding = _finding(office, refs)
    [lines] = finding_evidence.summaries(ctx, [FindingRead.model_validate(finding)], "zh").values()
    o, e, c = lines
    staff = office.staff[0].name
    local = (NOW - timedelta(days=1)).astimezone(ctx.tz)
    assert (o.kind_label, o.ref, o.href) == (
        "服务工作单",
        "FW-2026-000028",
        f"/service/orders/{order}",
    )
    assert o.text == f"FW-2026-000028 · 维修 · {office.units[0].building} {office.units[0].room}"
    step_at = (local + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    assert e.text == f"答复住户 {step_at} · {staff}" and e.ref == "" and e.href == ""
    assert c.text == f"{local.strftime('%Y-%m-%d %H:%M')} · 响铃 5 声"
    en = finding_evidence.summaries(ctx, [FindingRead.model_validate(finding)], "en")
    assert "Reply to the resident" in en[finding.id][1].text
    printed = dossier_evidence.timeline(ctx.session, ctx.settings, ZH, [finding])
    text = "\n".join(line for p in printed for line in p.lines)
    assert "FW-2026-000028" in text and staff in text and "5" in text
