"""`compliance import calls`: --preview changes nothing, a bad row is named, an unknown
extension mapped with --profile, a re-import adding nothing."""

import json

from tests.compliance.cli.test_cli import cli_db, run  # noqa: F401  (fixture)

HEADER = "通话ID,来电时间,主叫号码,振铃次数,通话时长,分机,是否接听"
ROWS = [
    "C1,2026-03-02 08:01:05,13812345678,2,95,8001,是",
    "C2,2026-03-02 09:15:00,13900000001,4,65,E001,是",
    "C3,2026-03-02 10:00:00,13900000002,,0,,否",
]


def _office() -> None:
    run("office", "create", "LJY", "丽景苑管理处", "--admin", "ljy-admin")
    code, out = run(
        "record", "add", "staff", "--as", "ljy-admin", "employee_no=E001", "name=李明",
        "team=前台", "position=接待员", "hire_date=2024-01-01",
    )  # fmt: skip
    assert code == 0, out


def test_help_lists_the_columns():
    code, out = run("import", "calls", "--help")
    assert code == 0
    for column in ("来电时间", "振铃次数", "振铃时长", "分机", "是否接听", "--preview"):
        assert column in out, column


def test_preview_then_import_then_again(cli_db, tmp_path):  # noqa: F811
    _office()
    export = tmp_path / "calls.csv"
    export.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("gbk"))
    code, out = run("import", "calls", str(export), "--as", "ljy-admin", "--preview")
    assert code == 0, out
    flat = " ".join(out.split())
    assert "unknown extension 8001 (1 calls)" in flat
    code, out = run("import", "calls", str(export), "--as", "ljy-admin")
    assert code == 2 and "nothing was changed" in out
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"extensions": {"8001": "E001"}}), encoding="utf-8")
    code, out = run("import", "calls", str(export), "--as", "ljy-admin", "--profile", str(profile))
    assert code == 0, out
    assert "imported 3 calls" in " ".join(out.split())
    code, out = run("import", "calls", str(export), "--as", "ljy-admin", "--profile", str(profile))
    assert code == 0 and "imported 0 calls" in " ".join(out.split())
    assert "3 already recorded" in " ".join(out.split())


def test_a_bad_row_is_named(cli_db, tmp_path):  # noqa: F811
    _office()
    export = tmp_path / "calls.csv"
    export.write_text(HEADER + "\n" + "C9,2026-13-02 08:00,1,2,5,E001,是\n", encoding="utf-8")
    code, out = run("import", "calls", str(export), "--as", "ljy-admin")
    assert code == 2
    assert "line 2, 来电时间" in " ".join(out.split())
