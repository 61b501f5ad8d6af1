"""The command line in-process (CliRunner): exit codes, one-line errors, the JSON contract."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from ali_cancel.app import app
from ali_cancel.facts import FACTS
from typer.testing import CliRunner, Result

from .helpers import CONTACT, ENV, NOT_SHIPPED, PAID_OPEN, ROOT, SHIPPED, SMALL, flags

pytestmark = pytest.mark.usefixtures("utc")

UNPAID = ["advise", "--payment", "unpaid", "--no-input"]
ADVISE_CONTACT = ["advise", *CONTACT, "--no-input"]
KINDS = ["urge-shipping", "return-request", "shipment-cancelled", "follow-up", "problem-report", "dispute"]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env={**ENV, **(env or {})})


def advise_json(*args: str) -> dict[str, Any]:
    result = run("advise", "--no-input", "--json", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def assert_one_line_error(result: Result, code: int, *needles: str) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and lines[0].startswith("ali-cancel: ")
    assert len(lines) <= 2 and (len(lines) == 1 or lines[1].startswith("try: "))
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_one_shot_advice_in_plain_text() -> None:
    result = run(*UNPAID)
    assert result.exit_code == 0
    assert "Cancel the order" in result.stdout
    assert "1. Sign in to AliExpress" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour codes off a terminal
    assert "Sources: Scenario 1: Order Not Paid or Payment Not Verified" in result.stdout


def test_json_is_exactly_the_contracts_object() -> None:
    result = run(*ADVISE_CONTACT, "--json", "--order", "8123")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == [
        "action",
        "alternatives",
        "notes",
        "deadlines",
        "message",
        "path",
        "ignored",
        "sources",
        "order",
    ]
    assert data["order"] == "8123"
    assert list(data["action"]) == ["id", "title", "steps"]
    assert data["action"]["id"] == "contact-seller"
    assert all(list(a) == ["id", "title", "why"] for a in data["alternatives"])
    assert "8123" in data["message"] and "screenshot" in data["message"]
    assert data["path"][0] == {"question": "payment", "answer": "paid"}
    assert data["ignored"] == []
    assert data["deadlines"] == []
    assert result.stderr == ""


def test_json_message_and_order_are_null_unless_there_is_one() -> None:
    data = json.loads(run(*UNPAID, "--json").stdout)
    assert data["message"] is None
    assert data["order"] is None


def test_json_deadlines_and_ignored() -> None:
    result = run(
        *UNPAID,
        "--json",
        "--coupon",
        "none",
        "--requested-at",
        "2026-11-20T10:00:00+08:00",
        "--now",
        "2026-11-24T00:00Z",
    )
    data = json.loads(result.stdout)
    assert data["ignored"] == ["coupon"]
    assert data["deadlines"] == [
        {"id": "seller-response-due", "at": "2026-11-23T10:00:00+08:00", "passed": True}
    ]


def test_human_output_has_a_timeline_and_the_message() -> None:
    result = run(
        *ADVISE_CONTACT, "--order", "8123", "--ship-by", "2026-12-01T12:00Z", "--now", "2026-11-30T09:00Z"
    )
    assert result.exit_code == 0
    assert "Seller must ship by" in result.stdout and "in 1 day 3 hours" in result.stdout
    assert "Text to paste: copy from here" in result.stdout and "My order 8123" in result.stdout


def test_readable_at_60_columns() -> None:
    result = run(*ADVISE_CONTACT, env={"COLUMNS": "60"})
    assert result.exit_code == 0
    panel = [line for line in result.stdout.splitlines() if line.startswith(("│", "╭", "╰"))]
    assert panel and all(len(line) <= 60 for line in panel)


def test_missing_answers_name_every_flag_with_values_and_a_command() -> None:
    result = run("advise", "--payment", "paid", "--closed", "no", "--shipping", "shipped", "--no-input")
    assert_one_line_error(
        result,
        2,
        "--problem changed-mind|not-arrived|wrong-item|damaged|not-as-described",
        "--want refund|item",
        "--seller-reply",
        "--protection plenty-left|running-out",
    )
    assert (
        "try: ali-cancel advise --payment paid --closed no --shipping shipped --problem <changed-mind|"
        in (result.stderr)
    )


def test_no_arguments_without_a_terminal_is_advise_without_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["ali-cancel"])  # CliRunner hands an empty argument list on as None
    result = run()
    assert_one_line_error(result, 2, "--payment unpaid|verifying|paid")


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["advise", "--payment", "later"], ["--payment", "unpaid, verifying, paid"]),
        (["advise", "--colour", "red"], ["such option: --colour"]),
        (["advise", "--payment"], ["--payment"]),
        (
            ["advise", "--payment", "unpaid", "--requested-at", "last week"],
            ["--requested-at", "2026-11-20T10:00", "4 days ago"],
        ),
        (["advise", "--payment", "unpaid", "--now", "2026-02-30"], ["--now", "not a real date"]),
        (["advise", "--payment", "unpaid", "--order", "12 34"], ["--order", "digits only"]),
        (["advise", "--payment", "unpaid", "--order", "[red]1"], ["'[red]1'"]),
        (["advise", "--payment", "unpaid", "--order", "\x1b[31m1"], ["\\x1b[31m1"]),
        (["advise", "--payment", "unpaid", "--order", ""], ["--order"]),
        (["advise", "--answer", "payment"], ["--answer takes ID=VALUE"]),
        (["advise", "--answer", "colour=red"], ["no question 'colour'"]),
        (["advise", "--payment", "paid", "--answer", "payment=unpaid"], ["answered twice"]),
        (["message", "rant", "--order", "1"], ["unknown message kind"]),
        (["message", "follow-up", "--order", "abc"], ["digits only"]),
        (["rules", "graph", "--format", "png"], ["mermaid or dot"]),
        (["nonsense"], ["such command"]),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], needles: list[str]) -> None:
    assert_one_line_error(run(*args), 2, *needles)


def test_escape_sequences_in_an_order_number_are_never_echoed_raw() -> None:
    result = run("advise", "--payment", "unpaid", "--order", "\x1b]0;pwned\x07")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr


def test_message_command_prints_a_draft_to_paste() -> None:
    result = run("message", "urge-shipping", "--order", "8123456789")
    assert result.exit_code == 0
    assert result.stdout.startswith("Hello,")
    assert "8123456789" in result.stdout and "screenshot" in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert re.fullmatch(r"ali-cancel \d+\.\d+\.\d+\n", result.stdout)


def test_help_lists_every_fact_flag_with_its_values() -> None:
    result = run("advise", "--help", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for fact, spec in FACTS.items():
        assert f"--{fact}" in result.stdout
        assert "|".join(spec.values) in result.stdout


def test_a_broken_rule_file_exits_3_with_located_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace('title: "Small"', "title: yes").replace('action: "wait"', 'action: "panic"'))
    for args in (["rules", "validate", str(bad)], ["advise", "--rules", str(bad), "--no-input"]):
        result = run(*args)
        assert result.exit_code == 3
        lines = result.stderr.splitlines()
        assert [line.split(":")[:2] for line in lines] == [[str(bad), "1"], [str(bad), "18"]]
        assert "Traceback" not in result.stderr


def test_rules_from_the_environment(tmp_path: Path) -> None:
    small = tmp_path / "small.yaml"
    small.write_text(SMALL)
    result = run("advise", "--answer", "colour=red", "--json", env={"ALI_CANCEL_RULES": str(small)})
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["path"] == [{"question": "colour", "answer": "red"}]


def test_custom_questions_missing_are_named_as_answer_flags(tmp_path: Path) -> None:
    small = tmp_path / "small.yaml"
    small.write_text(SMALL)
    result = run("advise", "--rules", str(small), "--no-input")
    assert_one_line_error(result, 2, "--answer colour=red|blue")


def test_validate_the_builtin_rules() -> None:
    result = run("rules", "validate")
    assert result.exit_code == 0
    assert re.search(r": ok: 11 questions, \d+ steps, 25 outcomes, \d+ distinct paths", result.stdout)


def test_rules_show_draws_questions_choices_and_actions() -> None:
    result = run("rules", "show")
    assert result.exit_code == 0
    assert "Where does the payment stand? [--payment]" in result.stdout
    assert "I have not paid yet (unpaid)" in result.stdout
    assert "Cancel the order [cancel-unpaid]" in result.stdout


def test_markup_in_rule_files_is_shown_as_written(tmp_path: Path) -> None:
    marked = tmp_path / "marked.yaml"
    marked.write_text(SMALL.replace('"Wait a bit."', '"[bold red]Wait[/] a [link=x]bit[/link]."'))
    result = run("advise", "--rules", str(marked), "--answer", "colour=red")
    assert result.exit_code == 0
    assert "[bold red]Wait[/] a [link=x]bit[/link]." in result.stdout


def test_the_readme_rule_file_example_validates_and_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"```yaml\n(.*?)```", readme, re.S)
    assert example
    path = tmp_path / "late.yaml"
    path.write_text(example.group(1))
    assert run("rules", "validate", str(path)).exit_code == 0
    result = run(
        "advise",
        "--rules",
        str(path),
        "--answer",
        "arrived=no",
        "--requested-at",
        "2026-11-20",
        "--now",
        "2026-11-23",
        "--json",
    )
    assert json.loads(result.stdout)["action"]["id"] == "open-dispute"


def test_an_internal_error_is_one_line_unless_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    import ali_cancel.core

    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ali_cancel.core, "walk", broken)
    result = run(*UNPAID)
    assert_one_line_error(result, 1, "internal error", "boom", "--debug")
    debug = run(*UNPAID, "--debug")
    assert debug.exit_code == 1
    assert isinstance(debug.exception, RuntimeError)


def test_rules_show_stops_drawing_a_very_deep_tree(tmp_path: Path) -> None:
    chain = ['title: "Deep"', 'start: "s0"', "questions:"]
    for i in range(40):
        chain += [
            f"  q{i}:",
            f'    text: "Q{i}?"',
            '    help: "h"',
            "    choices:",
            '      a: "A"',
            '      b: "B"',
        ]
    chain.append("tree:")
    for i in range(40):
        chain += [
            f"  s{i}:",
            f'    ask: "q{i}"',
            "    answers:",
            f'      a: "{f"s{i + 1}" if i < 39 else "end"}"',
        ]
        chain.append('      b: "end"')
    chain += [
        "outcomes:",
        "  end:",
        '    action: "wait"',
        '    title: "t"',
        '    steps: ["s"]',
        '    sources: ["x"]',
    ]
    deep = tmp_path / "deep.yaml"
    deep.write_text("\n".join(chain) + "\n")
    result = run("rules", "show", str(deep), env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "step s12 and deeper: see 'ali-cancel rules graph'" in result.stdout
    assert "Q11?" in result.stdout and "Q12?" not in result.stdout


# --- Advice that follows the clock, as the command line shows it

NOW = ["--now", "2026-11-20T12:00Z"]
REQUESTED = [*NOT_SHIPPED, *flags(coupon="none")]


def test_a_ship_by_date_is_not_passed_while_its_day_runs() -> None:
    args = [*NOT_SHIPPED, *flags(cancel_request="none", seller_asked="no", want="refund", coupon="none")]
    data = advise_json(*args, "--ship-by", "2026-11-20", "--now", "2026-11-20T12:00")
    assert data["deadlines"] == [{"id": "ship-by", "at": "2026-11-20T23:59:59+00:00", "passed": False}]
    assert data["action"]["id"] == "request-cancellation"


def test_a_silent_seller_two_months_on_means_support_and_a_late_refund() -> None:
    args = [*REQUESTED, "--cancel-request", "no-response", "--requested-at", "2026-09-20T12:00Z", *NOW]
    data = advise_json(*args)
    assert data["action"]["id"] == "contact-support"
    passed = {d["id"]: d["passed"] for d in data["deadlines"]}
    assert passed == {"seller-response-due": True, "refund-start-earliest": True, "refund-start-latest": True}


@pytest.mark.parametrize(
    ("args", "flags_named"),
    [
        (
            [*REQUESTED, "--cancel-request", "no-response", "--requested-at", "2026-11-19T12:00Z", *NOW],
            ["--cancel-request no-response", "--requested-at"],
        ),
        (
            [*REQUESTED, "--cancel-request", "pending", "--requested-at", "2026-11-21T09:00Z", *NOW],
            ["--requested-at", "--now"],
        ),
        (
            [
                *REQUESTED,
                "--cancel-request",
                "approved",
                "--requested-at",
                "-1d",
                "--cancelled-at",
                "-2d",
                *NOW,
            ],
            ["--cancelled-at", "--requested-at"],
        ),
        (
            [
                *SHIPPED,
                *flags(problem="changed-mind", seller_reply="no-reply", contacted_at="2 days ago"),
                *NOW,
            ],
            ["--seller-reply no-reply", "--contacted-at"],
        ),
        (
            [*PAID_OPEN, *flags(shipping="delivered", problem="not-arrived")],
            ["--shipping delivered", "--problem"],
        ),
        (["--payment", "paid", "--now", "soon"], ["--now", "4 days ago"]),
    ],
    ids=[
        "no-response too soon",
        "request after now",
        "cancelled first",
        "no-reply too soon",
        "delivered",
        "now",
    ],
)
def test_contradictions_exit_2_naming_both_flags(args: list[str], flags_named: list[str]) -> None:
    assert_one_line_error(run("advise", "--no-input", *args), 2, *flags_named)


def test_relative_dates_are_accepted() -> None:
    data = advise_json(*REQUESTED, "--cancel-request", "pending", "--requested-at", "4 days ago", *NOW)
    assert data["action"]["id"] == "wait"
    assert data["deadlines"][0] == {
        "id": "seller-response-due",
        "at": "2026-11-19T12:00:00+00:00",
        "passed": True,
    }
    assert data["ignored"] == ["cancel-request"]  # the date overruled "pending", and a note says so
    assert any("overrules --cancel-request pending" in note for note in data["notes"])


def test_fact_values_are_matched_in_any_case_and_near_misses_get_a_suggestion() -> None:
    assert advise_json("--payment", "Paid", "--closed", "Payment-Check")["action"]["id"] == "verify-payment"
    assert_one_line_error(run("advise", "--payment", "payed"), 2, "did you mean 'paid'")


def test_a_wrong_item_gets_a_problem_report_that_never_reads_as_a_change_of_mind() -> None:
    args = [*PAID_OPEN, *flags(shipping="delivered", problem="wrong-item", seller_reply="not-contacted")]
    data = advise_json(*args, "--protection", "plenty-left", "--order", "8123")
    assert data["action"]["id"] == "contact-seller"
    assert "not the one I ordered" in data["message"] and "8123" in data["message"]
    assert "no longer need" not in data["message"]


def test_a_dispute_comes_with_the_text_for_the_form_and_its_evidence() -> None:
    args = [*SHIPPED, *flags(problem="damaged", seller_reply="no-reply", protection="running-out")]
    data = advise_json(*args)
    assert data["action"]["id"] == "open-dispute"
    assert "arrived broken" in data["message"] and "Attached: photos" in data["message"]


def test_the_coupon_notes_follow_the_items_given_up() -> None:
    args = [*NOT_SHIPPED, *flags(cancel_request="none", seller_asked="no", want="refund", coupon="platform")]
    assert any("stays spent" in note for note in advise_json(*args, "--items", "some")["notes"])
    verifying = advise_json(*flags(payment="verifying", closed="no", coupon="platform", items="all"))
    assert any("coupon comes back" in note for note in verifying["notes"])


def test_protection_ends_decides_without_the_protection_flag() -> None:
    args = [*SHIPPED, *flags(problem="changed-mind", seller_reply="waiting"), *NOW]
    assert advise_json(*args, "--protection-ends", "in 3 days")["action"]["id"] == "open-dispute"
    assert advise_json(*args, "--protection-ends", "in 20 days")["action"]["id"] == "wait"
    assert advise_json(*args, "--protection-ends", "yesterday")["action"]["id"] == "contact-support"


def test_contacted_at_alone_counts_the_week() -> None:
    args = [*SHIPPED, *flags(problem="changed-mind", protection="plenty-left"), *NOW]
    soon = advise_json(*args, "--contacted-at", "2 days ago")
    late = advise_json(*args, "--contacted-at", "8 days ago")
    assert {"question": "seller-reply", "answer": "waiting"} in soon["path"]
    assert {"question": "seller-reply", "answer": "no-reply"} in late["path"]
    assert soon["ignored"] == [] == late["ignored"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_message_kind_prints_with_and_without_an_order_number(kind: str) -> None:
    placeholder = run("message", kind)
    assert placeholder.exit_code == 0, placeholder.stderr
    assert "(your order number)" in placeholder.stdout
    numbered = run("message", kind, "--order", "8123456789")
    assert numbered.exit_code == 0
    assert "8123456789" in numbered.stdout and "(your order number)" not in numbered.stdout


@pytest.mark.parametrize("order", ["abc", "12-34", "", "1" * 31])
def test_a_message_with_a_bad_order_number_exits_2(order: str) -> None:
    assert_one_line_error(run("message", "follow-up", "--order", order), 2, "--order", "digits only")


def test_a_mistyped_message_kind_gets_a_suggestion() -> None:
    assert_one_line_error(run("message", "folow-up"), 2, "unknown message kind", "did you mean 'follow-up'")
