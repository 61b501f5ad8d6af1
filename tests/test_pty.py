"""Whole sessions in a real pseudo-terminal, against the installed command, as a person uses it."""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path

import pexpect
import pytest

from .scenarios import PAID_OPEN, flags

DOWN, LEFT, CTRL_C = "\x1b[B", "\x1b[D", "\x03"

pytestmark = pytest.mark.timeout(60)


def spawn(command: str, args: list[str], env: dict[str, str], *, columns: int = 80) -> pexpect.spawn:
    env = {**env, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": env.get("TERM", "xterm-256color")}
    env.pop("COLUMNS", None)
    child = pexpect.spawn(command, args, env=env, encoding="utf-8", timeout=15, dimensions=(40, columns))
    child.logfile_read = io.StringIO()  # everything the terminal showed
    return child


def finish(child: pexpect.spawn) -> tuple[int, str]:
    """Wait for the end; the exit code and the whole screen output."""
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.logfile_read.getvalue()


def test_pressing_enter_at_every_prompt_reaches_advice(command: str, quiet_env: dict[str, str]) -> None:
    child = spawn(command, [], quiet_env)
    child.expect("Where does the payment stand")
    child.send(DOWN + DOWN + "\r")  # paid
    enters = 0
    # Press Enter whenever the program sits waiting; stop when it ends.
    while child.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=1) == 1:
        child.send("\r")
        enters += 1
        assert enters < 15, "more prompts than the tree has questions"
    child.close()
    assert child.exitstatus == 0
    assert enters >= 3
    assert "Sources:" in child.logfile_read.getvalue()


def test_going_back_changes_the_advice(command: str, quiet_env: dict[str, str]) -> None:
    child = spawn(command, ["advise", "--payment", "paid", "--closed", "no"], quiet_env)
    child.expect("What does the order say about shipping")
    child.send(DOWN + "\r")  # shipped
    child.expect("What would you rather have")
    child.send(LEFT)  # back to shipping, "shipped" preselected
    child.expect("What does the order say about shipping")
    child.send(DOWN + DOWN + "\r")  # delivered
    child.expect("How much buyer protection")
    child.send("\r")
    child.expect("Show a message to paste to the seller")
    child.send("n")
    code, output = finish(child)
    assert code == 0
    assert "It has arrived" in output


def test_ctrl_c_at_a_prompt_exits_130_with_one_line(command: str, quiet_env: dict[str, str]) -> None:
    child = spawn(command, ["advise"], quiet_env)
    child.expect("Where does the payment stand")
    child.send(CTRL_C)
    code, output = finish(child)
    assert code == 130
    assert "stopped: nothing was changed." in output
    assert "Traceback" not in output and "Aborted" not in output


def test_ctrl_d_at_a_prompt_also_leaves_cleanly(command: str, quiet_env: dict[str, str]) -> None:
    child = spawn(command, ["advise", "--payment", "paid"], quiet_env)
    child.expect("Has AliExpress closed the order")
    child.send("\x04")
    code, output = finish(child)
    assert code == 130
    assert "stopped: nothing was changed." in output and "Traceback" not in output


def test_json_to_a_file_while_prompting_stays_pure(
    command: str, quiet_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    line = f"{shlex.quote(command)} advise --payment paid --closed no --json > {shlex.quote(str(out))}"
    child = spawn("/bin/sh", ["-c", line], quiet_env)
    child.expect("What does the order say about shipping")
    child.send("\r")  # not shipped
    presses = 0
    while child.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=1) == 1:  # Enter at every prompt
        child.send("\r")
        presses += 1
        assert presses < 10
    child.close()
    assert child.exitstatus == 0
    data = json.loads(out.read_text())
    assert data["action"]["id"] == "request-cancellation"
    assert "other reasons" in json.dumps(data)


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
    assert "?" not in output.split("Place the order again")[0]
    assert "Order again without the coupon" in output


def test_the_message_is_offered_with_the_order_number(command: str, quiet_env: dict[str, str]) -> None:
    args = ["advise", *PAID_OPEN, *flags(shipping="shipped", want="refund", seller_reply="not-contacted")]
    child = spawn(command, args, quiet_env)
    child.expect("How much buyer protection")
    child.send("\r")
    child.expect("Show a message to paste to the seller")
    child.send("\r")
    child.expect("Order number")
    child.send("12ab")
    child.expect("Digits only")
    child.send("\b\b34\r")
    code, output = finish(child)
    assert code == 0
    assert "about order 1234." in output


@pytest.mark.parametrize("term", ["dumb", "xterm-256color"])
def test_no_color_and_dumb_terminals_at_60_columns(
    command: str, quiet_env: dict[str, str], term: str
) -> None:
    env = {**quiet_env, "TERM": term, "NO_COLOR": "1"}
    child = spawn(command, ["advise", "--payment", "paid", "--closed", "seller-timeout"], env, columns=60)
    child.expect("coupon")
    child.send(DOWN + "\r")
    code, output = finish(child)
    assert code == 0
    advice = output[output.index("╭") :]
    sgr = [code for codes in re.findall(r"\x1b\[([0-9;]*)m", advice) for code in codes.split(";") if code]
    colours = [c for c in sgr if 30 <= int(c) <= 49 or 90 <= int(c) <= 107]
    assert not colours, "colour despite NO_COLOR"
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", advice)
    assert all(len(line) <= 60 for line in plain.replace("\r", "").splitlines())
    assert "every item you bought with it" in " ".join(plain.replace("│", " ").split())


def test_prompts_and_advice_on_an_ascii_terminal(command: str, quiet_env: dict[str, str]) -> None:
    env = {**quiet_env, "LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"}
    child = spawn(command, ["advise", "--payment", "paid"], env)
    child.expect("Has AliExpress closed the order")
    child.send(DOWN + "\r")  # the seller did not ship in time
    child.expect("coupon")
    child.send("\r")
    code, output = finish(child)
    assert code == 0
    assert "Traceback" not in output
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output)
    assert "+- Wait" in plain  # an ASCII box: the terminal cannot show the rounded one
