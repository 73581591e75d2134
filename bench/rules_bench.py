"""How long the heaviest rules take on large inputs, in memory (no database).

R10 over 20,000 feedback reports and R12 over 5,000 tip lines with 20,000 reports: both
index their inputs, so a year's data takes well under the 5 s target; an accidental scan of
every pair would take minutes. (The tests check what these runs find; timing is here.)
"""

import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from policies import registry
from policies.base import Decision
from tests.policies.builders import T0, bundle, many_feedback, many_tips

RUNS = 3
TARGET_S = 5.0


def _timed(detect: Callable[[], list[Decision]]) -> float:
    """The median wall time of RUNS runs, in seconds."""
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        detect()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _fig(seconds: float) -> dict[str, Any]:
    return {
        "value": round(seconds, 3),
        "unit": "s",
        "target": f"< {TARGET_S:g}",
        "ok": seconds < TARGET_S,
    }


def run() -> dict[str, dict[str, Any]]:
    """The figures: R10 and R12 detection times."""
    reports = bundle(feedback=many_feedback(20_000, seed=10))
    lines, tip_reports = many_tips(5_000, seed=12)
    tips = bundle(feedback=tip_reports, tip_lines=lines, as_of=T0 + timedelta(days=200))
    r10, r12 = registry.get("R10"), registry.get("R12")
    return {
        "rule_r10_20k_reports_s": _fig(_timed(lambda: r10.detect(reports))),
        "rule_r12_5k_tips_20k_reports_s": _fig(_timed(lambda: r12.detect(tips))),
    }


if __name__ == "__main__":
    for name, fig in run().items():
        print(name, fig)
