"""Attendance import on the web: upload, preview with the mapping and every problem, confirm;
unknown people added to the enrolment list from the preview; the profile page."""

import re

from sqlalchemy import func, select

from compliance.attendance.models import AttendanceEvent
from tests.compliance.imports import clock_files

ENROL = "8,E001\n12,E002\n15,E003\n99,-"


def _upload(b, data, name="考勤.csv", ctype="text/csv"):
    return b.client.post(
        "/attendance/import",
        data={"csrf_token": b.csrf},
        files={"file": (name, data, ctype)},
        follow_redirects=False,
    )


def _punches(session):
    return session.execute(select(func.count()).select_from(AttendanceEvent)).scalar_one()


def test_upload_preview_add_the_unknown_then_confirm(browser, session):
    hr = browser("hr")
    assert 'href="/attendance/import"' in hr.client.get("/").text  # in the menu
    r = _upload(hr, clock_files.csv_bytes("gbk"))
    assert r.status_code == 303
    url = r.headers["location"]
    assert re.fullmatch(r"/attendance/import/[0-9a-f]{64}", url)
    page = hr.client.get(url).text
    assert "已跳过标题行:考勤记录表 2026-03" in page and "表头在第 2 行" in page
    # Every person once, with the number of their punches; nothing to confirm yet.
    assert 'id="count-unknown">4<' in page
    assert page.count("<td>王五</td>") == 1 and "<td>3</td>" in page
    assert 'id="confirm-form"' not in page and 'id="not-ready"' in page
    r = hr.post(url + "/enrolments", {"enrolments": ENROL})
    assert r.status_code == 303
    page = hr.client.get(r.headers["location"]).text
    assert 'id="count-new">7<' in page and 'id="count-single">1<' in page
    assert "上班" in page and "下班" in page and "单次打卡" in page
    assert "2026-03-03 的班次" in page  # the night duty's morning punch
    assert 'id="confirm-form"' in page
    assert _punches(session) == 0  # nothing before the confirmation
    r = hr.post(url + "/confirm")
    assert r.status_code == 303 and "imported=7" in r.headers["location"]
    done = hr.client.get(r.headers["location"]).text
    assert "已导入 7 条打卡" in done and 'href="/attendance/exceptions"' in done
    assert _punches(session) == 7
    # The same file again: nothing new to import.
    again = hr.client.get(_upload(hr, clock_files.xlsx_bytes(), "k.xlsx").headers["location"])
    assert 'id="count-new">0<' in again.text and 'id="count-recorded">7<' in again.text


def test_every_bad_row_is_listed_with_its_row_number_in_chinese_and_english(browser):
    hr = browser("hr")
    hr.post("/attendance/import/profile", {"enrolments": ENROL})
    url = _upload(hr, clock_files.csv_bytes("utf-8-sig", bad=True)).headers["location"]
    page = hr.client.get(url).text
    problems = re.search(r'id="problems">(.*?)</section>', page, re.S).group(1)
    assert "第 5 行: 这一行的单元格比表头多" in problems
    assert "第 6 行 · 日期时间: 不是" in problems and "2026-03-02 25:10:00" in problems
    assert "第 7 行 · 日期时间: 不能是将来的时间" in problems
    assert 'id="confirm-form"' not in page
    hr.client.cookies.set("lang", "en")
    page = hr.client.get(url).text
    assert "Row 5: this row has more cells than the header" in page
    assert "Row 7 · 日期时间: is in the future" in page


def test_a_header_the_app_does_not_know_is_mapped_once_in_the_profile(browser):
    hr = browser("hr")
    renamed = clock_files.csv_bytes().replace("日期时间".encode(), "刷卡时间".encode())
    refused = _upload(hr, renamed)
    assert refused.status_code == 422 and "没有找到打卡时间列" in refused.text
    r = hr.post("/attendance/import/profile", {"col_punched_at": "刷卡时间", "enrolments": ENROL})
    assert r.status_code == 303
    profile = hr.client.get("/attendance/import/profile").text
    assert 'value="刷卡时间"' in profile and "99,-" in profile
    page = hr.client.get(_upload(hr, renamed).headers["location"]).text
    assert 'id="count-new">7<' in page
    assert '<option value="刷卡时间" selected>' in page  # the mapping as the file has it


def test_bad_enrolment_lines_are_named_and_the_typed_list_kept(browser):
    hr = browser("hr")
    typed = "8,E001\n8,E002\n12\n13,E999"
    r = hr.post("/attendance/import/profile", {"enrolments": typed})
    assert r.status_code == 422
    assert "第 2 行:该登记号码重复" in r.text and "第 4 行:没有员工使用这个工号" in r.text
    assert "8,E002\n12\n13,E999</textarea>" in r.text


def test_no_file_or_an_unreadable_file_is_refused_in_words(browser):
    hr = browser("hr")
    r = hr.post("/attendance/import")
    assert r.status_code == 422 and "请选择考勤机导出的文件" in r.text
    r = _upload(hr, b"\x00\x01\x02binary", "x.csv")
    assert r.status_code == 422 and "不是 CSV" in r.text


def test_staff_and_cashiers_cannot_import(browser):
    for role in ("staff", "cashier"):
        assert browser(role).client.get("/attendance/import").status_code == 403
