"""The engine on every guide scenario, over the whole answer space, and its missing-fact answers."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timezone
from typing import Any

import pytest
from ali_cancel.deadlines import compute, parse_when
from ali_cancel.engine import Advice, Needed, walk
from ali_cancel.model import RuleSet
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import SHARED, shared_file
from .scenarios import EXTRA

MOMENT_FLAGS = ("requested-at", "cancelled-at", "ship-by", "now")


def _acceptance() -> list[dict[str, Any]]:
    path = SHARED / "acceptance" / "scenarios.json"
    return json.loads(path.read_text()) if path.exists() else []


def run_args(rules: RuleSet, args: list[str]) -> Advice | Needed:
    """What `advise ARGS` decides, without the command line."""
    pairs = dict(zip(args[::2], args[1::2], strict=False))
    answers = {k[2:]: v for k, v in pairs.items() if k[2:] not in MOMENT_FLAGS}
    moments = {k[2:]: parse_when(v) for k, v in pairs.items() if k[2:] in MOMENT_FLAGS}
    now = moments.pop("now").aware() if "now" in moments else datetime(2026, 11, 28, tzinfo=timezone.utc)
    due = compute(rules.deadlines, moments, now)
    return walk(rules, answers, {d.id: d.passed for d in due})


@pytest.mark.parametrize("scenario", [*_acceptance(), *EXTRA], ids=lambda s: s["name"])
def test_guide_scenarios_lead_to_the_guides_action(rules: RuleSet, scenario: dict[str, Any]) -> None:
    result = run_args(rules, scenario["args"])
    assert isinstance(result, Advice), f"stopped, needing {result}"
    assert result.outcome.action == scenario["action"]


def test_acceptance_file_was_found() -> None:
    assert json.loads(shared_file("acceptance", "scenarios.json").read_text())


def test_a_missing_fact_is_named_with_what_may_follow(rules: RuleSet) -> None:
    result = walk(rules, {"payment": "paid", "closed": "no"}, {})
    assert isinstance(result, Needed)
    assert result.fact == "shipping"
    assert [step.question for step in result.path] == ["payment", "closed"]
    assert {"cancel-request", "want", "seller-reply", "protection"} <= set(result.later)
    assert "payment" not in result.later and "shipping" not in result.later


def test_facts_the_path_does_not_need_are_listed_as_ignored(rules: RuleSet) -> None:
    result = walk(rules, {"payment": "unpaid", "closed": "no", "coupon": "none", "want": "item"}, {})
    assert isinstance(result, Advice)
    assert result.outcome.action == "cancel-order"
    assert result.ignored == ("closed", "want", "coupon")  # in the order the rules define them


def test_notes_follow_the_answers(rules: RuleSet) -> None:
    base = {"payment": "paid", "closed": "seller-timeout"}
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
        "cancel-request": "pending",
        "coupon": "none",
    }
    before = walk(rules, answers, {"seller-response-due": False})
    after = walk(rules, answers, {"seller-response-due": True})
    assert isinstance(before, Advice) and isinstance(after, Advice)
    assert before.outcome.id != after.outcome.id
    assert any(alt.action == "contact-support" for alt in after.outcome.alternatives)
    assert after.checks == (("seller-response-due", True),)


def _all_answer_sets(rules: RuleSet) -> list[dict[str, str]]:
    facts = [q.id for q in rules.questions]
    values = [q.values() for q in rules.questions]
    return [dict(zip(facts, combo, strict=False)) for combo in itertools.product(*values)]


def test_every_full_answer_set_ends_in_advice_and_every_outcome_is_reached(rules: RuleSet) -> None:
    reached = set()
    clocks = [{}, {d.id: True for d in rules.deadlines}]
    for answers in _all_answer_sets(rules):
        for passed in clocks:
            result = walk(rules, answers, passed)
            assert isinstance(result, Advice), answers
            reached.add(result.outcome.id)
            assert all(answers[s.question] == s.answer for s in result.path)
            assert not set(result.ignored) & {s.question for s in result.path}
    assert reached == {o.id for o in rules.outcomes}


def _answer_subsets(rules: RuleSet) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({}, optional={q.id: st.sampled_from(q.values()) for q in rules.questions})


@settings(max_examples=400, deadline=None)
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
