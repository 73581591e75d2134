"""The monthly office report and batch printing over worker processes."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlmodel import select

from compliance.dossiers import batch, report, verify
from compliance.dossiers.models import Dossier
from compliance.errors import ValidationFailed
from tests.conftest import as_role
from tests.pdf.helpers import typical_case


def _flat(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), re.sub(
        r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages)
    )


def test_the_monthly_report_renders_its_tables_and_charts(ctx, office):
    typical_case(ctx, office, staff=1, feedback=1, photos=0, execute=False)
    typical_case(ctx, office)  # executed 8 days later: deductions from April on
    hr = as_role(ctx, office, "hr")
    view = report.build_report(hr, "2026-03")
    assert view.total == 4  # two R12 findings and two R05 spot-check findings in March
    assert [c.count for c in view.by_rule] == [2, 2]
    # Each rule by its title, never a bare code (here and among the repeat offenders).
    assert [c.label for c in view.by_rule] == ["R05 不得使用业主设施", "R12 不准收受小费"]
    assert all("R12 不准收受小费×" in o.rules or "R05 " in o.rules for o in view.offenders)
    assert [b.value for b in view.charts[0].bars][-1] == 4
    assert [b.value for b in view.charts[1].bars][-1] == 2
    assert len(view.offenders) == 2
    april = report.build_report(hr, "2026-04")
    assert april.total == 0 and april.carried_total != "¥0.00"
    assert [c.label for c in april.open_cases] == ["已提出处理建议", "已执行"]
    pages, text = _flat(report.render_report(view))
    assert "管理处月度合规报告" in text and "近12个月趋势" in text
    assert "25-04" in text and "26-03" in text  # the chart's month labels (inline SVG text)
    assert "李明" in text and "R12不准收受小费×1" in text
    assert "R05不得使用业主设施2" in text  # the by-rule table
    assert f"第1页/共{pages}页" in text


def test_the_english_report_names_each_rule(ctx, office):
    typical_case(ctx, office, staff=1, feedback=1, photos=0, execute=False)
    view = report.build_report(as_role(ctx, office, "hr"), "2026-03", "en")
    assert [c.label for c in view.by_rule] == ["R05 No use of residents' facilities", "R12 No tips"]


def test_a_bad_month_is_refused(ctx, office):
    with pytest.raises(ValidationFailed):
        report.build_report(as_role(ctx, office, "hr"), "2026-3")


def test_batch_prints_every_case_over_two_processes(ctx, office, tmp_path):
    ids = [
        typical_case(ctx, office, staff=i, feedback=1, photos=1, execute=False) for i in range(3)
    ]
    hr = as_role(ctx, office, "hr")
    assert batch.select_cases(hr, state="decision_proposed") == ids
    assert batch.select_cases(hr, month="2026-03") == ids
    assert batch.select_cases(hr, month="2026-04") == []
    result = batch.print_batch(hr, ids, tmp_path, workers=2, progress=False)
    assert result.workers == 2 and len(result.items) == 3
    # That the rendering holds no write lock is tested by behaviour, not by comparing timings:
    # tests/pdf/test_dossier_numbers.py writes from another connection while a batch renders.
    numbers = [i.dossier_number for i in result.items]
    assert numbers == [f"BSW-D-2026-{n:04d}" for n in (1, 2, 3)]
    for item in result.items:
        data = item.path.read_bytes()
        check = verify.verify_pdf(ctx.session, data)
        assert check.ok and check.case_number == item.case_number
    assert len(ctx.session.exec(select(Dossier)).all()) == 3


def test_one_worker_prints_in_process_in_order(ctx, office, tmp_path):
    ids = [
        typical_case(ctx, office, staff=i, feedback=1, photos=0, execute=False) for i in range(2)
    ]
    result = batch.print_batch(as_role(ctx, office, "hr"), ids, tmp_path, workers=1, progress=False)
    assert result.workers == 1
    assert [i.dossier_number for i in result.items] == ["BSW-D-2026-0001", "BSW-D-2026-0002"]
    for item in result.items:
        assert verify.verify_pdf(ctx.session, item.path.read_bytes()).ok


@pytest.mark.parametrize(
    ("n", "workers", "size"), [(1, 2, 1), (3, 2, 1), (16, 2, 1), (17, 2, 2), (100, 2, 4)]
)
def test_batch_chunks_keep_both_workers_busy(n, workers, size):
    assert batch.chunk_size(n, workers) == size
