"""Demo generator, third layer: residents' feedback, tip lines and their receipts."""

from datetime import datetime, timedelta

from compliance.counters.models import Counter
from compliance.demo import names as N
from compliance.demo.builder import A_MINUTE, MIN, JobPlan, Row, pick_labels
from compliance.demo.jobs import JobsBuilder
from compliance.tips.models import TipLine
from policies.vocab import FeedbackCategory as Cat
from policies.vocab import FeedbackChannel as Chan
from policies.vocab import Satisfaction

# Feedback a resident can give about anyone; return visits and tip reports are made from
# actual jobs and tips instead.
MIX: tuple[tuple[Cat, float], ...] = (
    (Cat.PRAISE, 0.30),
    (Cat.OTHER, 0.08),
    (Cat.ATTITUDE, 0.06),
    (Cat.INCOMPETENT, 0.04),
    (Cat.FACILITY_USE, 0.02),
    (Cat.OUTSIDERS, 0.02),
    (Cat.PRIVACY, 0.02),
    (Cat.LINGERING, 0.02),
    (Cat.SOLICITATION, 0.01),
    (Cat.THEFT, 0.005),
)
BREACH_CATEGORIES = frozenset(
    {Cat.ATTITUDE, Cat.FACILITY_USE, Cat.OUTSIDERS, Cat.PRIVACY, Cat.LINGERING}
    | {Cat.SOLICITATION, Cat.THEFT}
)
RETURN_VISIT_SHARE = 0.30
TIP_YUAN = (20, 50, 50, 100, 100, 100, 200, 200, 300, 500, 800)
CLAIM_YUAN = (50, 100, 200, 300, 500, 800, 1500, 3000)


class FeedbackBuilder(JobsBuilder):
    """Adds return visits, complaints, incompetence reports, tips and tip reports."""

    def return_visits(self, jobs: list[JobPlan], n: int) -> list[Row]:
        """Return visits after finished jobs, with the resident's rating."""
        rng = self.rng
        eligible = [
            j
            for j in jobs
            if j.row["done_at"] is not None
            and j.row["done_date"] == j.row["work_date"]
            and j.day + 3 < self.days
        ]
        chosen = rng.sample(eligible, min(n, len(eligible)))
        specs = [("unsatisfied", self.rates.unsatisfied, self.rates.min_each), ("basic", 0.15, 0)]
        rows = []
        for j, label in zip(chosen, pick_labels(rng, len(chosen), specs), strict=True):
            when = self.local.at(j.day + rng.randint(1, 3), rng.randint(600, 960) * MIN)
            rating = {"unsatisfied": Satisfaction.UNSATISFIED, "basic": Satisfaction.BASIC}.get(
                label, Satisfaction.SATISFIED
            )
            text = rng.choice(N.RETURN_VISIT_TEXTS[rating.value]).format(who=self.who(j.staff))
            cat = Cat.PRAISE if rating is Satisfaction.SATISFIED else Cat.OTHER
            rows.append(
                self.feedback(
                    j.staff, j.unit_id, cat, Chan.RETURN_VISIT, when, text,
                    satisfaction=rating, delay=timedelta(0),
                )
            )  # fmt: skip
        return rows

    def complaints(self, total: int) -> list[Row]:
        """Praise, complaints and reports about anyone, home-job staff more often."""
        rng, m = self.rng, self.rates.min_each
        cum: list[float] = []
        acc = 0.0
        for s in self.staff:
            acc += s.weight + 0.3
            cum.append(acc)
        channels, channel_weights = (Chan.PHONE, Chan.VISIT, Chan.WRITTEN), (5, 3, 2)
        rows = []
        for cat, share in MIX:
            n = round(share * total)
            if cat in BREACH_CATEGORIES:
                n = max(n, m)
            for _ in range(n):
                s = rng.choices(self.staff, cum_weights=cum)[0]
                occurred = self.local.at(self.shift_day(s), rng.randint(540, 1020) * MIN)
                template = N.feedback_template(rng, cat.value, s.team)
                yuan = rng.choice(CLAIM_YUAN) if "{amount}" in template else None
                text = template.format(who=self.who(s), amount=yuan)
                channel = rng.choices(channels, channel_weights)[0]
                rows.append(
                    self.feedback(
                        s, self.unit(), cat, channel, occurred, text,
                        amount_fen=None if yuan is None else yuan * 100,
                        delay=timedelta(hours=rng.randint(0, 72)),
                    )
                )  # fmt: skip
        return rows

    def incompetence(self) -> list[Row]:
        """Clusters of 'incompetent' reports that reach the R10 threshold, and near misses."""
        rng, m = self.rng, self.rates.min_each
        k = max(m, round(self.rates.incompetence_clusters * len(self.staff)))
        pool = [s for s in self.staff if s.weight >= 1] or self.staff
        rows = []
        for n, s in enumerate(rng.sample(pool, min(len(pool), 2 * k))):
            span = min(60, self.days - 1 - s.first_day)
            first = rng.randint(s.first_day, self.days - 1 - span)
            a, b = rng.sample(self.unit_ids, 2)
            if n < k:  # three or four reports from at least two households: a breach
                units = [a, b, rng.choice((a, b, self.unit()))] + [self.unit()] * rng.randint(0, 1)
            elif n % 2:  # three reports, all from one household: not enough households
                units = [a, a, a]
            else:  # two households, two reports: not enough reports
                units = [a, b]
            for unit_id, offset in zip(
                units, sorted(rng.randint(0, span) for _ in units), strict=True
            ):
                occurred = self.local.at(first + offset, rng.randint(540, 1020) * MIN)
                text = N.feedback_text(rng, "incompetent", s.team, self.who(s))
                rows.append(
                    self.feedback(
                        s, unit_id, Cat.INCOMPETENT, rng.choice((Chan.PHONE, Chan.WRITTEN)),
                        occurred, text, delay=timedelta(hours=rng.randint(1, 48)),
                    )
                )  # fmt: skip
        return rows

    def tips(self, jobs: list[JobPlan]) -> list[Row]:
        """Tip lines with gap-free receipts, and residents' tip reports (some concealed)."""
        rng, rates, m = self.rng, self.rates, self.rates.min_each
        lingering = ("", "linger", "linger_at_limit", "linger_between")
        eligible = [j for j in jobs if not j.overtime and j.label in lingering]
        k = min(len(eligible), max(4 * m, round(rates.tips * len(eligible))))
        tipped = rng.sample(eligible, k)
        specs = [
            ("late", rates.tips_late, m),
            ("short", rates.tips_short, m),
            ("at_47h", rates.boundary, 1),
            ("reported", rates.tips_reported, 1),
        ]
        lines: list[Row] = []
        reports: list[Row] = []
        for j, label in zip(tipped, pick_labels(rng, len(tipped), specs), strict=True):
            yuan = rng.choice(TIP_YUAN) if rng.random() > 0.03 else rng.randrange(600, 1001, 100)
            received = j.row["done_at"]
            declared = received + timedelta(minutes=rng.randint(10, 90))
            if label == "at_47h":  # an hour inside the grace period (48 h by default)
                handed = received + timedelta(hours=self.r12["handover_grace_hours"] - 1)
            else:
                # At the cashier's window, 09:00-17:30: that day or the next (within the
                # 48 hours), or three to five days later when it was handed over late.
                after = rng.randint(3, 5) if label == "late" else rng.randint(0, 1)
                handed = self.local.at(j.day + after, rng.randint(540, 1050) * MIN)
                if handed < declared + 10 * A_MINUTE:
                    handed = self.local.at(j.day + 1, rng.randint(540, 1050) * MIN)
            lines.append(
                {
                    "office_id": self.office_id,
                    "staff_id": j.staff.id,
                    "unit_id": j.unit_id,
                    "amount_fen": yuan * 100,
                    "received_at": received,
                    "declared_at": declared,
                    "handed_over_at": self.clamp(handed),
                    "receipt_no": None,
                    "cashier_id": None,
                    "countersigned_by": None,
                    "created_at": declared,
                    "created_by": self.staff_user.get(j.staff.idx, self.users["cashier"]),
                }
            )
            if label:
                said = yuan + (rng.choice((50, 100, 200)) if label == "short" else 0)
                reports.append(self.tip_report(j, received, said))
        taken = {id(j) for j in tipped}
        unreported = [j for j in eligible if id(j) not in taken]
        concealed = max(m, round(rates.tips_concealed * len(tipped)))
        for j in rng.sample(unreported, min(len(unreported), concealed)):
            reports.append(self.tip_report(j, j.row["done_at"], rng.choice(TIP_YUAN)))
        self.receipts(lines)
        lines.sort(key=lambda r: r["declared_at"])
        self.insert(TipLine, lines)
        return reports

    def tip_report(self, j: JobPlan, occurred: datetime, yuan: int) -> Row:
        """A resident telling the office they gave a tip (on a call or a return visit)."""
        rng = self.rng
        template = N.feedback_template(rng, "tip_reported", j.staff.team)
        text = template.format(who=self.who(j.staff), amount=yuan)
        if rng.random() < 0.5:
            channel, rating = Chan.RETURN_VISIT, Satisfaction.SATISFIED
        else:
            channel, rating = Chan.PHONE, None
        delay = timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
        return self.feedback(
            j.staff, j.unit_id, Cat.TIP_REPORTED, channel, occurred, text,
            amount_fen=yuan * 100, satisfaction=rating, delay=delay,
        )  # fmt: skip

    def receipts(self, lines: list[Row]) -> None:
        """Number the handovers per year without gaps, in handover order; set the counters."""
        rng, users = self.rng, self.users
        handed = sorted(
            (r for r in lines if r["handed_over_at"] is not None),
            key=lambda r: r["handed_over_at"],
        )
        last: dict[int, int] = {}
        for r in handed:
            year = r["handed_over_at"].astimezone(self.local.tz).year
            last[year] = last.get(year, 0) + 1
            r["receipt_no"] = f"{self.code}-SJ-{year}-{last[year]:05d}"
            r["cashier_id"] = users["cashier"]
            r["countersigned_by"] = users["manager"] if rng.random() < 0.7 else users["director"]
        counters = [
            {"office_id": self.office_id, "name": "tip_receipt", "year": y, "value": n}
            for y, n in sorted(last.items())
        ]
        self.insert(Counter, counters)
