"""Whole sessions in a real pseudo-terminal, against the installed command, as a person uses it.

What the terminal shows is read through pyte, a terminal emulator: the screen as a person sees it,
after every cursor movement and erasure, not the raw stream.
"""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path

import pexpect
import pyte
import pytest
from ali_cancel.model import Question, RuleSet

from .helpers import PAID_OPEN, flags

DOWN, LEFT, CTRL_C, CTRL_D = b"\x1b[B", b"\x1b[D", b"\x03", b"\x04"
GOODBYE = b"stopped: nothing was changed."

pytestmark = pytest.mark.timeout(60)

# What waits for the buyer. Arrow keys: a menu or a date (their key hint), a yes/no, an order number.
ARROW_PROMPTS = [rb"Ctrl-C quit", rb"\(y/N\)", rb"Order number"]
# Plain: the prompt lines of prompts.PlainAsker.
PLAIN_PROMPTS = [
    rb"Answer 1-\d+(?: \(b: back\))?: ",
    rb"Date(?: \(b: back\))?: ",
    rb"\(y/N\): ",
    rb"Order number[^\n]*: ",
]


def spawn(
    command: str, args: list[str], env: dict[str, str], *, columns: int = 80, rows: int = 50
) -> pexpect.spawn:
    env = {**env, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": env.get("TERM", "xterm-256color")}
    env.pop("COLUMNS", None)
    child = pexpect.spawn(command, args, env=env, timeout=10, dimensions=(rows, columns))
    child.logfile_read = io.BytesIO()  # every byte the terminal was sent
    return child


def settle(child: pexpect.spawn) -> None:
    """Let the program finish drawing: read until nothing has come for a moment."""
    child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.15)


def shown(child: pexpect.spawn) -> bytes:
    return bytes(child.logfile_read.getvalue())


def screen(child: pexpect.spawn, columns: int, rows: int = 50) -> list[str]:
    """The terminal's screen now, as lines without trailing blanks."""
    terminal = pyte.Screen(columns, rows)
    pyte.ByteStream(terminal).feed(shown(child))
    return [line.rstrip() for line in terminal.display]


def finish(child: pexpect.spawn) -> tuple[int, str]:
    """Wait for the end; the exit code and everything the terminal was sent, as text."""
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, shown(child).decode("utf-8", "replace")


def answer_each(child: pexpect.spawn, prompts: list[bytes], answers: list[bytes], limit: int = 25) -> int:
    """Answer every prompt with the answer of its kind until the program ends; how many there were."""
    count = 0
    while (kind := child.expect([*prompts, pexpect.EOF])) < len(prompts):
        settle(child)
        child.send(answers[kind])
        count += 1
        assert count < limit, "more prompts than the tree has questions"
    return count


def words(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


def holds(haystack: list[str], needle: list[str]) -> bool:
    """`needle` appears in `haystack` as consecutive words: on screen, whole, nothing cut."""
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))


def assert_whole(question: Question, lines: list[str]) -> None:
    seen = words(lines)
    for text in (question.text, question.help, *(choice.label for choice in question.choices)):
        assert holds(seen, text.split()), f"{text!r} is cut or broken on screen:\n" + "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# reading well at any width


@pytest.mark.parametrize("columns", [40, 120])
@pytest.mark.parametrize("plain", [False, True], ids=["arrows", "plain"])
def test_the_first_question_reads_whole(
    command: str, quiet_env: dict[str, str], rules: RuleSet, columns: int, plain: bool
) -> None:
    child = spawn(command, ["advise", *(["--plain"] if plain else [])], quiet_env, columns=columns)
    child.expect(PLAIN_PROMPTS[0] if plain else ARROW_PROMPTS[0])
    settle(child)
    lines = screen(child, columns)
    child.sendcontrol("c")
    finish(child)
    payment = rules.question("payment")
    assert_whole(payment, lines)
    drawn = [line for line in lines if line.strip()]
    assert payment.text in drawn[0]
    assert drawn[1].strip().startswith(payment.help.split()[0]), "the help on a line of its own"
    if columns == 120:  # room enough: each choice on one line of its own
        assert all(any(line.endswith(choice.label) for line in drawn) for choice in payment.choices)
    if plain and columns == 40:  # a hanging indent under the label
        at = drawn.index("  2) I paid, but the payment is not")
        assert drawn[at + 1] == "     verified yet"
    if not plain:
        assert any("↑↓ choose · Enter confirm" in line for line in drawn)
        assert not any("← back" in line for line in drawn), "nothing to go back to on the first question"


# ---------------------------------------------------------------------------------------------
# arrow keys


def test_pressing_enter_at_every_prompt_reaches_advice(command: str, quiet_env: dict[str, str]) -> None:
    child = spawn(command, [], quiet_env)
    child.expect("Where does the payment stand")
    settle(child)
    child.send(DOWN + DOWN + b"\r")  # paid
    presses = answer_each(child, ARROW_PROMPTS, [b"\r", b"\r", b"\r"])
    child.close()
    assert child.exitstatus == 0
    assert presses >= 3
    assert b"Sources:" in shown(child)


def test_going_back_changes_the_advice_and_leaves_no_trace(command: str, quiet_env: dict[str, str]) -> None:
    child = spawn(command, ["advise", *PAID_OPEN], quiet_env, columns=80, rows=300)
    child.expect("What does the order say about shipping")
    settle(child)
    child.send(DOWN + b"\r")  # shipped
    child.expect(ARROW_PROMPTS[0])  # the next question, whatever it is
    settle(child)
    assert any("The seller has shipped it" in line for line in screen(child, 80, 300))
    child.send(LEFT)  # back to shipping, "shipped" under the cursor
    child.expect("What does the order say about shipping")
    settle(child)
    child.send(DOWN + DOWN + b"\r")  # delivered
    answer_each(child, ARROW_PROMPTS, [b"\r", b"\r", b"\r"])
    child.close()
    assert child.exitstatus == 0
    text = shown(child).decode()
    assert "--shipping delivered" in text and "--shipping shipped" not in text
    final = screen(child, 80, 300)
    assert not any("The seller has shipped it" in line for line in final), "the undone answer stays on screen"
    assert sum(line.startswith("? What does the order say about shipping?") for line in final) == 1


def test_ctrl_c_at_the_menu_exits_130_with_one_line(command: str, quiet_env: dict[str, str]) -> None:
    child = spawn(command, ["advise"], quiet_env)
    child.expect("Where does the payment stand")
    settle(child)
    child.send(CTRL_C)
    code, output = finish(child)
    assert code == 130
    assert output.count(GOODBYE.decode()) == 1
    assert "Traceback" not in output and "Aborted" not in output


def test_ctrl_d_at_the_menu_also_leaves_cleanly(command: str, quiet_env: dict[str, str]) -> None:
    child = spawn(command, ["advise", "--payment", "paid"], quiet_env)
    child.expect("Has AliExpress closed the order")
    settle(child)
    child.send(CTRL_D)
    code, output = finish(child)
    assert code == 130
    assert output.count(GOODBYE.decode()) == 1 and "Traceback" not in output


def test_json_to_a_file_while_prompting_stays_pure(
    command: str, quiet_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    line = f"{shlex.quote(command)} advise {' '.join(PAID_OPEN)} --json > {shlex.quote(str(out))}"
    child = spawn("/bin/sh", ["-c", line], quiet_env)
    child.expect("What does the order say about shipping")
    answer_each(child, ARROW_PROMPTS, [b"\r", b"\r", b"\r"])
    child.close()
    assert child.exitstatus == 0
    data = json.loads(out.read_text())  # the whole file is the one JSON object
    assert data["action"]["id"]
    assert data["path"][0] == {"question": "payment", "answer": "paid"}


def test_stdin_from_dev_null_names_the_flags(command: str, quiet_env: dict[str, str]) -> None:
    child = spawn("/bin/sh", ["-c", f"{shlex.quote(command)} advise --payment paid < /dev/null"], quiet_env)
    code, output = finish(child)
    assert code == 2
    assert "--closed no|seller-timeout|reused-coupon|payment-check" in output
    assert "try: ali-cancel advise --payment paid --closed <" in output


def test_an_alias_with_every_answer_shows_no_prompt(command: str, quiet_env: dict[str, str]) -> None:
    child = spawn(command, ["advise", "--payment", "paid", "--closed", "reused-coupon"], quiet_env)
    code, output = finish(child)
    assert code == 0
    assert "Ctrl-C quit" not in output and "Answer 1-" not in output and "(y/N)" not in output
    assert "Sources:" in output


def test_the_message_is_offered_with_the_order_number(command: str, quiet_env: dict[str, str]) -> None:
    args = ["advise", *PAID_OPEN, *flags(shipping="shipped", want="refund", seller_reply="not-contacted")]
    child = spawn(command, args, quiet_env)
    while child.expect([ARROW_PROMPTS[0], rb"Show a message to paste to the seller"]) == 0:
        settle(child)  # a question the flags left out: its first answer
        child.send(b"\r")
    settle(child)
    child.send(b"y")
    child.expect("Order number")
    settle(child)
    child.send(b"12ab")
    child.expect("Digits only")
    child.send(b"\b\b34\r")
    answer_each(child, ARROW_PROMPTS, [b"\r", b"n", b"\r"])
    child.close()
    assert child.exitstatus == 0
    assert "order 1234" in shown(child).decode()


def test_prompts_and_advice_on_an_ascii_terminal(command: str, quiet_env: dict[str, str]) -> None:
    env = {**quiet_env, "LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"}
    child = spawn(command, ["advise", "--payment", "paid"], env)
    child.expect("Has AliExpress closed the order")
    child.expect("up/down choose, Enter confirm, Ctrl-C quit")  # no arrows drawn that cannot be shown
    settle(child)
    child.send(DOWN + b"\r")  # the seller did not ship in time
    answer_each(child, ARROW_PROMPTS, [b"\r", b"\r", b"\r"])
    code, output = finish(child)
    assert code == 0
    assert "Traceback" not in output
    assert shown(child).isascii()
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output)
    assert "+-" in plain  # an ASCII box: the terminal cannot show the rounded one


# ---------------------------------------------------------------------------------------------
# plain prompts


def test_a_dumb_terminal_answered_with_numbers_gets_advice_and_no_escape_byte(
    command: str, quiet_env: dict[str, str]
) -> None:
    env = {k: v for k, v in quiet_env.items() if k != "NO_COLOR"}  # TERM=dumb alone must do it
    child = spawn(command, ["advise", "--payment", "paid"], {**env, "TERM": "dumb"}, columns=60)
    prompts = answer_each(child, PLAIN_PROMPTS, [b"1\r", b"\r", b"\r", b"\r"])
    code, output = finish(child)
    assert code == 0
    assert prompts >= 2
    assert b"\x1b" not in shown(child)
    assert "Sources:" in output
    interview = output[: output.rindex("Answer 1-")].replace("\r", "").splitlines()
    assert all(len(line) <= 60 for line in interview), "prompts wrapped to the terminal: nothing wider"


@pytest.mark.parametrize("how", ["flag", "env"])
def test_plain_with_a_step_back_ends_in_advice(command: str, quiet_env: dict[str, str], how: str) -> None:
    args, env = ["advise", *PAID_OPEN], dict(quiet_env)
    if how == "flag":
        args.append("--plain")
    else:
        env["ALI_CANCEL_PLAIN"] = "1"
    child = spawn(command, args, env)
    child.expect("What does the order say about shipping")
    child.expect(PLAIN_PROMPTS[0])
    child.sendline(b"2")  # shipped
    child.expect(PLAIN_PROMPTS[0])  # the next question
    child.sendline(b"b")
    child.expect("What does the order say about shipping")
    child.expect(rb"Answer 1-4: ")  # the first prompted question: nothing before it to go back to
    child.sendline(b"Delivered")  # a value, in any case
    answer_each(child, PLAIN_PROMPTS, [b"1\r", b"\r", b"\r", b"\r"])
    code, output = finish(child)
    assert code == 0
    assert "--shipping delivered" in output and "--shipping shipped" not in output
    assert "Sources:" in output
    assert "\x1b" not in output[: output.rindex("Answer 1-")], "plain prompts send no escape sequence"


def test_plain_asks_again_after_a_wrong_answer(command: str, quiet_env: dict[str, str]) -> None:
    child = spawn(command, ["advise", "--plain"], quiet_env)
    child.expect(PLAIN_PROMPTS[0])
    child.sendline(b"7")
    child.expect(rb"Type a number from 1 to 3\.")
    child.expect(PLAIN_PROMPTS[0])
    child.sendline(b"")  # no default: Enter alone is no answer
    child.expect(rb"Type a number from 1 to 3\.")
    child.expect(PLAIN_PROMPTS[0])
    child.sendline(b"unpaid")
    code, output = finish(child)
    assert code == 0
    assert "Sources:" in output


@pytest.mark.parametrize(("key", "name"), [(CTRL_C, "ctrl-c"), (CTRL_D, "ctrl-d")])
@pytest.mark.parametrize("how", ["flag", "env"])
def test_ctrl_c_and_ctrl_d_at_a_plain_prompt_exit_130(
    command: str, quiet_env: dict[str, str], key: bytes, name: str, how: str
) -> None:
    args, env = ["advise", "--payment", "paid"], dict(quiet_env)
    if how == "flag":
        args.append("--plain")
    else:
        env["ALI_CANCEL_PLAIN"] = "1"
    child = spawn(command, args, env)
    child.expect(PLAIN_PROMPTS[0])
    child.send(key)
    code, output = finish(child)
    assert code == 130, name
    after = output[output.rindex("Answer 1-") :]
    assert after.count(GOODBYE.decode()) == 1
    assert "Traceback" not in output
    goodbye = [line for line in after.replace("\r", "").splitlines() if GOODBYE.decode() in line]
    assert goodbye == [f"ali-cancel: {GOODBYE.decode()}"], "the goodbye on a line of its own"
