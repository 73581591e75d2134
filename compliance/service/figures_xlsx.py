"""The service dashboard as an Excel workbook: the standards (month and quarter against their
targets), per team, per person, the month's breaches, and what the figures were taken with.

Numbers stay numbers (rates as fractions shown in percent format, scores with one decimal,
times as office-local dates) so the office can sort and chart them; text goes through
compliance.exports so no cell is ever read as a formula.
"""

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from compliance.exports import text_cell, text_row
from compliance.i18n import N_, gettext
from compliance.service.figures import (
    ROUNDED_DOWN,
    SUBJECTS,
    BreachRow,
    Figure,
    GroupLine,
    ServiceFigures,
    StandardLine,
    excuse_word,
    labelled,
    target_words,
    title,
    verdict_word,
)
from compliance.service.models import ClockState
from policies.service.standards import STANDARDS, digest

PERCENT = "0.0%"
TENTHS = "0.0"
WHEN = "yyyy-mm-dd hh:mm"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLOCK_CODES = tuple(s.code for s in STANDARDS if s.is_clock)

# Headers, in the reader's language.
STANDARD_HEADERS = (
    N_("Code"),
    N_("Standard"),
    N_("Target"),
    N_("This month"),
    N_("Met"),
    N_("Breached"),
    N_("Excused"),
    N_("Running"),
    N_("This quarter"),
    N_("Met (quarter)"),
    N_("Breached (quarter)"),
    N_("Meets the target"),
)
GROUP_HEADERS = (N_("Met"), N_("Breached"), N_("Excused"), N_("Running"), N_("Rate met"))
BREACH_HEADERS = (
    N_("Standard"),
    N_("Subject"),
    N_("Work order"),
    N_("Held by"),
    N_("Team"),
    N_("Started"),
    N_("Due"),
    N_("Stopped"),
    N_("State"),
    N_("Finding"),
)
STATE_WORDS = {
    ClockState.BREACHED.value: N_("Breached"),
    ClockState.EXCUSED.value: N_("Excused"),
    ClockState.MET.value: N_("Met"),
    ClockState.RUNNING.value: N_("Running"),
}


def _number(ws: Any, line: StandardLine, figure: Figure) -> Any:
    """The figure as a number cell in its format (a rate as a fraction in percent)."""
    if figure.value is None:
        return None
    if line.figure_unit == "households":
        return text_cell(ws, figure.value)
    if line.figure_unit == "score_tenths":
        return text_cell(ws, figure.value / 10, number_format=TENTHS)
    return text_cell(ws, figure.value / 1000, number_format=PERCENT)


def _rate(ws: Any, value: int | None) -> Any:
    return None if value is None else text_cell(ws, value / 1000, number_format=PERCENT)


def _when(ws: Any, value: datetime | None, figures: ServiceFigures) -> Any:
    if value is None:
        return None
    local = value.astimezone(figures.period.tz).replace(tzinfo=None)
    return text_cell(ws, local, number_format=WHEN)


def _state(lang: str, r: BreachRow) -> str:
    """The clock's state in words; an excused one says why and that it is not counted."""
    if r.state == ClockState.EXCUSED.value:
        return gettext(
            lang,
            N_("Excused, not counted: %(reason)s"),
            reason=gettext(lang, excuse_word(r.excuse)),
        )
    return gettext(lang, STATE_WORDS.get(r.state, N_("Breached")))


def _header(ws: Any, lang: str, words: Sequence[str]) -> None:
    bold = Font(bold=True)
    ws.append([text_cell(ws, labelled(w, lang) if w in CLOCK_CODES else gettext(lang, w),
                         font=bold) for w in words])  # fmt: skip


def _groups(wb: Workbook, name: str, lang: str, figures: ServiceFigures, people: bool) -> None:
    ws = wb.create_sheet(gettext(lang, name))
    lead = [N_("Employee no."), N_("Staff member"), N_("Team")] if people else [N_("Team")]
    _header(ws, lang, [*lead, *GROUP_HEADERS, *CLOCK_CODES])
    rows: Sequence[GroupLine] = figures.people if people else figures.teams
    nobody = gettext(lang, N_("no one held it"))
    for g in rows:
        t = g.tally
        if people:
            who = [g.employee_no, g.name or nobody, g.team]
        else:
            who = [g.team or nobody]
        counts = [g.breaches_by_standard.get(c, 0) for c in CLOCK_CODES]
        ws.append(
            text_row(
                ws,
                [*who, t.met, t.breached, t.excused, t.running, _rate(ws, t.rate), *counts],
            )
        )


def write_workbook(figures: ServiceFigures, breach_rows: Sequence[BreachRow], lang: str,
                   office_name: str, generated: datetime) -> bytes:  # fmt: skip
    """The workbook's bytes: sheets of the standards, teams, people, breaches, and an about."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(gettext(lang, N_("Standards")))
    ws.freeze_panes = "C2"
    _header(ws, lang, STANDARD_HEADERS)
    for line in figures.lines:
        m, q = line.month, line.quarter
        mt = m.tally
        ws.append(
            text_row(
                ws,
                [
                    line.code,
                    title(line.standard, lang),
                    target_words(line.standard, lang),
                    _number(ws, line, m),
                    mt.met if mt else None,
                    mt.breached if mt else None,
                    mt.excused if mt else None,
                    mt.running if mt else None,
                    _number(ws, line, q),
                    q.tally.met if q.tally else None,
                    q.tally.breached if q.tally else None,
                    verdict_word(line, lang),
                ],
            )
        )
    _groups(wb, N_("Teams"), lang, figures, people=False)
    _groups(wb, N_("People"), lang, figures, people=True)
    bs = wb.create_sheet(gettext(lang, N_("Breach list")))
    _header(bs, lang, BREACH_HEADERS)
    for r in breach_rows:
        subject = f"{gettext(lang, SUBJECTS.get(r.subject_kind, N_('Subject')))} {r.subject_ref}"
        bs.append(
            text_row(
                bs,
                [
                    labelled(r.standard, lang),
                    subject,
                    r.order_number,
                    r.holder_name or gettext(lang, N_("no one held it")),
                    r.team,
                    _when(bs, r.started_at, figures),
                    _when(bs, r.due_at, figures),
                    _when(bs, r.stopped_at, figures),
                    _state(lang, r),
                    r.finding_id,
                ],
            )
        )
    about = wb.create_sheet(gettext(lang, N_("About")))
    p = figures.period
    weights = "/".join(str(w) for w in figures.weights)
    for label, value in (
        (N_("Office"), office_name),
        (N_("Month"), p.label),
        (N_("Quarter"), f"{p.quarter} ({p.quarter_first:%Y-%m} – {p.label})"),
        (N_("Satisfaction degree weights (ratings 5 to 1)"), weights),
        (N_("Standards version"), digest()[:12]),
        (N_("Generated"), generated.astimezone(p.tz).strftime("%Y-%m-%d %H:%M")),
        (
            N_("How the figures are taken"),
            gettext(
                lang,
                N_(
                    "A clock counts in the month it started. Rate met = met ÷ (met + breached); "
                    "excused breaches and running clocks are not judged. The quarter runs from "
                    "its first month to this one."
                ),
            ),
        ),
        (N_("Rounding"), gettext(lang, ROUNDED_DOWN)),
    ):
        about.append(text_row(about, [gettext(lang, label), value]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
