"""The askers in-process: arrow keys fed by prompt_toolkit's pipe input, plain prompts fed by StringIO."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pyte
import pytest
from ali_cancel.interview import DatePrompt
from ali_cancel.model import Choice, Question
from ali_cancel.prompts import BACK, ArrowAsker, PlainAsker, make_asker, wants_plain, wrap
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

ENTER, DOWN, UP, LEFT, CTRL_C, CTRL_D, ERASE = "\r", "\x1b[B", "\x1b[A", "\x1b[D", "\x03", "\x04", "\x7f"

pytestmark = pytest.mark.timeout(20)  # a prompt waiting for keys that never come must not hang the suite

PAYMENT = Question(
    "payment",
    "Where does the payment stand?",
    "My Orders shows 'Awaiting payment' until you pay, and a notice while the payment is checked.",
    (
        Choice("unpaid", "I have not paid yet"),
        Choice("verifying", "I paid, but the payment is not verified yet"),
        Choice("paid", "I paid and the payment is verified"),
    ),
)
CLOSED = Question(
    "closed",
    "Has AliExpress closed the order?",
    "Look at the order's status and any message that came with it.",
    (
        Choice("no", "No, the order is still open"),
        Choice("seller-timeout", "Yes: the seller did not ship in time"),
        Choice("reused-coupon", "Yes, for security: a coupon I had used before"),
        Choice("payment-check", "Yes, for security: my payment or card is checked"),
    ),
)


def read_date(text: str) -> str:
    """A stand-in for the real reader: "bad" cannot be read, anything else is taken as it is."""
    if text == "bad":
        raise ValueError("'bad' is not a date or time: use 2026-11-20 or 4 days ago")
    return f"read:{text}"


REQUESTED = DatePrompt(
    "requested-at", "When did you ask to cancel?", "The order's history shows it.", read_date
)


@contextmanager
def keys(text: str) -> Iterator[None]:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(text)
        yield


def words(text: str) -> list[str]:
    return text.split()


def holds(haystack: list[str], needle: list[str]) -> bool:
    """`needle` appears in `haystack` as consecutive words."""
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))


# ---------------------------------------------------------------------------------------------
# arrow keys


def test_arrows_and_enter_choose() -> None:
    with keys(DOWN + ENTER):
        assert ArrowAsker().choose(PAYMENT, None, False) == "verifying"
    with keys(UP + ENTER):  # from the first, up wraps round to the last
        assert ArrowAsker().choose(PAYMENT, None, False) == "paid"


def test_the_cursor_starts_on_the_earlier_answer() -> None:
    with keys(ENTER):
        assert ArrowAsker().choose(PAYMENT, "paid", True) == "paid"
    with keys(UP + ENTER):
        assert ArrowAsker().choose(PAYMENT, "paid", True) == "verifying"
    with keys(ENTER):  # a default that is not a value is no default
        assert ArrowAsker().choose(PAYMENT, "gone", False) == "unpaid"


def test_left_goes_back_only_where_there_is_somewhere_to_go() -> None:
    with keys(DOWN + LEFT):
        assert ArrowAsker().choose(PAYMENT, None, True) == BACK
    with keys(LEFT + ENTER):
        assert ArrowAsker().choose(PAYMENT, None, False) == "unpaid"


def test_the_back_choice_is_last_and_enter_alone_never_goes_back() -> None:
    with keys(DOWN * len(PAYMENT.choices) + ENTER):  # past the last choice and the blank line
        assert ArrowAsker().choose(PAYMENT, None, True) == BACK
    with keys(ENTER):
        assert ArrowAsker().choose(PAYMENT, None, True) == "unpaid"
    with keys(DOWN * len(PAYMENT.choices) + ENTER):  # no Back: the list wraps round to the first
        assert ArrowAsker().choose(PAYMENT, None, False) == "unpaid"


ASKS: dict[str, Callable[[ArrowAsker], object]] = {
    "choose": lambda asker: asker.choose(PAYMENT, None, True),
    "date": lambda asker: asker.date(REQUESTED, True),
    "confirm": lambda asker: asker.confirm("Show a message?"),
    "order_number": lambda asker: asker.order_number("Order number:"),
}


@pytest.mark.parametrize("prompt", ASKS)
@pytest.mark.parametrize(("key", "error"), [(CTRL_C, KeyboardInterrupt), (CTRL_D, EOFError)])
def test_ctrl_c_and_ctrl_d_end_every_prompt(prompt: str, key: str, error: type[BaseException]) -> None:
    with keys(key), pytest.raises(error):
        ASKS[prompt](ArrowAsker())


def test_ctrl_d_ends_a_text_prompt_even_with_text_typed() -> None:
    with keys("2026" + CTRL_D), pytest.raises(EOFError):
        ArrowAsker().date(REQUESTED, True)


def test_confirm_defaults_to_no() -> None:
    with keys(ENTER):
        assert ArrowAsker().confirm("Show a message?") is False
    with keys("y"):
        assert ArrowAsker().confirm("Show a message?") is True
    with keys("n"):
        assert ArrowAsker().confirm("Show a message?") is False


def test_a_date_that_cannot_be_read_is_asked_again() -> None:
    # the text stays for editing: erase "bad", type a good one
    with keys("bad" + ENTER + ERASE * 3 + "4 days ago" + ENTER):
        assert ArrowAsker().date(REQUESTED, True) == "read:4 days ago"


def test_an_empty_date_is_i_dont_know_and_left_on_an_empty_line_goes_back() -> None:
    with keys(ENTER):
        assert ArrowAsker().date(REQUESTED, True) is None
    with keys(LEFT):
        assert ArrowAsker().date(REQUESTED, True) == BACK
    with keys("yesterday" + LEFT + ENTER):  # with text, left moves the cursor
        assert ArrowAsker().date(REQUESTED, True) == "read:yesterday"
    with keys(LEFT + ENTER):  # no way back: left does nothing
        assert ArrowAsker().date(REQUESTED, False) is None


def test_the_order_number_takes_digits_or_nothing() -> None:
    with keys("12ab" + ENTER + ERASE * 2 + "34" + ENTER):
        assert ArrowAsker().order_number("Order number:") == "1234"
    with keys(ENTER):
        assert ArrowAsker().order_number("Order number:") is None


# -- what the arrow-key prompts draw, through a terminal emulator


class Terminal:
    """A VT100 output of a given width whose bytes land in a pyte screen, seen after every flush."""

    def __init__(self, columns: int, rows: int = 30) -> None:
        self.written = io.StringIO()
        self.screen = pyte.Screen(columns, rows)
        self.seen: list[list[str]] = []  # the screen's lines after each flush
        stream = pyte.Stream(self.screen)
        terminal = self

        class Output(Vt100_Output):
            def flush(self) -> None:
                start = terminal.written.tell()
                super().flush()
                stream.feed(terminal.written.getvalue()[start:])
                terminal.seen.append(terminal.lines())

        self.output = Output(
            self.written, lambda: Size(rows=rows, columns=columns), term="xterm", enable_cpr=False
        )

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display if line.strip()]

    def fullest(self) -> list[str]:
        """The screen when it showed the most: a prompt before it was answered and erased."""
        return max(self.seen, key=len)


def drawn_while_asking(terminal: Terminal, ask: Callable[[], object]) -> list[str]:
    """The screen while the prompt waited (Ctrl-D then ends it)."""
    with keys(CTRL_D), pytest.raises(EOFError):
        ask()
    return terminal.fullest()


@pytest.mark.parametrize("columns", [40, 120])
def test_question_help_and_choices_are_whole_at_any_width(columns: int) -> None:
    terminal = Terminal(columns)
    asker = ArrowAsker(terminal.output)
    screen = drawn_while_asking(terminal, lambda: asker.choose(CLOSED, None, True))
    seen = words(" ".join(screen))
    for text in (CLOSED.text, CLOSED.help, *(c.label for c in CLOSED.choices)):
        assert holds(seen, words(text)), f"{text!r} is cut or broken on screen:\n" + "\n".join(screen)
    assert screen[0].startswith("? Has AliExpress")
    help_line = next(i for i, line in enumerate(screen) if line.strip().startswith("Look at"))
    assert help_line == 1, "the help has a line of its own, under the question"
    assert any("↑↓ choose · Enter confirm" in line for line in screen)
    assert any("← back" in line for line in screen)
    if columns == 120:
        assert all(any(line.endswith(c.label) for line in screen) for c in CLOSED.choices)
    else:  # a long choice goes on under itself, not under the pointer
        at = next(i for i, line in enumerate(screen) if "a coupon I had" in line)
        assert screen[at + 1].startswith("   used")


def test_no_back_key_in_the_hint_on_the_first_question_and_ascii_where_unicode_cannot_go() -> None:
    terminal = Terminal(80)
    asker = ArrowAsker(terminal.output, unicode=False)
    screen = drawn_while_asking(terminal, lambda: asker.choose(PAYMENT, None, False))
    assert any("up/down choose, Enter confirm, Ctrl-C quit" in line for line in screen)
    assert all(line.isascii() for line in screen)
    assert not any("back" in line.lower() for line in screen)


def test_the_date_prompt_shows_its_help_the_forms_and_why_an_answer_was_refused() -> None:
    terminal = Terminal(40)
    asker = ArrowAsker(terminal.output)
    with keys("bad" + ENTER + CTRL_D), pytest.raises(EOFError):
        asker.date(REQUESTED, True)
    seen = words(" ".join(terminal.fullest()))
    for text in (
        REQUESTED.text,
        REQUESTED.help,
        "4 days ago, yesterday, -3d or 2026-11-20;",
        "Enter if you don't know.",
        "'bad' is not",
    ):
        assert holds(seen, words(text)), text


def test_going_back_takes_the_undone_answer_off_the_screen() -> None:
    terminal = Terminal(40)
    asker = ArrowAsker(terminal.output)
    with keys(DOWN + ENTER):
        asker.choose(PAYMENT, None, False)
    answered = terminal.lines()
    assert answered == [
        "? Where does the payment stand?",
        "  I paid, but the payment is not",
        "  verified yet",
    ]
    with keys(ENTER):
        asker.choose(CLOSED, None, True)
    assert terminal.lines() == [
        *answered,
        "? Has AliExpress closed the order?",
        "  No, the order is still open",
    ]
    with keys(LEFT):  # a date after "closed", then back: "closed" is undone
        assert asker.date(REQUESTED, True) == BACK
    assert terminal.lines() == answered
    with keys(LEFT):  # back from "closed" to "payment"
        assert asker.choose(CLOSED, None, True) == BACK
    assert terminal.lines() == []
    with keys(UP + ENTER):  # "payment" again, the earlier answer under the cursor
        assert asker.choose(PAYMENT, "verifying", False) == "unpaid"
    assert terminal.lines() == ["? Where does the payment stand?", "  I have not paid yet"]


def test_make_asker_draws_ascii_where_the_stream_is_not_utf8() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    asker = make_asker(plain=False, output_stream=stream)
    assert isinstance(asker, ArrowAsker)
    with keys(CTRL_D), pytest.raises(EOFError):
        asker.choose(PAYMENT, None, True)
    stream.flush()
    shown = raw.getvalue().decode("ascii")
    assert "up/down choose, Enter confirm, left back, Ctrl-C quit" in shown


# ---------------------------------------------------------------------------------------------
# plain


class Typed:
    """Lines typed at a terminal: each one read shows in the output too, as a terminal echoes it."""

    def __init__(self, typed: str, echo: io.StringIO) -> None:
        self.lines = io.StringIO(typed)
        self.echo = echo

    def readline(self) -> str:
        line = self.lines.readline()
        self.echo.write(line)
        return line


def plain(typed: str) -> tuple[PlainAsker, io.StringIO]:
    output = io.StringIO()
    return PlainAsker(output, Typed(typed, output)), output


def test_make_asker_plain_reads_the_given_stream_and_writes_the_given_one() -> None:
    output = io.StringIO()
    asker = make_asker(plain=True, output_stream=output, input_stream=io.StringIO("3\n"))
    assert isinstance(asker, PlainAsker)
    assert asker.choose(PAYMENT, None, False) == "paid"
    assert "Where does the payment stand?" in output.getvalue()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2\n", "verifying"),
        (" 3 \n", "paid"),
        ("PAID\n", "paid"),
        ("Verifying\n", "verifying"),
        ("b\n", BACK),
    ],
)
def test_plain_takes_a_number_a_value_in_any_case_or_b(typed: str, expected: str) -> None:
    asker, _ = plain(typed)
    assert asker.choose(PAYMENT, None, True) == expected


def test_plain_asks_again_after_anything_else_and_has_no_default() -> None:
    asker, output = plain("\n4\n0\nyes\nb\n1\n")
    assert asker.choose(PAYMENT, "paid", False) == "unpaid"
    shown = output.getvalue()
    assert shown.count("Answer 1-3: ") == 6
    assert shown.count("Type a number from 1 to 3.\n") == 5  # "b" too: nothing to go back to


def test_plain_shows_the_question_help_numbered_choices_and_the_prompt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    asker, output = plain("1\n")
    asker.choose(PAYMENT, None, True)
    assert output.getvalue().splitlines()[1:] == [
        "Where does the payment stand?",
        "My Orders shows 'Awaiting payment' until you pay, and a notice while the payment is checked.",
        "  1) I have not paid yet",
        "  2) I paid, but the payment is not verified yet",
        "  3) I paid and the payment is verified",
        "Answer 1-3 (b: back): 1",
    ]


def test_plain_wraps_at_words_to_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    asker, output = plain("x\n1\n")
    asker.choose(CLOSED, None, True)
    lines = output.getvalue().splitlines()
    assert all(len(line) <= 40 for line in lines), lines
    seen = words(output.getvalue())
    for text in (CLOSED.text, CLOSED.help, *(c.label for c in CLOSED.choices)):
        assert holds(seen, words(text)), text
    at = lines.index("  3) Yes, for security: a coupon I had")
    assert lines[at + 1] == "     used before"  # a hanging indent under the label


def test_plain_writes_no_escape_sequence_at_all() -> None:
    asker, output = plain("1\nbad\n\n\nmaybe\ny\n12ab\n42\n")
    asker.choose(PAYMENT, None, False)
    asker.date(REQUESTED, True)
    asker.date(REQUESTED, True)
    assert asker.confirm("Show a message?") is True
    assert asker.order_number("Order number:") == "42"
    assert "\x1b" not in output.getvalue()


def test_plain_dates_empty_back_and_a_bad_one_asked_again() -> None:
    asker, output = plain("\nb\nbad\n2026-11-20\n")
    assert asker.date(REQUESTED, True) is None
    assert asker.date(REQUESTED, True) == BACK
    assert asker.date(REQUESTED, False) == "read:2026-11-20"  # "b" is no answer without a way back
    shown = output.getvalue()
    assert "'bad' is not a date or time" in shown
    assert "Enter if you don't know" in shown
    assert "The order's history shows it." in shown


@pytest.mark.parametrize(
    ("typed", "expected"), [("\n", False), ("n\n", False), ("No\n", False), ("y\n", True), ("YES\n", True)]
)
def test_plain_confirm_is_no_unless_told_yes(typed: str, expected: bool) -> None:
    asker, output = plain(typed)
    assert asker.confirm("Show a message?") is expected
    assert "Show a message? (y/N): " in output.getvalue()


def test_plain_confirm_and_order_number_ask_again() -> None:
    asker, output = plain("sure\ny\n12ab\n\n")
    assert asker.confirm("Show a message?") is True
    assert asker.order_number("Order number:") is None
    assert "Type y for yes" in output.getvalue() and "Digits only" in output.getvalue()


@pytest.mark.parametrize("prompt", ["choose", "date", "confirm", "order_number"])
def test_plain_end_of_input_is_eof_error(prompt: str) -> None:
    asker, _ = plain("")
    calls: dict[str, Callable[[], object]] = {
        "choose": lambda: asker.choose(PAYMENT, None, True),
        "date": lambda: asker.date(REQUESTED, True),
        "confirm": lambda: asker.confirm("Show a message?"),
        "order_number": lambda: asker.order_number("Order number:"),
    }
    with pytest.raises(EOFError):
        calls[prompt]()


def test_plain_lets_ctrl_c_through() -> None:
    class Interrupting:
        def readline(self) -> str:
            raise KeyboardInterrupt

    output = io.StringIO()
    asker = PlainAsker(output, Interrupting())
    with pytest.raises(KeyboardInterrupt):
        asker.choose(PAYMENT, None, False)
    assert output.getvalue().endswith("Answer 1-3: \n")  # the goodbye starts on a line of its own


# ---------------------------------------------------------------------------------------------
# choosing the asker, wrapping, start-up


@pytest.mark.parametrize(
    ("flag", "environ", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (False, {"ALI_CANCEL_PLAIN": "1"}, True),
        (False, {"ALI_CANCEL_PLAIN": "yes"}, True),
        (False, {"ALI_CANCEL_PLAIN": "0"}, False),
        (False, {"ALI_CANCEL_PLAIN": ""}, False),
        (False, {"TERM": "dumb"}, True),
        (False, {"TERM": "emacs"}, True),
        (False, {"TERM": "xterm-256color"}, False),
        (True, {"ALI_CANCEL_PLAIN": "0", "TERM": "xterm"}, True),
    ],
)
def test_wants_plain(flag: bool, environ: dict[str, str], expected: bool) -> None:
    assert wants_plain(flag, environ) is expected


def test_wrap_breaks_at_spaces_only() -> None:
    assert wrap("I paid, but the payment is not verified yet", 20, "  1) ", "     ") == [
        "  1) I paid, but the",
        "     payment is not",
        "     verified yet",
    ]
    assert wrap("card-ownership-check-that-is-long", 10) == ["card-ownership-check-that-is-long"]
    assert wrap("", 10) == [""]


def test_importing_the_prompts_or_asking_plainly_loads_no_prompt_toolkit() -> None:
    code = (
        "import io, sys\n"
        "from ali_cancel.prompts import make_asker\n"
        "from ali_cancel.model import Choice, Question\n"
        "q = Question('q', 'Q?', 'help', (Choice('a', 'A'), Choice('b', 'B')))\n"
        "asker = make_asker(plain=True, output_stream=io.StringIO(), input_stream=io.StringIO('2\\n'))\n"
        "assert asker.choose(q, None, False) == 'b'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('questionary', 'prompt_toolkit')))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "[]"
