"""The terminal: every human-facing write, with control characters from texts shown, never obeyed."""

import os
import re
import sys

TYPE_CHECKING = False  # typing costs start-up time; mypy and ruff read this name as typing's
if TYPE_CHECKING:
    from typing import IO

    from rich.console import Console
    from rich.text import Text

# C0 but tab and newline, DEL, C1, the bidi embeddings/overrides (U+202A-U+202E) and isolates
# (U+2066-U+2069) of "Trojan Source" (CVE-2021-42574), and lone surrogates (a file name read with
# surrogateescape), which a strict UTF-8 stdout cannot encode at all. One pattern only: compiling a
# class beyond Latin-1 costs about 0.6 ms of start-up each.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# What Rich writes for styles: Select Graphic Rendition, digits and semicolons only.
_SGR = re.compile(r"(\x1b\[[0-9;]*m)")

_PLAIN_ERRORS = "ali-cancel-plain"  # the codec error handler encode_plainly() registers

# Typographic characters a rule file may use, for a terminal that cannot encode them.
_PLAIN = {
    "\u2192": "->",
    "\u2190": "<-",
    "\u2026": "...",
    "\u201c": '"',
    "\u201d": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u2014": "-",
    "\u2013": "-",
    "\u2022": "-",
    "\u2713": "v",
    "\u00a0": " ",
}


def _show(match: "re.Match[str]") -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, newlines: bool = True) -> str:
    """See _visible; `newlines=False` also shows newlines and tabs (a text meant for one line)."""
    text = _visible(text)
    if newlines:
        return text
    return text.replace("\n", "\\x0a").replace("\t", "\\x09")  # the same string when there is none


def json_text(data: object, *, indent: int | None = 2) -> str:
    """JSON for stdout: what a terminal would obey escaped as JSON does (\\u007f), so it stays valid JSON.

    json.dumps escapes C0 controls itself; DEL, C1 and the bidi controls it leaves raw unless every
    non-ASCII character is escaped, which an ASCII stdout gets anyway.
    """
    import json

    text = json.dumps(data, indent=indent, ensure_ascii=not is_utf8(sys.stdout))
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _visible(text: str) -> str:
    r"""The text with every control character shown as an escape instead of reaching the terminal.

    Shown: C0 controls but tab (and newline when `newlines`), DEL, C1 controls, the bidi embeddings,
    overrides and isolates U+202A-U+202E and U+2066-U+2069, and lone surrogates. The notation is
    Python's: `\x1b` for C0, DEL and C1, `\u202e` for the others, so ESC [ 2 J prints as `\x1b[2J`,
    which says exactly what the file held (less's `^[` caret form has no spelling for C1 or bidi).
    A backslash in the text is left alone: this is for reading, not a reversible encoding.

    Kept: the marks U+200E/U+200F (LRM/RLM). They only settle where neutral characters such as
    punctuation go next to right-to-left words, cannot reorder a span the way an override or
    isolate can, and a Hebrew or Arabic seller name may need them; rustc's lint against hidden
    text direction (TEXT_FLOW_CONTROL_CHARS) draws the same line.

    The common case, text with nothing to show, returns the very same string.
    """
    if _CONTROL.search(text) is not None:
        text = _CONTROL.sub(_show, text)
    return text


def _stdout() -> "IO[str]":
    stream = sys.stdout
    if stream is None:  # started with stdout closed (`>&-`): say so rather than AttributeError
        import errno

        raise OSError(errno.EBADF, "standard output is closed")
    return stream


def write_out(text: str, *, raw: bool = False) -> None:
    """Text on stdout, control characters shown (`raw`: text escaped already, as json_text() does).

    A broken pipe is left to the caller's one handler.
    """
    stream = _stdout()
    stream.write(text if raw else visible(text))
    stream.flush()


def write_err(*lines: str) -> None:
    """Lines on stderr, control characters shown; a closed stderr is no reason to crash."""
    try:
        # None when started with stderr closed (`2>&-`)
        if sys.stderr is not None:
            sys.stderr.write(visible("".join(f"{line}\n" for line in lines)))
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def say(prog: str, message: str, hint: str | None = None) -> None:
    """An error as one line in the program's name (its whitespace, newlines too, folded), and a hint."""
    write_err(f"{prog}: {' '.join(message.split())}", *([hint] if hint else []))


class _Guarded:
    """The file a console writes to: sys.stdout as it is at each write, passing only Rich's styles."""

    def write(self, text: str) -> int:
        if _CONTROL.search(text) is not None:
            parts = _SGR.split(text)  # the SGR sequences at the odd indexes
            text = "".join(part if index % 2 else visible(part) for index, part in enumerate(parts))
        return _stdout().write(text)

    def flush(self) -> None:
        _stdout().flush()

    def isatty(self) -> bool:
        return _stdout().isatty()

    def fileno(self) -> int:
        return _stdout().fileno()

    @property
    def encoding(self) -> str | None:
        return getattr(sys.stdout, "encoding", None)


def console() -> "Console":
    r"""A Rich console on stdout whose output cannot carry control sequences from texts.

    Three layers, outermost first:
    1. Callers pass every text from a rule file, a flag or a user through `safe_text()` (or
       `visible()`), before layout, so widths stay right.
    2. A render hook runs every text segment Rich renders through `visible()`, so a text that
       slipped past layer 1 cannot pass as Rich's own styling even if it holds `\x1b[31m`; its
       line comes out a few columns wider than Rich measured it.
    3. The file Rich writes to lets through only what a print needs: SGR (`\x1b[` digits and
       semicolons `m`), newline and tab. Everything else is shown, not obeyed: OSC (window titles,
       clipboard, the OSC 8 links we never make), cursor movement, CR, BEL, and Rich's own
       Control segments (Live, status, set_window_title), which bypass render hooks: using those
       means widening this filter.

    Otherwise as before: no highlighting, emoji codes or soft wrap; on TERM=dumb the real size,
    since Rich assumes 80x25 there. NO_COLOR=1 drops colours; Rich keeps bold and dim, as
    no-color.org allows.
    """
    import shutil
    from typing import cast

    from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook, RenderResult
    from rich.segment import Segment

    class Shown:
        def __init__(self, renderable: ConsoleRenderable) -> None:
            self.renderable = renderable

        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            for segment in console.render(self.renderable, options):
                if segment.control is None and _CONTROL.search(segment.text) is not None:
                    yield Segment(visible(segment.text), segment.style)
                else:
                    yield segment

    class ShowControls(RenderHook):
        def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
            return [Shown(renderable) for renderable in renderables]

    width = height = None
    if os.environ.get("TERM") == "dumb" and sys.stdout is not None and sys.stdout.isatty():
        width, height = shutil.get_terminal_size()  # Rich assumes 80x25 on a dumb terminal
    made = Console(
        file=cast("IO[str]", _Guarded()),
        highlight=False,
        soft_wrap=False,
        emoji=False,
        width=width,
        height=height,
    )
    made.push_render_hook(ShowControls())
    return made


def safe_text(text: str, style: str = "") -> "Text":
    """A text from a rule file, a flag or a user, ready for Rich: controls shown, markup not read."""
    from rich.text import Text

    return Text(visible(text), style=style)


def is_utf8(stream: object) -> bool:
    """Whether a stream (or a console) writes a UTF encoding, which can encode every character.

    The one place that answers it: aliases (UTF8, utf_8, U8, cp65001) resolve through codecs; a
    missing or unknown encoding counts as no.
    """
    import codecs

    encoding = getattr(stream, "encoding", None)
    if not isinstance(encoding, str) or not encoding:
        return False
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def unicode_ok(console: "Console") -> bool:
    """Whether the console can show typographic characters (arrows, bullets) or needs plain ones."""
    return is_utf8(console)


def _plain_characters(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: known punctuation spelled out, accents dropped (é -> e), else '?'."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    import unicodedata

    def plain(char: str) -> str:
        if char in _PLAIN:
            return _PLAIN[char]
        return unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii") or "?"

    return "".join(plain(char) for char in error.object[error.start : error.end]), error.end


def encode_plainly() -> None:
    """On a stdout or stderr that is not UTF (LANG=C), write what it cannot encode as plain characters."""
    import codecs
    import contextlib

    codecs.register_error(_PLAIN_ERRORS, _plain_characters)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not is_utf8(stream) and hasattr(stream, "reconfigure"):
            with contextlib.suppress(OSError, ValueError):
                stream.reconfigure(errors=_PLAIN_ERRORS)


def silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the interpreter's last flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def width() -> int:
    """The terminal's columns: COLUMNS if set, else the terminal's, else 80."""
    import shutil

    return shutil.get_terminal_size().columns
