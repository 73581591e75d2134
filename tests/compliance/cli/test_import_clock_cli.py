"""`compliance import attendance`: the clock layout through a --profile file or the saved
profile, all problems listed, a re-import adding nothing, and --help naming the columns."""

import json

from tests.compliance.cli.test_cli import cli_db, run  # noqa: F401  (fixture)
from tests.compliance.imports import clock_files


def _office() -> None:
    run("office", "create", "LJY", "丽景苑管理处", "--admin", "ljy-admin")
    for no, name in (("E001", "李明"), ("E002", "王芳"), ("E003", "张伟")):
        code, out = run(
            "record", "add", "staff", "--as", "ljy-admin", f"employee_no={no}", f"name={name}",
            "team=维修", "position=维修工", "hire_date=2024-01-01",
        )  # fmt: skip
        assert code == 0, out


def test_help_lists_the_accepted_columns():
    code, out = run("import", "attendance", "--help")
    assert code == 0
    for column in (
        "登记号码",
        "工号",
        "日期时间",
        "打卡时间",
        "打卡类型",
        "姓名",
        "机器号",
        "--profile",
    ):
        assert column in out, column


def test_the_clock_layout_with_a_profile_file_then_the_saved_profile(cli_db, tmp_path):  # noqa: F811
    _office()
    export = tmp_path / "考勤记录表.csv"
    export.write_bytes(clock_files.csv_bytes("gbk"))
    # Without the enrolment list nobody is known: each person is listed once.
    code, out = run("import", "attendance", str(export), "--as", "ljy-admin")
    assert code == 2 and "nothing was changed" in out
    flat = " ".join(out.split())
    assert "unknown enrolment number 8 (李明, 4 punches)" in flat
    assert flat.count("unknown enrolment number 99") == 1
    profile = tmp_path / "profile.json"
    profile.write_text(
        json.dumps({"enrolments": {"8": "E001", "12": "E002", "15": "E003", "99": "-"}}),
        encoding="utf-8",
    )
    code, out = run(
        "import", "attendance", str(export), "--as", "ljy-admin", "--profile", str(profile),
        "--save-profile",
    )  # fmt: skip
    assert code == 0, out
    out = " ".join(out.split())
    assert "imported 7 punches" in out and "1 single punches" in out
    # The saved profile is used from now on; the same file again adds nothing.
    code, out = run("import", "attendance", str(export), "--as", "ljy-admin")
    assert code == 0, out
    out = " ".join(out.split())
    assert "imported 0 punches" in out and "7 already recorded" in out


def test_every_bad_row_is_listed_with_its_row_number(cli_db, tmp_path):  # noqa: F811
    _office()
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"enrolments": {"8": "E001", "12": "E002", "15": "E003"}}))
    export = tmp_path / "bad.csv"
    export.write_bytes(clock_files.csv_bytes("utf-8-sig", bad=True))
    code, out = run(
        "import", "attendance", str(export), "--as", "ljy-admin", "--profile", str(profile),
        "--preview",
    )  # fmt: skip
    assert code == 0, out
    flat = " ".join(out.split())
    for expected in ("line 5", "line 6, 日期时间", "line 7, 日期时间: is in the future", "line 14"):
        assert expected in flat, expected
