"""`compliance record add KEY=VALUE` takes money as typed: whole fen, or yuan converted exactly."""

import json

import pytest

from compliance.cli.records_cmd import money_fields
from compliance.errors import ValidationFailed
from tests.compliance.cli.test_cli import cli_db, run  # noqa: F401  (fixture)


def _office() -> None:
    run("office", "create", "LJY", "丽景苑管理处", "--admin", "ljy-admin")
    code, out = run(
        "record", "add", "staff", "--as", "ljy-admin", "employee_no=E001", "name=李明",
        "team=维修", "position=维修工", "hire_date=2024-01-01", "monthly_wage_fen=500000",
    )  # fmt: skip
    assert code == 0, out


def _wage(out: str) -> int:
    return int(json.loads(out[out.index("{") : out.rindex("}") + 1])["monthly_wage_fen"])


def test_whole_fen_and_yuan_are_saved_as_the_same_fen(cli_db):  # noqa: F811
    _office()
    for n, typed in enumerate(
        ("monthly_wage_fen=512345", "monthly_wage_yuan=5123.45", "monthly_wage_fen=¥5,123.45")
    ):
        code, out = run(
            "record", "add", "wage", "--id", "1", "--as", "ljy-admin", typed,
            f"effective_from=2025-0{n + 1}-01",
        )  # fmt: skip
        assert code == 0, out
        assert _wage(out) == 512_345, out


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (
            "monthly_wage_fen=5123.45",
            "'5123.45' is not a whole number of fen; write monthly_wage_fen=1250, "
            "monthly_wage_fen=¥12.50 or monthly_wage_yuan=12.50 for ¥12.50",
        ),
        (
            "monthly_wage_yuan=12.505",
            "not an amount in yuan with at most 2 decimals (e.g. 12.50): '12.505'",
        ),
        ("monthly_wage_fen=¥abc", "not an amount in yuan with at most 2 decimals (e.g. ¥12.50)"),
    ],
)
def test_a_bad_amount_is_refused_with_the_field_and_nothing_saved(cli_db, typed, reason):  # noqa: F811
    _office()
    code, out = run(
        "record", "add", "wage", "--id", "1", "--as", "ljy-admin", typed,
        "effective_from=2025-01-01",
    )  # fmt: skip
    assert code == 2, out
    assert "Rejected; nothing was changed" in out
    flat = " ".join(out.split())
    assert typed.split("=")[0] in flat and reason in flat, out


def test_conversion_is_exact_and_never_through_a_float():
    # 0.29 * 100 is 28.999999999999996 as a float.
    assert money_fields({"amount_yuan": "0.29"}) == {"amount_fen": 29}
    assert money_fields({"amount_fen": "¥1,000,000.01"}) == {"amount_fen": 100_000_001}
    assert money_fields({"note": "12.50"}) == {"note": "12.50"}  # not a money field
    with pytest.raises(ValidationFailed, match="not both"):
        money_fields({"amount_yuan": "1", "amount_fen": "100"})
