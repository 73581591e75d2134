"""The CLI logs through the same handler as the server, in the format asked for."""

import logging

from typer.testing import CliRunner

from compliance.cli.main import app
from compliance.logging_config import JsonFormatter, UtcFormatter
from tests.compliance.cli.test_cli import cli_db  # noqa: F401  (the fixture)


def _ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if h.get_name() == "compliance"]


def test_the_cli_logs_json_when_asked(cli_db, monkeypatch):  # noqa: F811
    monkeypatch.setenv("COMPLIANCE_LOG_FORMAT", "json")
    try:
        result = CliRunner().invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        (handler,) = _ours()
        assert isinstance(handler.formatter, JsonFormatter)
        assert logging.getLogger().level == logging.WARNING
        monkeypatch.setenv("COMPLIANCE_LOG_FORMAT", "text")
        assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
        (handler,) = _ours()  # replaced, not added twice
        assert type(handler.formatter) is UtcFormatter
    finally:
        for h in _ours():
            logging.getLogger().removeHandler(h)
