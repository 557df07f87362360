"""Progress bars (hckg.progress): drawn on a terminal's stderr, silent when piped or switched off."""

import io

from click.testing import CliRunner

from hckg.cli import cli
from hckg.progress import NO_PROGRESS, TerminalProgress, terminal_progress

from conftest import FIXTURES


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_piped_output_gets_no_progress():
    assert terminal_progress(io.StringIO()) is NO_PROGRESS


def test_progress_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("HCKG_PROGRESS", "0")
    assert terminal_progress(Terminal()) is NO_PROGRESS


def test_terminal_gets_a_bar_that_is_cleared_at_the_end():
    terminal = Terminal()
    progress = terminal_progress(terminal)
    assert isinstance(progress, TerminalProgress)
    with progress.stage("Validating", 4) as stage:
        stage.advance(4)
        stage.draw(stage.started)
    drawn = terminal.getvalue()
    assert "Validating [" in drawn and "100%" in drawn
    assert drawn.endswith("\r\x1b[2K")


def test_stage_without_total_counts():
    terminal = Terminal()
    with TerminalProgress(terminal).stage("Loading") as stage:
        stage.advance(7)
        stage.draw(stage.started)
    assert "Loading … 7" in terminal.getvalue()


def test_validate_through_a_pipe_prints_only_the_report():
    result = CliRunner().invoke(cli, ["validate", str(FIXTURES / "mini.ttl")])
    assert result.exit_code == 0
    assert result.output == "Conforms: 0 violations, 0 warnings, 0 infos\n"
