"""Whole sessions in a real pseudo-terminal, against the installed command, as a person uses it.

What the terminal shows is read through pyte, a terminal emulator: the screen as a person sees it,
after every cursor movement and erasure, not the raw stream.
"""

from __future__ import annotations

import io
import json
import re
import shlex
import subprocess
from datetime import datetime, timedelta, timezone
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
@pytest.mark.parametrize("how", ["flag", "env", "bare"])
def test_ctrl_c_and_ctrl_d_at_a_plain_prompt_exit_130(
    command: str, quiet_env: dict[str, str], key: bytes, name: str, how: str
) -> None:
    args, env = ["advise", "--payment", "paid"], dict(quiet_env)
    if how == "flag":
        args.append("--plain")
    elif how == "bare":  # `ali-cancel --plain`, no command: the advisor, plain
        args = ["--plain"]
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


# ---------------------------------------------------------------------------------------------
# dates asked in the interview, the command to run again, and what is offered after the advice

PENDING_PATH = [*PAID_OPEN, "--shipping", "not-shipped"]  # then: ship-by, cancel-request, requested-at
DAMAGED_PATH = [*PAID_OPEN, *flags(shipping="shipped", problem="damaged")]  # then: seller-reply, protection
ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?[+-]\d\d:\d\d")
REPLAY_HEAD = "The same advice without questions"
SHIP_BY_Q = "Until when must the seller ship"
CANCEL_Q = "Have you asked to cancel this order?"
REQUESTED_Q = "When did you submit the cancellation request?"
COUPON_Q = "Did you pay part of the order with a coupon?"
ITEMS_Q = "Are you giving up every item you bought with that coupon?"
REPLY_Q = "Have you written to the seller about it?"
ENDS_Q = "When does buyer protection end"
PROTECTION_Q = "How much buyer protection time is left?"
MESSAGE_OFFER = "Show a message to paste to the seller?"
REMEMBER_OFFER = "Remember this order in the notebook, to follow it?"
ORDER_Q = "Order number"


def plain(command: str, args: list[str], env: dict[str, str], *, columns: int = 100) -> pexpect.spawn:
    """A session on a dumb terminal: numbered choices, typed dates, lines in."""
    return spawn(command, args, {**env, "TERM": "dumb"}, columns=columns, rows=300)


def reply(child: pexpect.spawn, question: str, keys: bytes, *, arrows: bool = False) -> None:
    """Wait for `question`, then its prompt, then type `keys` (a plain answer needs its own Enter)."""
    child.expect(re.escape(question))
    child.expect(ARROW_PROMPTS if arrows else PLAIN_PROMPTS)
    if arrows:
        settle(child)  # the menu or the line is drawn: the keys go to it
    child.send(keys)


def text_of(child: pexpect.spawn) -> str:
    """Everything the terminal was sent, as text, line ends as in a file."""
    return shown(child).decode("utf-8", "replace").replace("\r", "")


def advice_at(output: str) -> int:
    """Where the advice box starts: its top left corner, rounded or ASCII, at the start of a line."""
    found = re.search(r"^(?:╭─|\+-)", output, re.MULTILINE)
    assert found is not None, "no advice box"
    return found.start()


def deadline_line(output: str, label: str) -> str:
    """The line under a deadline's label in the advice box: its date and how far off it is."""
    lines = [line.strip(" │|") for line in output.splitlines()]
    at = next(i for i, line in enumerate(lines) if line.startswith(f"• {label}"))
    return lines[at + 1]


def replay_words(child: pexpect.spawn, columns: int) -> list[str]:
    """The one-shot command as the screen shows it, under its heading, split as a shell would."""
    lines = screen(child, columns, 300)
    at = next(i for i, line in enumerate(lines) if line.startswith(REPLAY_HEAD))
    return shlex.split(lines[at + 1])


def notebook_files(env: dict[str, str]) -> list[Path]:
    home = Path(env["ALI_CANCEL_HOME"])
    return sorted(home.iterdir()) if home.exists() else []


def test_a_request_four_days_old_is_advised_as_no_response_after_a_bad_date(
    command: str, quiet_env: dict[str, str]
) -> None:
    child = plain(command, ["advise", *PENDING_PATH], quiet_env)
    reply(child, SHIP_BY_Q, b"\r")  # not-shipped came from a flag: its date is asked first; Enter: unknown
    reply(child, CANCEL_Q, b"2\r")  # pending
    reply(child, REQUESTED_Q, b"blah\r")  # asked right after the answer that makes it matter
    child.expect(r"'blah' is not a date or time: use 2026-11-20")  # the reason, then the same prompt again
    child.expect(rb"Date \(b: back\): ")
    child.sendline(b"4 days ago")
    reply(child, COUPON_Q, b"1\r")
    reply(child, REMEMBER_OFFER, b"\r")
    code, _ = finish(child)
    output = text_of(child)
    assert code == 0
    assert output.count(REQUESTED_Q) == 1, "the bad date asks again with the prompt line, not the question"
    advice = output[advice_at(output) :]
    assert "The seller let 72 hours pass" in advice  # the no-response advice
    assert "contact AliExpress support" in advice
    assert "overrules --cancel-request pending" in " ".join(advice.split())
    due = deadline_line(advice, "Seller must answer your cancellation request")
    assert re.search(r", [\w ]+ ago$", due), f"72 hours after 4 days ago is passed: {due!r}"
    assert "Refund starts at the earliest" in advice, "the refund clock starts at the 72nd hour"


def test_an_empty_date_means_i_dont_know_and_the_category_decides(
    command: str, quiet_env: dict[str, str]
) -> None:
    child = plain(command, ["advise", *PENDING_PATH], quiet_env, columns=250)
    reply(child, SHIP_BY_Q, b"\r")
    reply(child, CANCEL_Q, b"2\r")
    reply(child, REQUESTED_Q, b"\r")
    reply(child, COUPON_Q, b"1\r")  # the next question: the empty date was taken as an answer
    reply(child, REMEMBER_OFFER, b"\r")
    code, _ = finish(child)
    output = text_of(child)
    assert code == 0
    assert "Wait for the seller's answer to your cancellation request" in output  # pending, as answered
    assert "Seller must answer" not in output and "overrules" not in output
    command_line = replay_words(child, 250)
    assert "--requested-at" not in command_line and "--ship-by" not in command_line
    assert dict(zip(command_line[2::2], command_line[3::2], strict=True))["--cancel-request"] == "pending"


@pytest.mark.parametrize("ends", ["in 2 days", ""], ids=["known", "unknown"])
def test_protection_ends_is_asked_before_its_category(
    command: str, quiet_env: dict[str, str], ends: str
) -> None:
    child = plain(command, ["advise", *DAMAGED_PATH], quiet_env)
    reply(child, REPLY_Q, b"1\r")  # not contacted: the path goes on to buyer protection
    reply(child, ENDS_Q, ends.encode() + b"\r")
    if not ends:  # "I don't know": then the category is asked
        reply(child, PROTECTION_Q, b"1\r")
    reply(child, MESSAGE_OFFER, b"\r")
    reply(child, REMEMBER_OFFER, b"\r")
    code, _ = finish(child)
    output = text_of(child)
    assert code == 0
    interview = output[: advice_at(output)]
    assert interview.index(REPLY_Q) < interview.index(ENDS_Q)
    if ends:
        assert PROTECTION_Q not in interview, "the date decides the category: it is not asked"
        assert "Open a dispute before buyer protection runs out" in output  # 2 days left: running out
        assert re.search(r", in [\w ]+$", deadline_line(output, "Buyer protection ends"))
        assert re.search(r", [\w ]+ ago$", deadline_line(output, "Open a dispute by"))
    else:
        assert interview.index(ENDS_Q) < interview.index(PROTECTION_Q)
        assert "Buyer protection ends" not in output[advice_at(output) :]


def test_protection_given_as_a_flag_asks_no_end_date(command: str, quiet_env: dict[str, str]) -> None:
    child = plain(command, ["advise", *DAMAGED_PATH, "--protection", "plenty-left"], quiet_env)
    reply(child, REPLY_Q, b"1\r")
    reply(child, MESSAGE_OFFER, b"\r")  # straight to the advice and its offers: no date in between
    reply(child, REMEMBER_OFFER, b"\r")
    code, _ = finish(child)
    output = text_of(child)
    assert code == 0
    interview = output[: advice_at(output)]
    assert ENDS_Q not in interview and PROTECTION_Q not in interview and "Date" not in interview


def test_arrow_keys_a_date_typed_again_after_a_bad_one(command: str, quiet_env: dict[str, str]) -> None:
    child = spawn(command, ["advise", *PENDING_PATH, "--ship-by", "in 5 days"], quiet_env, rows=300)
    reply(child, CANCEL_Q, DOWN + b"\r", arrows=True)  # the second choice: pending
    reply(child, REQUESTED_Q, b"blah\r", arrows=True)
    child.expect(r"! 'blah' is not a date or time")  # shown under the question, which stays
    settle(child)
    child.send(b"\x7f" * 4 + b"4 days ago\r")  # the bad answer is kept for mending: erase it
    reply(child, COUPON_Q, b"\r", arrows=True)
    reply(child, REMEMBER_OFFER, b"n", arrows=True)
    code, _ = finish(child)
    assert code == 0
    final = screen(child, 80, 300)
    at = next(i for i, line in enumerate(final) if line.startswith(f"? {REQUESTED_Q}"))
    summary = " ".join(final[at : at + 2])  # the answer after the question, or under it when too long
    assert re.search(r"4 days ago \(\d{4}-\d\d-\d\dT", summary), summary  # what was typed, what it means
    assert not any("blah" in line for line in final), "the refused answer leaves no trace"
    assert any("The seller let 72 hours pass" in line for line in final)


@pytest.mark.parametrize(
    ("arrows", "requested"),
    [(True, "-4d"), (False, "yesterday")],
    ids=["arrows-moment", "plain-date-only"],
)
def test_the_command_to_run_again_gives_the_same_advice(
    command: str, quiet_env: dict[str, str], tmp_path: Path, arrows: bool, requested: str
) -> None:
    columns = 250  # the command on one line of the screen
    out = tmp_path / "session.json"
    line = f"{shlex.quote(command)} advise {' '.join(PENDING_PATH)} --json > {shlex.quote(str(out))}"
    env = quiet_env if arrows else {**quiet_env, "TERM": "dumb"}
    days = {datetime.now(timezone.utc).date() - timedelta(days=1)}  # local time is UTC (quiet_env)
    child = spawn("/bin/sh", ["-c", line], env, columns=columns, rows=300)
    if arrows:
        reply(child, SHIP_BY_Q, b"in 3 days\r", arrows=True)
        reply(child, CANCEL_Q, DOWN + b"\r", arrows=True)
        reply(child, REQUESTED_Q, requested.encode() + b"\r", arrows=True)
        reply(child, COUPON_Q, DOWN + b"\r", arrows=True)  # an AliExpress coupon
        reply(child, ITEMS_Q, b"\r", arrows=True)  # every item
        reply(child, REMEMBER_OFFER, b"n", arrows=True)
    else:
        reply(child, SHIP_BY_Q, b"in 3 days\r")
        reply(child, CANCEL_Q, b"2\r")
        reply(child, REQUESTED_Q, requested.encode() + b"\r")
        reply(child, COUPON_Q, b"2\r")
        reply(child, ITEMS_Q, b"1\r")
        reply(child, REMEMBER_OFFER, b"\r")
    code, _ = finish(child)
    days.add(datetime.now(timezone.utc).date() - timedelta(days=1))  # midnight may have passed meanwhile
    assert code == 0
    session = json.loads(out.read_text())
    words = replay_words(child, columns)
    assert words[:2] == ["ali-cancel", "advise"]
    pairs = dict(zip(words[2::2], words[3::2], strict=True))
    assert all(flag.startswith("--") for flag in pairs)
    expected = {
        "--payment": "paid",
        "--closed": "no",
        "--shipping": "not-shipped",
        "--cancel-request": "pending",
        "--coupon": "platform",
        "--items": "all",
    }
    assert {flag: value for flag, value in pairs.items() if flag in expected} == expected
    assert set(pairs) == {*expected, "--ship-by", "--requested-at"}, "every answer and date, nothing more"
    assert "--now" not in words
    assert ISO_MOMENT.fullmatch(pairs["--ship-by"]), pairs["--ship-by"]
    off = datetime.fromisoformat(pairs["--ship-by"]) - (datetime.now(timezone.utc) + timedelta(days=3))
    assert abs(off) < timedelta(minutes=2), f"--ship-by is not 'in 3 days': {pairs['--ship-by']}"
    if requested == "-4d":
        assert ISO_MOMENT.fullmatch(pairs["--requested-at"]), pairs["--requested-at"]
        off = datetime.fromisoformat(pairs["--requested-at"]) - (
            datetime.now(timezone.utc) - timedelta(days=4)
        )
        assert abs(off) < timedelta(minutes=2), f"--requested-at is not '-4d': {pairs['--requested-at']}"
    else:  # a whole day stays a day: its deadlines count from its end, again
        assert pairs["--requested-at"] in {day.isoformat() for day in days}
    replay = subprocess.run(
        [command, *words[1:], "--no-input", "--json"],
        env=quiet_env,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert replay.returncode == 0, replay.stderr
    again = json.loads(replay.stdout)
    assert again["action"]["id"] == session["action"]["id"] == "wait"
    assert again["path"] == session["path"]
    assert again["ignored"] == session["ignored"]
    assert [(d["id"], d["at"]) for d in again["deadlines"]] == [
        (d["id"], d["at"]) for d in session["deadlines"]
    ]
    due = {d["id"]: d for d in again["deadlines"]}
    assert due["ship-by"]["passed"] is False
    if requested == "-4d":  # 72 hours passed: the date overruled pending
        assert session["ignored"] == ["cancel-request"] and due["seller-response-due"]["passed"] is True
    else:  # yesterday until 23:59:59, plus 72 hours: still open
        assert session["ignored"] == [] and due["seller-response-due"]["passed"] is False


@pytest.mark.parametrize(
    ("arrows", "offer", "key"),
    [
        (True, MESSAGE_OFFER, CTRL_C),
        (True, REMEMBER_OFFER, CTRL_D),
        (False, REMEMBER_OFFER, CTRL_C),
        (False, MESSAGE_OFFER, CTRL_D),
        (True, ORDER_Q, CTRL_C),
        (False, ORDER_Q, CTRL_D),
    ],
    ids=[
        "arrows-message-ctrl-c",
        "arrows-remember-ctrl-d",
        "plain-remember-ctrl-c",
        "plain-message-ctrl-d",
        "arrows-remember-number-ctrl-c",
        "plain-remember-number-ctrl-d",
    ],
)
def test_stopping_at_an_offer_after_the_advice_exits_130(
    command: str, quiet_env: dict[str, str], arrows: bool, offer: str, key: bytes
) -> None:
    args = ["advise", *DAMAGED_PATH, "--protection", "plenty-left"]
    child = spawn(command, args, quiet_env, rows=300) if arrows else plain(command, args, quiet_env)
    reply(child, REPLY_Q, b"\r" if arrows else b"1\r", arrows=arrows)  # not contacted: a report to send
    if offer != MESSAGE_OFFER:
        reply(child, MESSAGE_OFFER, b"n" if arrows else b"\r", arrows=arrows)
    if offer == ORDER_Q:  # yes to remembering, then stopped at its order number: still nothing stored
        reply(child, REMEMBER_OFFER, b"y" if arrows else b"y\r", arrows=arrows)
        child.expect(ORDER_Q)
        settle(child)
        child.send(key)
    else:
        reply(child, offer, key, arrows=arrows)
    code, _ = finish(child)
    output = text_of(child)
    assert code == 130
    assert "Sources:" in output, "the advice came before the offer"
    after = output[output.rindex(offer) :]
    assert after.count(GOODBYE.decode()) == 1
    assert "Traceback" not in output and "Aborted" not in output
    after = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", after)  # the line as seen, without its colours
    goodbye = [line for line in after.splitlines() if GOODBYE.decode() in line]
    assert goodbye[0].endswith(f"ali-cancel: {GOODBYE.decode()}"), "one line of goodbye"
    assert not notebook_files(quiet_env), "nothing was stored"


# A path with one question left (the coupon) whose advice has deadlines to follow.
DATED_PENDING = [
    *PENDING_PATH,
    "--cancel-request",
    "pending",
    "--ship-by",
    "in 3 days",
    "--requested-at",
    "-1d",
]


@pytest.mark.parametrize("arrows", [False, True], ids=["plain", "arrows"])
def test_yes_to_remember_stores_the_order_number(
    command: str, quiet_env: dict[str, str], arrows: bool
) -> None:
    args = ["advise", *DATED_PENDING]
    child = spawn(command, args, quiet_env, rows=300) if arrows else plain(command, args, quiet_env)
    reply(child, COUPON_Q, b"\r" if arrows else b"1\r", arrows=arrows)
    reply(child, REMEMBER_OFFER, b"y" if arrows else b"y\r", arrows=arrows)
    child.expect(ORDER_Q)
    settle(child)
    child.send(b"8123456789\r")
    code, _ = finish(child)
    assert code == 0
    assert "Remembered order 8123456789" in text_of(child)
    listed = subprocess.run(
        [command, "orders"], env=quiet_env, capture_output=True, text=True, timeout=20, check=False
    )
    assert listed.returncode == 0, listed.stderr
    assert "8123456789" in listed.stdout
    stored = subprocess.run(
        [command, "orders", "--json"], env=quiet_env, capture_output=True, text=True, timeout=20, check=False
    )
    assert [o["number"] for o in json.loads(stored.stdout)["orders"]] == ["8123456789"]


def test_the_number_typed_for_the_message_is_the_one_remembered(
    command: str, quiet_env: dict[str, str]
) -> None:
    child = plain(command, ["advise", *DAMAGED_PATH, "--protection", "plenty-left"], quiet_env)
    reply(child, REPLY_Q, b"1\r")
    reply(child, MESSAGE_OFFER, b"y\r")
    child.expect(PLAIN_PROMPTS[3])  # "Order number for the message (...): "
    child.send(b"555666\r")
    child.expect("Order 555666 has arrived")  # the draft, with the number in it
    reply(child, REMEMBER_OFFER, b"y\r")
    code, _ = finish(child)
    output = text_of(child)
    assert code == 0
    assert ORDER_Q not in output[output.rindex(REMEMBER_OFFER) :], "the number is not asked twice"
    assert "Remembered order 555666" in output
    stored = subprocess.run(
        [command, "orders", "--json"], env=quiet_env, capture_output=True, text=True, timeout=20, check=False
    )
    assert [o["number"] for o in json.loads(stored.stdout)["orders"]] == ["555666"]


@pytest.mark.parametrize(
    ("arrows", "no"),
    [(False, b"n\r"), (False, b"\r"), (True, b"n"), (True, b"\r")],
    ids=["plain-n", "plain-enter", "arrows-n", "arrows-enter"],
)
def test_no_to_remember_stores_nothing(
    command: str, quiet_env: dict[str, str], arrows: bool, no: bytes
) -> None:
    args = ["advise", *DATED_PENDING]
    child = spawn(command, args, quiet_env, rows=300) if arrows else plain(command, args, quiet_env)
    reply(child, COUPON_Q, b"\r" if arrows else b"1\r", arrows=arrows)
    reply(child, REMEMBER_OFFER, no, arrows=arrows)
    code, _ = finish(child)
    output = text_of(child)
    assert code == 0
    assert ORDER_Q not in output[output.rindex(REMEMBER_OFFER) :], "no order number is asked"
    assert "Remembered" not in output
    assert not notebook_files(quiet_env), "no notebook file is created"


@pytest.mark.parametrize(
    "args",
    [
        [*PENDING_PATH, "--cancel-request", "pending", "--coupon", "none"],  # could use ship-by, requested-at
        [*DAMAGED_PATH, "--seller-reply", "not-contacted", "--protection", "plenty-left"],  # protection-ends
        [
            *PENDING_PATH,
            "--cancel-request",
            "approved",
            "--coupon",
            "none",
            "--order",
            "12345",
        ],  # cancelled-at
    ],
    ids=["pending", "protection", "approved-with-order"],
)
@pytest.mark.parametrize("arrows", [False, True], ids=["plain", "arrows"])
def test_flags_that_answer_everything_ask_and_offer_nothing(
    command: str, quiet_env: dict[str, str], args: list[str], arrows: bool
) -> None:
    child = (
        spawn(command, ["advise", *args], quiet_env)
        if arrows
        else plain(command, ["advise", *args], quiet_env)
    )
    code, _ = finish(child)  # no key is ever sent: a prompt would wait until the timeout
    output = text_of(child)
    assert code == 0
    assert "Sources:" in output
    for asked in ("Ctrl-C quit", "Answer 1-", "Date", "(y/N)", "When ", ORDER_Q, REPLAY_HEAD):
        assert asked not in output, f"{asked!r} shown though the flags answered everything"
    assert not notebook_files(quiet_env)
