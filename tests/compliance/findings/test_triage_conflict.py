"""The loser of a confirm-vs-dismiss race is told the state the finding is really in."""

import pytest
from sqlalchemy import text

from compliance.errors import Conflict
from compliance.findings import service
from tests.compliance.findings.test_triage import _manual


def _changed_between_read_and_update(monkeypatch, ctx, to: str) -> None:
    """Someone else triages the finding after this request read it and before it updates."""
    read = service.repository.get

    def get_then_lose_the_race(session, office_id, finding_id):
        row = read(session, office_id, finding_id)
        session.connection().execute(
            text("UPDATE finding SET status = :to WHERE id = :id"), {"to": to, "id": finding_id}
        )
        return row  # still says "open": it was read before the other triage

    monkeypatch.setattr(service.repository, "get", get_then_lose_the_race)


def test_confirming_a_finding_dismissed_meanwhile_names_dismissed(monkeypatch, ctx, office):
    f = _manual(ctx, office)
    _changed_between_read_and_update(monkeypatch, ctx, "dismissed")
    with pytest.raises(Conflict) as caught:
        service.confirm(ctx, f.id)
    assert "now dismissed" in str(caught.value)
    assert caught.value.text("zh") == "该线索已被处理，现为：已驳回"


def test_dismissing_a_finding_confirmed_meanwhile_names_confirmed(monkeypatch, ctx, office):
    f = _manual(ctx, office)
    _changed_between_read_and_update(monkeypatch, ctx, "confirmed")
    with pytest.raises(Conflict) as caught:
        service.dismiss(ctx, f.id, {"reason": "重复"})
    assert "now confirmed" in str(caught.value)
    assert caught.value.text("zh") == "该线索已被处理，现为：已确认"
