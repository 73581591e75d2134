"""The README's walkthrough: a demo finding taken through the whole case life cycle from the
command line, each step as the user whose job it is."""

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from compliance.cli import app
from compliance.config import get_settings

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database loaded through the CLI, as `make run` does."""
    path = tmp_path_factory.mktemp("walk") / "demo.db"
    mp = pytest.MonkeyPatch()
    mp.setenv("COMPLIANCE_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    result = runner.invoke(app, ["demo", "load"])
    assert result.exit_code == 0, result.output
    yield path
    mp.undo()
    get_settings.cache_clear()


def cli(db: Path, *args: str) -> str:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMPLIANCE_DATABASE_URL", f"sqlite:///{db}")
        get_settings.cache_clear()
        result = runner.invoke(app, list(args))
    assert result.exit_code == 0, f"{args}: {result.output}"
    return result.output


def test_walk_a_finding_from_detection_to_a_closed_case(demo_db: Path) -> None:
    engine = create_engine(f"sqlite:///{demo_db}")
    with engine.connect() as conn:
        staff_id = conn.execute(
            text("SELECT staff_id FROM user WHERE username = 'bsw-staff1'")
        ).scalar_one()
    engine.dispose()
    listing = cli(demo_db, "findings", "list", "--as", "bsw-manager", "--staff", str(staff_id))
    finding_id = re.search(r"│ (\d+)\s+│ R\d\d", listing)
    assert finding_id, listing
    out = cli(demo_db, "case", "open", finding_id.group(1), "--as", "bsw-manager")
    case_id = re.search(r"\(id (\d+)\)", out).group(1)  # type: ignore[union-attr]
    steps = [
        ("request-statement", "bsw-hr"),
        ("statement", "bsw-staff1", "--text", "当天住户家中有急事,我多停留了几分钟。"),
        ("propose", "bsw-hr", "--severity", "minor", "--reason", "初次,情节轻微"),
        # Never the proposer: the director approves (and so does not decide the appeal).
        ("approve", "bsw-director", "--justification", "证据充分"),
        ("notify", "bsw-hr", "--text", "处理决定通知书"),
        ("acknowledge", "bsw-staff1"),
        ("appeal", "bsw-staff1", "--text", "请求从轻处理"),
        ("decide-appeal", "bsw-hr", "--outcome", "upheld", "--text", "维持原决定"),
        ("finalize", "bsw-hr"),
        ("execute", "bsw-hr"),
        ("close", "bsw-hr"),
    ]
    for step, user, *extra in steps:
        if step == "approve":  # HR, who proposed it, is refused first
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("COMPLIANCE_DATABASE_URL", f"sqlite:///{demo_db}")
                get_settings.cache_clear()
                refused = runner.invoke(
                    app, ["case", "approve", case_id, "--as", "bsw-hr", "--justification", "同意"]
                )
            assert refused.exit_code == 2 and "Forbidden" in refused.output, refused.output
        cli(demo_db, "case", step, case_id, "--as", user, *extra)
    shown = cli(demo_db, "case", "show", case_id, "--as", "bsw-hr")
    assert "closed" in shown and "appeal" in shown
    assert "intact" in cli(demo_db, "audit", "verify")


def test_the_manager_who_confirmed_cannot_approve(demo_db: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMPLIANCE_DATABASE_URL", f"sqlite:///{demo_db}")
        get_settings.cache_clear()
        result = runner.invoke(
            app, ["case", "list", "--as", "bsw-hr", "--status", "decision_proposed"]
        )
        assert result.exit_code == 0
        case_id = re.search(r"│ (\d+)\s+│ BSW-", result.output).group(1)  # type: ignore[union-attr]
        refused = runner.invoke(app, ["case", "approve", case_id, "--as", "bsw-manager"])
    assert refused.exit_code == 2 and "Forbidden" in refused.output


def test_the_director_rejects_then_sends_back_and_hr_proposes_and_amends(demo_db: Path) -> None:
    engine = create_engine(f"sqlite:///{demo_db}")
    with engine.connect() as conn:
        director = conn.execute(
            text("SELECT id FROM user WHERE username = 'bsw-director'")
        ).scalar_one()
        # An open finding found by a detector on records the director did not keep.
        found = conn.execute(
            text(
                "SELECT id FROM finding WHERE status = 'open' AND source = 'detector' "
                "AND rule_code IN ('R04', 'R08') AND (created_by IS NULL OR created_by != :d) "
                "ORDER BY id LIMIT 1"
            ),
            {"d": director},
        ).scalar_one()
    engine.dispose()
    out = cli(demo_db, "case", "open", str(found), "--as", "bsw-manager")
    case_id = re.search(r"\(id (\d+)\)", out).group(1)  # type: ignore[union-attr]
    propose = ("propose", "bsw-hr", "--severity", "minor", "--reason", "初次,情节轻微")
    for step, user, *extra in [
        ("request-statement", "bsw-hr"),
        ("refused", "bsw-hr"),
        propose,
    ]:
        cli(demo_db, "case", step, case_id, "--as", user, *extra)
    out = cli(demo_db, "case", "reject", case_id, "--as", "bsw-director", "--reason", "证据不足")
    assert "under_review" in out
    cli(demo_db, "case", *propose[:1], case_id, "--as", *propose[1:])
    out = cli(
        demo_db, "case", "send-back", case_id, "--as", "bsw-director", "--reason", "请改为书面警告"
    )
    assert "decision_proposed" in out
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMPLIANCE_DATABASE_URL", f"sqlite:///{demo_db}")
        get_settings.cache_clear()
        refused = runner.invoke(
            app, ["case", "approve", case_id, "--as", "bsw-director", "--justification", "同意"]
        )
    assert refused.exit_code != 0 and "sent back" in refused.output
    cli(
        demo_db, "case", "amend", case_id, "--as", "bsw-hr",
        "--outcomes", '[{"kind": "written_warning"}]', "--reason", "按主任意见修改",
    )  # fmt: skip
    out = cli(
        demo_db, "case", "approve", case_id, "--as", "bsw-director", "--justification", "同意"
    )
    assert "approved" in out
