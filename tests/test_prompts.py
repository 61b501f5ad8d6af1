"""The interview through the real questionary prompts, fed key presses by prompt_toolkit's pipe input."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from ali_cancel.engine import Advice, walk
from ali_cancel.model import Question, RuleSet
from ali_cancel.prompts import BACK, interview, select_asker
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

ENTER, DOWN, UP, LEFT, CTRL_C, CTRL_D = "\r", "\x1b[B", "\x1b[A", "\x1b[D", "\x03", "\x04"

pytestmark = pytest.mark.timeout(20)  # a prompt waiting for keys that never come must not hang the suite


@contextmanager
def keys(text: str) -> Iterator[None]:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(text)
        yield


def choose(question: Question, value: str) -> str:
    return DOWN * question.values().index(value) + ENTER


def _paths(rules: RuleSet) -> dict[str, tuple[Advice, dict[str, bool]]]:
    """One way to each outcome: the advice (with its path) and the clock that leads there."""
    found: dict[str, tuple[Advice, dict[str, bool]]] = {}
    facts = [q.id for q in rules.questions]
    for clock in ({}, {d.id: True for d in rules.deadlines}):
        for combo in itertools.product(*(q.values() for q in rules.questions)):
            advice = walk(rules, dict(zip(facts, combo, strict=False)), clock)
            assert isinstance(advice, Advice)
            found.setdefault(advice.outcome.id, (advice, clock))
    return found


def test_every_outcome_is_reached_by_key_presses(rules: RuleSet) -> None:
    for outcome_id, (expected, clock) in _paths(rules).items():
        presses = "".join(choose(rules.question(s.question), s.answer) for s in expected.path)
        with keys(presses):
            advice, answers = interview(rules, {}, clock, select_asker())
        assert advice.outcome.id == outcome_id
        assert answers == {s.question: s.answer for s in expected.path}


def test_going_back_keeps_the_earlier_answer_selected_and_allows_a_change(rules: RuleSet) -> None:
    shipping = rules.question("shipping")
    # closed: no; shipping: shipped; then back from "want" (Left) to shipping, where "shipped" is
    # preselected: one Down moves to shipment-cancelled.
    presses = ENTER + choose(shipping, "shipped") + LEFT + DOWN + ENTER + ENTER + ENTER
    with keys(presses):
        advice, answers = interview(rules, {"payment": "paid"}, {}, select_asker())
    assert answers["shipping"] == "shipment-cancelled"
    assert answers["payment"] == "paid"  # the flag's answer survives going back
    assert advice.outcome.id == "dispute-cancelled-shipment"  # seller asked: yes (first choice)


def test_the_back_choice_is_last_and_enter_alone_never_goes_back(rules: RuleSet) -> None:
    closed = rules.question("closed")
    # On "closed" (second prompt) go past every choice and the separator to "Back".
    presses = choose(rules.question("payment"), "paid") + DOWN * len(closed.choices) + ENTER
    # back on "payment", "paid" is preselected: Up Up picks "unpaid"
    presses += UP + UP + ENTER
    with keys(presses):
        advice, answers = interview(rules, {}, {}, select_asker())
    assert answers == {"payment": "unpaid"}
    assert advice.outcome.id == "cancel-unpaid"


def test_flags_are_never_asked(rules: RuleSet) -> None:
    seen: list[tuple[str, bool]] = []

    def record(question: Question, default: str | None, can_go_back: bool) -> str:
        seen.append((question.id, can_go_back))
        return question.values()[0]

    given = {"payment": "paid", "closed": "no", "shipping": "shipped"}
    interview(rules, given, {}, record)
    assert [fact for fact, _ in seen] == ["want", "seller-reply", "protection"]
    assert [back for _, back in seen] == [False, True, True]  # no way back before the first prompt


def test_back_from_the_first_prompt_is_ignored(rules: RuleSet) -> None:
    answers = iter([BACK, "unpaid"])

    def ask(question: Question, default: str | None, can_go_back: bool) -> str:
        return next(answers)

    advice, _ = interview(rules, {}, {}, ask)
    assert advice.outcome.id == "cancel-unpaid"


@pytest.mark.parametrize(("key", "error"), [(CTRL_C, KeyboardInterrupt), (CTRL_D, EOFError)])
def test_ctrl_c_and_ctrl_d_leave_the_interview(rules: RuleSet, key: str, error: type[BaseException]) -> None:
    with keys(ENTER + key), pytest.raises(error):
        interview(rules, {"payment": "paid"}, {}, select_asker())


def test_mixed_flags_and_prompts_reach_the_acceptance_advice(rules: RuleSet) -> None:
    given = {"payment": "paid", "closed": "no", "shipping": "not-shipped"}
    presses = (
        ENTER + ENTER + DOWN + ENTER + ENTER
    )  # request: none; coupon: none; seller asked: no; want: refund
    with keys(presses):
        advice, answers = interview(rules, given, {}, select_asker())
    assert advice.outcome.action == "request-cancellation"
    assert answers["seller-asked"] == "no" and answers["want"] == "refund"
