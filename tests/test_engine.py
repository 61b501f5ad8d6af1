"""The walk on every guide scenario, over every path of the tree, and its missing-fact answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ali_cancel.engine import Advice, Needed, walk
from ali_cancel.model import RuleSet
from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import EXTRA, acceptance, advice_of, every_path, reachable_outcomes, shared_file

pytestmark = pytest.mark.usefixtures("utc")


@pytest.mark.parametrize("scenario", [*acceptance(), *EXTRA], ids=lambda s: s["name"])
def test_guide_scenarios_lead_to_the_guides_action(rules: RuleSet, scenario: dict[str, Any]) -> None:
    if "exit" in scenario:
        pytest.skip("an exit-code scenario: tests/test_installed.py runs it through the command")
    advice = advice_of(rules, scenario["args"])
    allowed = scenario["action"] if isinstance(scenario["action"], list) else [scenario["action"]]
    assert advice.outcome.action in allowed
    if scenario.get("has_message"):
        assert advice.outcome.message is not None


def test_acceptance_file_was_found() -> None:
    assert json.loads(shared_file("acceptance", "scenarios.json").read_text())


def test_a_missing_fact_is_named_with_what_may_follow(rules: RuleSet) -> None:
    result = walk(rules, {"payment": "paid", "closed": "no"}, {})
    assert isinstance(result, Needed)
    assert result.fact == "shipping"
    assert [step.question for step in result.path] == ["payment", "closed"]
    assert {"cancel-request", "want", "problem", "seller-reply", "protection"} <= set(result.later)
    assert "payment" not in result.later and "shipping" not in result.later


def test_facts_the_path_does_not_need_are_listed_as_ignored(rules: RuleSet) -> None:
    result = walk(rules, {"payment": "unpaid", "closed": "no", "coupon": "none", "want": "item"}, {})
    assert isinstance(result, Advice)
    assert result.outcome.action == "cancel-order"
    assert result.ignored == ("closed", "want", "coupon")  # in the order the rules define them


def test_a_note_asks_its_fact_only_where_it_can_show(rules: RuleSet) -> None:
    # an unpaid order spent no coupon: nothing asks about one
    assert isinstance(walk(rules, {"payment": "unpaid"}, {}), Advice)
    # once a payment exists, the coupon notes ask, and items only for an AliExpress coupon
    base = {"payment": "paid", "closed": "seller-timeout"}
    needed = walk(rules, base, {})
    assert isinstance(needed, Needed) and needed.fact == "coupon"
    assert isinstance(walk(rules, {**base, "coupon": "none"}, {}), Advice)
    needed = walk(rules, {**base, "coupon": "platform"}, {})
    assert isinstance(needed, Needed) and needed.fact == "items"


def test_a_quiet_note_never_asks_and_shows_when_answered(rules: RuleSet) -> None:
    base = {"payment": "paid", "closed": "no", "shipping": "not-shipped", "cancel-request": "none"}
    base |= {"seller-asked": "no", "want": "item", "coupon": "none"}
    silent = walk(rules, base, {})
    answered = walk(rules, {**base, "seller-reply": "replied"}, {})
    assert isinstance(silent, Advice) and isinstance(answered, Advice)
    assert not any("has answered" in note for note in silent.notes)
    assert any("The seller has answered" in note for note in answered.notes)


def test_notes_follow_the_answers(rules: RuleSet) -> None:
    base = {"payment": "paid", "closed": "seller-timeout", "items": "all"}
    texts = {}
    for coupon in ("none", "platform", "seller"):
        result = walk(rules, {**base, "coupon": coupon}, {})
        assert isinstance(result, Advice)
        texts[coupon] = " ".join(result.notes)
    assert "every item" in texts["platform"] and "every item" not in texts["none"]
    assert "promo code" in texts["seller"] and "promo code" not in texts["platform"]


def test_a_later_clock_changes_the_advice(rules: RuleSet) -> None:
    answers = {
        "payment": "paid",
        "closed": "no",
        "shipping": "not-shipped",
        "cancel-request": "approved",
        "coupon": "none",
    }
    before = walk(rules, answers, {"refund-start-latest": False})
    after = walk(rules, answers, {"refund-start-latest": True})
    assert isinstance(before, Advice) and isinstance(after, Advice)
    assert (before.outcome.action, after.outcome.action) == ("wait", "contact-support")
    assert after.checks == (("refund-start-latest", True),)


def test_every_path_ends_in_advice_and_every_outcome_is_reached(rules: RuleSet) -> None:
    clocks: list[dict[str, bool]] = [{}, {d.id: True for d in rules.deadlines}]
    for passed in clocks:
        for answers, advice in every_path(rules, {}, passed):
            assert all(answers[step.question] == step.answer for step in advice.path)
            assert set(answers) == {step.question for step in advice.path}  # nothing asked in vain
    assert reachable_outcomes(rules) == {o.id for o in rules.outcomes}


def _answer_subsets(rules: RuleSet) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({}, optional={q.id: st.sampled_from(q.values()) for q in rules.questions})


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_any_partial_answers_end_in_advice_or_a_precise_missing_fact(
    rules: RuleSet, data: st.DataObject
) -> None:
    answers = data.draw(_answer_subsets(rules))
    passed = data.draw(st.fixed_dictionaries({}, optional={d.id: st.booleans() for d in rules.deadlines}))
    for _ in range(len(rules.questions) + 1):
        result = walk(rules, answers, passed)
        if isinstance(result, Advice):
            return
        assert result.fact not in answers
        assert result.fact not in result.later
        # answering the named fact always moves the walk on: no loops, no repeated question
        answers = {**answers, result.fact: data.draw(st.sampled_from(rules.question(result.fact).values()))}
    pytest.fail("the walk never ended")
