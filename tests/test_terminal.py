"""The terminal module: control characters from texts shown, never obeyed, on every output path."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
from ali_cancel import terminal
from ali_cancel.terminal import (
    console,
    encode_plainly,
    is_utf8,
    safe_text,
    say,
    unicode_ok,
    visible,
    width,
    write_err,
    write_out,
)
from hypothesis import given
from hypothesis import strategies as st

C0 = [chr(code) for code in range(0x20) if chr(code) not in "\t\n"]
C1 = [chr(code) for code in range(0x7F, 0xA0)]  # DEL, then C1
BIDI = [chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
# What must never reach the terminal from a text (newline aside).
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
SGR = re.compile(r"\x1b\[[0-9;]*m")
HOSTILE = "title\x1b]0;PWNED\x07\x1b[2J clip\x1b]52;c;aGk=\x07 \u202eevil\u202c \x9b31m end"


@pytest.mark.parametrize("char", C0 + C1, ids=lambda char: f"U+{ord(char):04X}")
def test_each_c0_c1_and_del_is_shown_as_x_escape(char: str) -> None:
    assert visible(char) == f"\\x{ord(char):02x}"
    assert visible(f"a{char}b", newlines=False) == f"a\\x{ord(char):02x}b"


@pytest.mark.parametrize("char", BIDI, ids=lambda char: f"U+{ord(char):04X}")
def test_bidi_overrides_and_isolates_are_shown_as_u_escape(char: str) -> None:
    assert visible(f"abc{char}def") == f"abc\\u{ord(char):04x}def"


def test_escape_reads_like_the_bytes_of_the_file() -> None:
    assert visible("\x1b[2J\x1b]0;x\x07") == "\\x1b[2J\\x1b]0;x\\x07"
    assert visible("\udcff") == "\\udcff"  # a lone surrogate from a surrogateescape'd file name


@pytest.mark.parametrize(
    "text",
    [
        "Remboursement refusé",
        "Возврат денег",
        "退款申请",
        "🙂 👩\u200d💻 ok",  # the zero-width joiner of an emoji stays
        "\u05e9\u05dc\u05d5\u05dd\u200f (2)",  # Hebrew with a right-to-left mark: LRM/RLM are kept
        "→ … “x” \u00a0é",
        "",
    ],
)
def test_ordinary_text_is_returned_as_the_same_object(text: str) -> None:
    assert visible(text) is text
    assert visible(text, newlines=False) is text


def test_newline_and_tab_are_kept_unless_the_text_is_meant_for_one_line() -> None:
    text = "one\n\ttwo\n"
    assert visible(text) is text
    assert visible(text, newlines=False) == "one\\x0a\\x09two\\x0a"  # a label: one line, columns kept
    assert visible("a\r\nb") == "a\\x0d\nb"


# Any character, surrogates included, with controls and escape-shaped pieces made frequent.
UNICODE = st.lists(
    st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from([*C0, *C1, *BIDI, "\n", "\t", "\x1b[31m", "\\x1b", "\u200f"]),
    )
).map("".join)


@given(UNICODE)
def test_visible_never_lets_a_control_character_through(text: str) -> None:
    shown = visible(text)
    assert FORBIDDEN.search(shown) is None
    assert visible(shown) == shown  # nothing left to show, so applying it twice changes nothing
    folded = visible(text, newlines=False)
    assert FORBIDDEN.search(folded) is None and "\n" not in folded
    assert visible(folded, newlines=False) == folded


@given(UNICODE)
def test_visible_changes_only_what_it_must(text: str) -> None:
    if FORBIDDEN.search(text) is None:
        assert visible(text) is text
    else:
        assert visible(text) != text


def _colour_terminal(monkeypatch: pytest.MonkeyPatch, *, no_color: bool = False) -> io.StringIO:
    """stdout replaced by a buffer, and the environment of a colour terminal for Rich."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "80")
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buffer)
    return buffer


def _only_sgr(output: str) -> None:
    """No escape sequence but well-formed SGR, and no other control character."""
    rest = SGR.sub("", output)
    assert "\x1b" not in rest, repr(output)
    assert "\x07" not in output
    assert FORBIDDEN.search(rest) is None, repr(output)


def test_console_output_carries_rich_styles_but_no_hostile_sequence(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.panel import Panel
    from rich.text import Text

    buffer = _colour_terminal(monkeypatch)
    out = console()
    out.print(Text(HOSTILE, style="bold red"))
    out.print(Panel(Text(HOSTILE), title=Text("t\x1b[2J", style="bold")), crop=False)
    out.print(safe_text(HOSTILE, style="cyan"))
    output = buffer.getvalue()
    assert SGR.search(output) is not None  # colour is really on: Rich's own styles came through
    _only_sgr(output)
    assert "\\x1b]0;PWNED" in output
    assert "\\x1b]52;c;aGk=" in output
    assert "\\u202eevil\\u202c" in output
    assert "\\x9b31m" in output


def test_a_text_cannot_pass_as_rich_styling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text shaped like SGR (conceal, here) is shown, because text segments are made visible."""
    from rich.text import Text

    buffer = _colour_terminal(monkeypatch)
    console().print(Text("\x1b[8mhidden warning\x1b[28m"))
    assert buffer.getvalue() == "\\x1b[8mhidden warning\\x1b[28m\n"


def test_no_color_means_no_escape_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.text import Text

    buffer = _colour_terminal(monkeypatch, no_color=True)
    console().print(Text(HOSTILE, style="red"))
    assert "\x1b" not in buffer.getvalue()
    assert "\\x1b]0;PWNED" in buffer.getvalue()


def test_the_file_rich_writes_to_passes_sgr_newline_and_tab_only(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = _colour_terminal(monkeypatch)
    out = console()
    out.file.write("\x1b[1;38;5;196mok\x1b[0m\n\t\x1b]8;;https://x\x1b\\link\x1b[2J\r\x07\x1b[?25l")
    assert buffer.getvalue() == (
        "\x1b[1;38;5;196mok\x1b[0m\n\t\\x1b]8;;https://x\\x1b\\link\\x1b[2J\\x0d\\x07\\x1b[?25l"
    )


@given(UNICODE)
def test_the_console_file_passes_nothing_but_sgr(text: str) -> None:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        console().file.write(f"\x1b[1m{text}\x1b[0m")
    _only_sgr(buffer.getvalue())
    assert buffer.getvalue().startswith("\x1b[1m") and buffer.getvalue().endswith("\x1b[0m")


def test_rich_control_codes_are_shown_not_obeyed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Control segments bypass render hooks; the file is the last line of defence."""
    buffer = _colour_terminal(monkeypatch)
    out = console()
    out.set_window_title("PWNED")
    out.clear()
    _only_sgr(buffer.getvalue())
    assert "\\x1b]0;PWNED" in buffer.getvalue()


def test_console_follows_stdout_as_it_is_when_printing(monkeypatch: pytest.MonkeyPatch) -> None:
    out = console()
    later = io.StringIO()
    monkeypatch.setattr(sys, "stdout", later)
    out.print("hello")
    assert later.getvalue() == "hello\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", True),
        ("UTF-8", True),
        ("utf8", True),
        ("utf_8", True),
        ("U8", True),
        ("utf-8-sig", True),
        ("utf-16", True),
        ("ascii", False),
        ("ANSI_X3.4-1968", False),  # what LANG=C reports
        ("latin-1", False),
        ("cp1252", False),
        ("no-such-codec", False),
        ("", False),
        (None, False),
    ],
)
def test_is_utf8_resolves_aliases(encoding: str | None, expected: bool) -> None:
    assert is_utf8(SimpleNamespace(encoding=encoding)) is expected


def test_is_utf8_without_an_encoding_attribute() -> None:
    assert is_utf8(object()) is False


def test_unicode_ok_reads_the_consoles_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    assert unicode_ok(console()) is False
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    assert unicode_ok(console()) is True


def test_write_out_and_write_err_show_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    write_out("advice\x1b[31m\n\tstep\n")
    write_err("bad\x1b]52;c;aGk=\x07", "\u202eline")
    captured = capsys.readouterr()
    assert captured.out == "advice\\x1b[31m\n\tstep\n"
    assert captured.err == "bad\\x1b]52;c;aGk=\\x07\n\\u202eline\n"
    assert "\x1b" not in captured.out + captured.err


def test_say_is_one_line_and_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    say("ali-cancel", "no such\nvalue:  'x\x1b[2J'\r\n")
    assert capsys.readouterr().err == "ali-cancel: no such value: 'x\\x1b[2J'\n"
    say("ali-cancel", "missing --payment", "try: ali-cancel advise --payment paid")
    assert capsys.readouterr().err.splitlines() == [
        "ali-cancel: missing --payment",
        "try: ali-cancel advise --payment paid",
    ]


class _BrokenStream(io.StringIO):
    def write(self, _text: str) -> int:
        raise BrokenPipeError


@pytest.mark.parametrize("stream", ["closed", "broken", "none"])
def test_a_closed_stderr_is_no_reason_to_crash(monkeypatch: pytest.MonkeyPatch, stream: str) -> None:
    closed = io.StringIO()
    closed.close()
    replacement = {"closed": closed, "broken": _BrokenStream(), "none": None}[stream]
    monkeypatch.setattr(sys, "stderr", replacement)
    write_err("lost")
    say("ali-cancel", "lost too", "and the hint")


def test_a_closed_stdout_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    with pytest.raises(OSError, match="standard output is closed"):
        write_out("x")


def test_a_broken_pipe_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", _BrokenStream())
    with pytest.raises(BrokenPipeError):
        write_out("x")


def _python(code: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env={**os.environ, **env}, timeout=30, check=True
    )


# !a: the text travels as ASCII escapes, so the command line itself is never the thing tested.
PLAIN = "from ali_cancel.terminal import *; encode_plainly(); write_out({0!a}); write_err({0!a})"


def test_encode_plainly_spells_typography_plainly_under_ascii() -> None:
    result = _python(PLAIN.format("→ … “x” é\x1b"), PYTHONIOENCODING="ascii", LC_ALL="C", PYTHONUTF8="0")
    assert result.stdout == b'-> ... "x" e\\x1b'
    assert result.stderr == b'-> ... "x" e\\x1b\n'


def test_encode_plainly_leaves_a_utf8_stream_alone() -> None:
    result = _python(PLAIN.format("→ é"), PYTHONIOENCODING="utf-8")
    assert result.stdout == "→ é".encode()
    assert result.stderr == "→ é\n".encode()


def test_encode_plainly_in_process_keeps_utf8_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stream)
    encode_plainly()
    assert stream.errors == "strict"


def test_silence_stdout_sends_the_rest_to_devnull() -> None:
    result = _python(
        "import sys; from ali_cancel.terminal import silence_stdout;"
        "print('before', flush=True); silence_stdout(); print('after')"
    )
    assert result.stdout == b"before\n"


def test_width_honours_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "37")
    assert width() == 37


def test_importing_loads_neither_rich_nor_typer() -> None:
    probe = "import sys, ali_cancel.terminal; print(sorted(set(sys.modules) & {{{}}}))"
    names = ", ".join(repr(name) for name in ("rich", "typer", "questionary", "prompt_toolkit", "yaml"))
    assert _python(probe.format(names)).stdout == b"[]\n"
    assert terminal.__doc__ is not None and "\n" not in terminal.__doc__
