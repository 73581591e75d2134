"""`compliance record add feedback` takes every category, by code or by its Chinese name,
and says where the feedback led (the rules it feeds, an incident opened, or kept on file)."""

from datetime import UTC, datetime, timedelta

from tests.compliance.cli.test_cli import cli_db, run  # noqa: F401  (fixture)


def _office() -> None:
    run("office", "create", "LJY", "丽景苑管理处", "--admin", "ljy-admin")
    run("user", "add", "ljy-mgr", "主管", "--role", "manager", "--as", "ljy-admin")
    code, out = run(
        "record", "add", "staff", "--as", "ljy-admin", "employee_no=E001", "name=李明",
        "team=维修", "position=维修工", "hire_date=2024-01-01",
    )  # fmt: skip
    assert code == 0, out
    code, out = run("record", "add", "unit", "--as", "ljy-admin", "building=1栋", "room=101")
    assert code == 0, out


def _feedback(category: str, text: str = "住户反映") -> tuple[int, str]:
    when = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    return run(
        "record", "add", "feedback", "--as", "ljy-mgr", "staff_id=1", "unit_id=1",
        "channel=phone", f"category={category}", f"occurred_at={when}", f"text={text}",
    )  # fmt: skip


def test_the_cli_takes_the_chinese_name_of_the_new_category(cli_db):  # noqa: F811
    _office()
    code, out = _feedback("不正当关系")
    assert code == 0, out
    assert '"category": "improper_relationship"' in out and '"R08"' in out


def test_the_cli_says_a_damage_report_opened_an_incident(cli_db):  # noqa: F811
    _office()
    code, out = _feedback("损坏财物", "打碎花瓶")
    assert code == 0, out
    assert '"damage_id": 1' in out and "已开立损坏事件 #1,待评估价值(第十一条)。" in out


def test_the_cli_says_a_category_without_rule_is_kept_on_file_only(cli_db):  # noqa: F811
    _office()
    code, out = _feedback("other")
    assert code == 0, out
    assert "此类反馈不对应任何条款,仅存档" in out
