"""Records the page and API tests need."""

from datetime import timedelta

from compliance.context import Ctx
from compliance.findings.schemas import FindingRead
from compliance.findings.service import raise_manual
from tests.conftest import NOW
from tests.factories import OfficeSet

XSS = "<script>alert(1)</script>"


def manual_finding(
    ctx: Ctx, office: OfficeSet, note: str = "住户反映使用电视", days: int = 2
) -> FindingRead:
    """An open R05 finding raised by hand (no evidence record needed)."""
    return raise_manual(
        ctx,
        {
            "rule_code": "R05",
            "staff_id": office.staff[0].id,
            "occurred_at": NOW - timedelta(days=days),
            "note": note,
        },
    )


def feedback_form(office: OfficeSet, **over: str) -> dict[str, str]:
    """A valid feedback form as a browser would post it (times in Shanghai, yuan)."""
    form = {
        "staff_id": str(office.staff[0].id),
        "unit_id": str(office.units[0].id),
        "channel": "phone",
        "category": "tip_reported",
        "satisfaction": "",
        "text": "住户说维修工收了小费",
        "amount": "12.50",
        "occurred_at": "2026-03-30T10:00",
    }
    form.update(over)
    return form
