import io
import sys

from kconsist.report import console

LINE = "a.h:1: error: [r] boom\n"


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_text_when_not_a_terminal(capsys):
    console.emit(LINE)
    assert capsys.readouterr().out == LINE
    with console.progress(3) as advance:
        assert advance is None


def test_colour_on_a_terminal_unless_no_color(monkeypatch):
    fake = FakeTTY()
    monkeypatch.setattr(sys, "stdout", fake)
    monkeypatch.delenv("NO_COLOR", raising=False)
    console.emit(LINE)
    assert "\x1b[" in fake.getvalue() and "boom" in fake.getvalue()
    fake2 = FakeTTY()
    monkeypatch.setattr(sys, "stdout", fake2)
    monkeypatch.setenv("NO_COLOR", "1")
    console.emit(LINE)
    assert fake2.getvalue() == LINE
