"""The amount an R12 case proposes to hand over agrees with what the detectors found."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from compliance.cases.proposal_facts import _concealed_tip
from policies.vocab import EvidenceKind

T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
H = timedelta(hours=1)


def _report(amount):
    return SimpleNamespace(category="tip_reported", amount_fen=amount, occurred_at=T0)


def _line(amount, declared_at, handed_over_at):
    return SimpleNamespace(
        amount_fen=amount, declared_at=declared_at, handed_over_at=handed_over_at
    )


def _amount(report, line):
    refs = {EvidenceKind.FEEDBACK: {1} if report else set(), EvidenceKind.TIP_LINE: {9}}
    return _concealed_tip(refs, {1: report} if report else {}, {9: line}, 48)


@pytest.mark.parametrize(
    ("report", "line", "amount"),
    [
        # Declared ¥100 in time of a reported ¥300: ¥200 kept quiet (the ¥100 not yet
        # handed over is the tip line's own finding).
        (_report(30_000), _line(10_000, T0 + H, None), 20_000),
        # Declared only after the deadline, handed over later still: all of it kept quiet.
        (_report(10_000), _line(10_000, T0 + 72 * H, T0 + 73 * H), 10_000),
        # Handed over in time, declaration typed in later: the handover is the declaration.
        (_report(10_000), _line(10_000, T0 + 100 * H, T0 + 2 * H), 0),
        # A declared tip found on its own: what is still to be handed over.
        (None, _line(8_800, T0, None), 8_800),
        (None, _line(8_800, T0, T0 + 49 * H), 0),
        # A report without an amount: the reviewer establishes it.
        (_report(None), _line(8_800, T0, None), None),
    ],
    ids=[
        "part declared in time",
        "declared after the deadline",
        "handed over in time",
        "line only, kept",
        "line only, handed late",
        "report without amount",
    ],
)
def test_the_amount_to_hand_over(report, line, amount):
    assert _amount(report, line) == amount
