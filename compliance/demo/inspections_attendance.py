"""Demo generator, last layer: spot checks, the roster and attendance punches."""

from datetime import timedelta

from compliance.attendance.models import AttendanceEvent, PunchKind, RosterShift
from compliance.demo import names as N
from compliance.demo.builder import (
    A_MINUTE,
    CHUNK,
    HOUR,
    MIN,
    SHIFT_END,
    SHIFT_START,
    Row,
    StaffPlan,
    pick_labels,
)
from compliance.demo.feedback_tips import FeedbackBuilder
from compliance.inspections.models import SpotCheck, SpotCheckItem
from policies import registry
from policies.vocab import ItemResult

# Checklist items that only apply when the check is at a home, not in a public area.
HOME_ONLY = frozenset(
    {"knock_before_entry", "ring_duration", "ring_interval", "no_facility_use"}
    | {"no_outsiders", "no_gossip", "left_promptly"}
)


class OfficeBuilder(FeedbackBuilder):
    """The whole generator: adds spot checks, then streams the roster and attendance."""

    def spot_checks(self) -> None:
        """Unannounced inspections with every checklist item answered."""
        rng, rates, m = self.rng, self.rates, self.rates.min_each
        n = max(8 * m, round(rates.spot_checks * self.shift_days))
        checks: list[Row] = []
        for _ in range(n):
            s = rng.choice(self.staff)
            when = self.local.at(self.shift_day(s), rng.randint(540, 990) * MIN)
            home = rng.random() < 0.65
            area = rng.choice(N.AREAS)
            if area in ("大堂", "电梯厅"):
                area = f"{rng.randint(1, self.buildings)}栋{area}"
            inspector = self.users["manager"] if rng.random() < 0.7 else self.users["director"]
            checks.append(
                {
                    "office_id": self.office_id,
                    "staff_id": s.id,
                    "inspector_id": inspector,
                    "unit_id": self.unit() if home else None,
                    "area": "" if home else area,
                    "checked_at": when,
                    "work_date": when.astimezone(self.local.tz).date(),
                    "notes": "",
                    "created_at": when + timedelta(minutes=rng.randint(5, 30)),
                }
            )
        checks.sort(key=lambda r: r["checked_at"])
        at_home = [i for i, c in enumerate(checks) if c["unit_id"] is not None]
        specs = [
            ("long_ring", rates.long_ring, m),
            ("ring_at_limit", rates.boundary, 2),
            ("short_gap", rates.short_gap, m),
            ("gap_at_limit", rates.boundary, 2),
        ]
        labels = dict(zip(at_home, pick_labels(rng, len(at_home), specs), strict=True))
        answers = [self._answers(labels.get(i), c) for i, c in enumerate(checks)]
        ids = self.insert_ids(SpotCheck, checks)
        items = [
            item | {"spot_check_id": cid}
            for cid, rows in zip(ids, answers, strict=True)
            for item in rows
        ]
        self.insert(SpotCheckItem, items)

    def _answers(self, label: str | None, check: Row) -> list[Row]:
        """One answer per checklist item; away from a home the entry items do not apply."""
        rng, rates = self.rng, self.rates
        max_ring = self.r03["max_ring_seconds"]
        min_gap = self.r03["min_ring_gap_seconds"]
        rows = []
        for item in registry.checklist_items():
            observed: int | None = None
            if label is None and item.key in HOME_ONLY:
                result = ItemResult.NA
            elif item.key == "ring_duration":
                if label == "long_ring":
                    observed = rng.randint(max_ring + 1, max_ring * 2)
                elif label == "ring_at_limit":
                    observed = max_ring
                else:
                    observed = rng.randint(min(3, max_ring), min(60, max_ring))
                result = ItemResult.FAIL if observed > max_ring else ItemResult.PASS
            elif item.key == "ring_interval":
                if label == "short_gap" and min_gap > 0:
                    observed = rng.randint(0, min_gap - 1)
                elif label == "gap_at_limit":
                    observed = min_gap
                else:
                    observed = rng.randint(min_gap + 1, min_gap + 25)
                result = ItemResult.FAIL if observed < min_gap else ItemResult.PASS
            else:
                result = ItemResult.FAIL if rng.random() < rates.item_fail else ItemResult.PASS
            note = ""
            if result is ItemResult.FAIL:
                note = N.ITEM_FAIL_NOTES.get(item.key, "不符合要求")
                if observed is not None:
                    note += f"(实测 {observed} 秒)"
            rows.append(
                {
                    "rule_code": item.rule_code,
                    "item_key": item.key,
                    "result": result.value,
                    "observed": observed,
                    "note": note,
                }
            )
        failed = any(r["result"] == ItemResult.FAIL.value for r in rows)
        check["notes"] = rng.choice(N.SPOT_NOTES_FAIL if failed else N.SPOT_NOTES_PASS)
        return rows

    # -- roster and attendance (streamed) ----------------------------------------------

    def attendance(self) -> None:
        """Roster shifts and office punches day by day, with R02 breaches on field days."""
        rng, rates, at, day = self.rng, self.rates, self.local.at, self.local.day
        m, b = rates.min_each, rates.boundary
        keys = sorted(
            k
            for k in self.field_first
            if k not in self.overtime_days and self.staff[k[0]].shifts[k[1]]
        )
        specs = [
            ("no_check_in", rates.no_check_in, m),
            ("late_check_in", rates.late_check_in, m),
            ("check_in_at_job", b, 1),
            ("no_sign_back", rates.no_sign_back, m),
            ("late_sign_back", rates.late_sign_back, m),
            ("sign_back_at_limit", b, 1),
        ]
        labels = dict(zip(keys, pick_labels(rng, len(keys), specs), strict=True))
        grace = self.r02["signback_grace_minutes"] * MIN
        usual_back = max(1, min(50 * MIN, grace - MIN))
        manager = self.users["manager"]
        roster: list[Row] = []
        punches: list[Row] = []

        def punch(s: StaffPlan, d: int, kind: PunchKind, t: int) -> None:
            when = at(d, t)
            manual = rng.random() < 0.02  # keyed in by the manager after a clock fault
            punches.append(
                {
                    "office_id": self.office_id,
                    "staff_id": s.id,
                    "kind": kind.value,
                    "at": when,
                    "work_date": day(d),
                    "source": "manual" if manual else "clock",
                    "created_at": min(self.now, when + 90 * A_MINUTE) if manual else when,
                    "created_by": manager if manual else None,
                }
            )

        for d in range(self.days):
            work_date = day(d)
            published = at(d - work_date.weekday() - 3, 16 * HOUR)
            start, end = at(d, SHIFT_START), at(d, SHIFT_END)
            for s in self.staff:
                if d < s.first_day:
                    continue
                key = (s.idx, d)
                first = self.field_first.get(key)
                if s.shifts[d]:
                    roster.append(
                        {
                            "office_id": self.office_id,
                            "staff_id": s.id,
                            "work_date": work_date,
                            "start_at": start,
                            "end_at": end,
                            "created_at": published,
                            "created_by": manager,
                        }
                    )
                    label = labels.get(key, "")
                    forgot = first is None and rng.random() < 0.01
                    if label == "late_check_in" and first is not None:
                        punch(s, d, PunchKind.CHECK_IN, first + rng.randint(5, 40) * MIN)
                    elif label == "check_in_at_job" and first is not None:
                        punch(s, d, PunchKind.CHECK_IN, first)
                    elif label != "no_check_in" and not forgot:
                        punch(s, d, PunchKind.CHECK_IN, 8 * HOUR + rng.randint(0, 28 * MIN + 59))
                    if label == "late_sign_back":
                        punch(
                            s, d, PunchKind.SIGN_BACK, SHIFT_END + grace + rng.randint(1, 120) * MIN
                        )
                    elif label == "sign_back_at_limit":
                        punch(s, d, PunchKind.SIGN_BACK, SHIFT_END + grace)
                    elif label != "no_sign_back" and not (first is None and rng.random() < 0.01):
                        back = SHIFT_END + rng.randint(60, usual_back)
                        punch(s, d, PunchKind.SIGN_BACK, back)
                        last = self.field_last.get(key, back)
                        if key in self.overtime_days and last > back:
                            # R02 asks for a sign-back after the duty's last job, the
                            # evening's overtime job included.
                            punch(s, d, PunchKind.SIGN_BACK, last + 10 * MIN)
                elif first is not None:  # overtime on a rest day: report in first, back after
                    punch(s, d, PunchKind.CHECK_IN, first - rng.randint(15, 40) * MIN)
                    last = self.field_last.get(key, first)
                    punch(s, d, PunchKind.SIGN_BACK, last + rng.randint(10, 30) * MIN)
            if len(punches) >= CHUNK:
                self.insert(AttendanceEvent, punches)
                punches = []
            if len(roster) >= CHUNK:
                self.insert(RosterShift, roster)
                roster = []
        self.insert(RosterShift, roster)
        self.insert(AttendanceEvent, punches)
