"""`compliance service evaluate`: the clocks of a period from the command line, findings
raised once however often it runs."""

import json

from tests.compliance.cli.test_cli import cli_db, run  # noqa: F401  (fixture)
from tests.compliance.service.test_calls_cli import HEADER, ROWS, _office


def test_evaluate_twice_raises_once(cli_db, tmp_path):  # noqa: F811
    _office()
    export = tmp_path / "calls.csv"
    export.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("gbk"))
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"extensions": {"8001": "E001"}}), encoding="utf-8")
    code, out = run("import", "calls", str(export), "--as", "ljy-admin", "--profile", str(profile))
    assert code == 0, out
    args = (
        "service",
        "evaluate",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--as",
        "ljy-admin",
    )
    code, out = run(*args)
    assert code == 0, out
    flat = " ".join(out.split())
    # C2 rang 4 times (answered by E001): blamed; C3 was never answered by anyone: excused.
    assert "3 calls" in flat and "1 breaches blamed on a person (1 new R04 findings" in flat
    assert "1 excused" in flat
    code, out = run(*args)
    assert code == 0 and "(0 new R04 findings, 1 already raised)" in " ".join(out.split())


def test_evaluate_refuses_a_backwards_period(cli_db):  # noqa: F811
    _office()
    code, out = run(
        "service", "evaluate", "--from", "2026-03-31", "--to", "2026-03-01", "--as", "ljy-admin"
    )
    assert code == 2 and "nothing was changed" in out
