"""The monthly office report's service standards section (issue 15 item 12): the standards
for the month and the quarter with their targets and breach counts, and the S13 weights."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from compliance.dossiers import report
from compliance.errors import ValidationFailed
from compliance.service.figures import service_figures
from compliance.service.figures_xlsx import write_workbook
from tests.conftest import as_role
from tests.service_rows import bill, clock, pay, ratings, sh


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))


def _march(session, office) -> None:  # type: ignore[no-untyped-def]
    li, wang = office.staff[0].id, office.staff[1].id
    clock(session, office, "S06", "breached", sh(2026, 3, 10, 9), li)
    clock(session, office, "S06", "excused", sh(2026, 3, 11, 9), wang, excuse="no_access")
    for day in (12, 13, 14):
        clock(session, office, "S06", "met", sh(2026, 3, day, 9), li)
    clock(session, office, "S06", "breached", sh(2026, 2, 10, 9), li)  # the quarter's
    ratings(session, office, [5] * 40 + [4] * 31 + [3, 2, 1])
    a = office.units[0].id or 0
    bill(session, office, a, 100_000)
    pay(session, office, a, 99_000, sh(2026, 3, 20, 10))
    session.flush()


def test_the_report_has_the_service_standards_of_the_month_and_quarter(ctx, office):
    _march(ctx.session, office)
    view = report.build_report(as_role(ctx, office, "hr"), "2026-03")
    assert view.service is not None
    lines = {x.code: x for x in view.service.lines}
    assert len(lines) == 15 and view.service.quarter == "2026-Q1"
    s06 = lines["S06"]
    assert (s06.month, s06.quarter, s06.met, s06.breached, s06.excused) == (
        "75.0%",
        "60.0%",
        3,
        1,
        1,
    )
    assert s06.missed and s06.title == "报修、家政服务当日完成" and s06.target == "当个工作日"
    assert (lines["S12"].month, lines["S12"].missed) == ("95.9%", True)
    assert (lines["S15"].month, lines["S15"].quarter, lines["S15"].missed) == ("—", "99.0%", False)
    assert lines["S12"].met is None  # an office figure has no clocks
    assert view.service.weights == "100/80/60/30/0"
    text = _text(report.render_report(view))
    assert "服务标准·2026-03/2026-Q1" in text
    assert "S06报修、家政服务当日完成当个工作日75.0%60.0%311否" in text
    assert "S15每季度收费率99%以上≥99.0%—99.0%———是" in text  # a standard met says so
    assert "比率向下取整" in text
    assert "S12满意率96%以上≥96.0%95.9%95.9%" in text
    assert "满意度权重(5至1分):100/80/60/30/0" in text


def test_the_english_report_names_the_standards_in_words(ctx, office):
    _march(ctx.session, office)
    view = report.build_report(as_role(ctx, office, "hr"), "2026-03", "en")
    text = _text(report.render_report(view))
    assert "Servicestandards·2026-03/2026-Q1" in text
    assert "S06Repairandhousekeepingdonethesameday" in text
    assert "Satisfactiondegreeweights(ratings5to1):100/80/60/30/0" in text


def test_the_report_uses_and_prints_the_weights_it_is_given(ctx, office):
    _march(ctx.session, office)
    weights = report.parse_weights("100/90/70/40/0")
    assert weights == (100, 90, 70, 40, 0)
    view = report.build_report(as_role(ctx, office, "hr"), "2026-03", "zh", weights)
    assert view.service is not None and view.service.weights == "100/90/70/40/0"
    # 40 fives, 31 fours, one 3, 2 and 1: (4000 + 2790 + 70 + 40 + 0) / 74 = 93.24
    assert {x.code: x.month for x in view.service.lines}["S13"] == "93.2"
    assert "满意度权重(5至1分):100/90/70/40/0" in _text(report.render_report(view))
    assert report.parse_weights("  ") is None
    for bad in ("100/80/60/30", "100/80/60/30/-1", "100/80/60/30/101", "a/b/c/d/e"):
        with pytest.raises(ValidationFailed):
            report.parse_weights(bad)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_and_the_workbook_say_the_same_verdict_for_every_standard(ctx, office, lang):
    # S06 misses, S15 and S13 meet, S12 misses, the running-free others have nothing to judge.
    _march(ctx.session, office)
    hr = as_role(ctx, office, "hr")
    view = report.build_report(hr, "2026-03", lang)
    assert view.service is not None
    printed = {x.code: x.verdict for x in view.service.lines}
    f = service_figures(ctx.session, office.office.id or 0, date(2026, 3, 1))
    wb = load_workbook(io.BytesIO(write_workbook(f, [], lang, "x", ctx.now())))
    sheet = {r[0]: r[-1] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert len(printed) == 15 and printed == sheet
    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    assert (printed["S06"], printed["S15"], printed["S12"]) == (no, yes, no)
    assert {x.code for x in view.service.lines if x.verdict == no} == {
        x.code for x in view.service.lines if x.missed
    }
