"""The 突发事件处理表 printed: Chinese by default, the timeline with each arrival's time after
the report and the 5-minute verdict (4:59 and 5:00 within, 5:01 not), cause, measures, losses,
who drafted and the leader's approval; no URL is ever fetched; a PNG of page 1 is kept under
var/screenshots to look at."""

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from compliance.service import emergency as em
from compliance.service.emergency_pdf import (
    FetchRefused,
    print_model,
    render_for,
    render_report,
    report_html,
    sha256,
)
from tests.compliance.service.emerg_helpers import front_desk
from tests.conftest import as_role

SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


def _text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


@pytest.fixture
def approved(ctx, office, clock):
    desk = front_desk(ctx, office)
    order = em.report_emergency(
        desk, em.EmergencyIn("fire", location="3栋地下车库B区", description="配电箱冒烟起火")
    )
    clock.advance(timedelta(seconds=40))
    em.dispatch_duty(desk, order.id, [s.id for s in office.staff], version=1)
    clock.advance(timedelta(seconds=259))  # 4:59 after the report
    em.check_in(as_role(ctx, office, "staff"), order.id, method="position", ref="22.5,114.0")
    clock.advance(timedelta(seconds=2))  # 5:01
    em.check_in(as_role(ctx, office, "staff2"), order.id, method="position", ref="22.5,114.1")
    clock.advance(timedelta(minutes=12))
    order = em.mark_controlled(desk, order.id, note="明火已扑灭", version=order.version)
    report = em.save_report(
        desk, order.id,
        em.ReportIn("fire", "车库配电箱线路老化短路，引燃周边杂物。",
                    "切断总电源；两具干粉灭火器扑灭；疏散车库人员；通知供电维修。",
                    "配电箱一个（约 800 元），无人员伤亡。"),
        version=1,
    )  # fmt: skip
    report = em.submit_report(desk, order.id, version=report.version)
    director = as_role(ctx, office, "director")
    em.approve_report(director, order.id, note="同意。请排查其余配电箱。", version=report.version)
    return desk, order


def test_the_printed_report_in_chinese(approved):
    desk, order = approved
    pdf = render_for(desk, order.id)
    text = _text(pdf)
    for words in (
        "突发事件处理表", "碧水湾管理处", "火警", "3栋地下车库B区", "接报", "已通知值班员",
        "李明", "4分59秒", "5 分钟以内", "王芳", "5分01秒", "超过 5 分钟", "定位签到",
        "张伟", "未到场签到",
        "已控制", "事故原因调查分析", "线路老化短路", "采取的措施", "损失情况", "800 元",
        "填表人", "front", "公司领导审批", "已批准", "director", "请排查其余配电箱",
    ):  # fmt: skip
        assert words in text, words
    assert "尚未经公司领导审批" not in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "emergency_report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
         str(SHOTS / "emergency_report.pdf"), str(SHOTS / "emergency_report")],
        check=True,
    )  # fmt: skip
    assert (SHOTS / "emergency_report.png").stat().st_size > 10_000


def test_the_stored_hash_is_the_printed_pdfs(approved):
    desk, order = approved
    view = em.get_emergency(desk.session, desk.actor.office_id, order.id)
    assert sha256(render_for(desk, order.id)) == view.report.pdf_sha256


def test_english_and_the_five_minute_boundary(approved):
    desk, order = approved
    view = em.get_emergency(desk.session, desk.actor.office_id, order.id)
    p = print_model(view, "Office", desk.tz, "en")
    arrivals = {x.who: (x.after, x.within) for x in p.timeline if x.within is not None}
    assert arrivals == {"李明": ("4 min 59 s", True), "王芳": ("5 min 01 s", False),
                        "张伟": ("", False)}  # fmt: skip
    text = _text(render_report(p))
    assert "Emergency report" in text and "later than 5 minutes" in text


def test_text_cannot_fetch_anything(approved):
    desk, order = approved
    view = em.get_emergency(desk.session, desk.actor.office_id, order.id)
    p = print_model(view, "Office", desk.tz, "zh")
    evil = p.__class__(**{**p.__dict__, "cause": '<img src="file:///etc/passwd">'})
    assert "&lt;img" in report_html(evil)
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    from compliance.service import emergency_pdf

    with pytest.raises((FetchRefused, FatalURLFetchingError)):
        HTML(string='<img src="http://example.com/x.png">', url_fetcher=emergency_pdf.RefuseAll(),
             base_url=None).write_pdf()  # fmt: skip
