"""Long commands draw progress on a terminal and stay silent under cron (no tty)."""

import io
import sys

import pytest
from django.core.management import call_command

from daiban.core.progress import bar


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_bar_on_a_terminal_and_nothing_elsewhere():
    terminal, cron = Terminal(), io.StringIO()
    assert list(bar(range(3), stream=terminal, desc="tables")) == [0, 1, 2]
    assert list(bar(range(3), stream=cron, desc="tables")) == [0, 1, 2]
    assert "tables" in terminal.getvalue() and "3/3" in terminal.getvalue()
    assert cron.getvalue() == ""


@pytest.mark.django_db
@pytest.mark.parametrize("stream, drawn", [(Terminal(), True), (io.StringIO(), False)])
def test_rebuild_figures_under_cron_prints_only_its_result(monkeypatch, stream, drawn):
    monkeypatch.setattr(sys, "stderr", stream)
    out = io.StringIO()
    call_command("rebuild_figures", stdout=out)
    assert "cases tallied" in out.getvalue()
    assert ("\r" in stream.getvalue()) is drawn
