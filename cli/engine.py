"""walk(rules, answers, clock) -> the advice, or the fact needed next; pure: no terminal, files or clock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .model import UNKNOWN, Ask, Check, Outcome, RuleSet


class Step(NamedTuple):
    """One question on the path taken, with the answer that chose the branch."""

    question: str
    answer: str


class Advice(NamedTuple):
    """Where the answers lead: one outcome, with the notes that apply to these answers."""

    outcome: Outcome
    path: tuple[Step, ...]
    checks: tuple[tuple[str, bool], ...]  # (deadline id, passed) for each clock check on the way
    notes: tuple[str, ...]
    ignored: tuple[str, ...]


class Needed(NamedTuple):
    """The walk stopped: `fact` is needed next; `later` may be needed after it, in tree order."""

    fact: str
    path: tuple[Step, ...]
    later: tuple[str, ...]

    def missing(self) -> tuple[str, ...]:
        return (self.fact, *self.later)


def walk(rules: RuleSet, answers: Mapping[str, str], passed: Mapping[str, bool]) -> Advice | Needed:
    """Follow the tree from its start.

    `answers` maps fact ids to values of their choices (checked before); `passed` maps the ids of
    the deadlines that could be computed to whether they have passed. A check on a deadline that
    is not there takes its `otherwise` branch. At the outcome, a note whose `when` names a fact not
    yet answered needs that fact first (so a note's fact is asked only where the note can show).
    """
    path: list[Step] = []
    on_path: set[str] = set()
    checks: list[tuple[str, bool]] = []
    node_id = rules.start
    for _ in range(len(rules.steps) + 1):  # a validated tree has no loop; never spin on one anyway
        node = rules.node(node_id)
        if isinstance(node, Outcome):
            return _arrive(rules, node, answers, path, checks)
        if isinstance(node, Check):
            has_passed = passed.get(node.deadline, False)
            checks.append((node.deadline, has_passed))
            node_id = node.passed if has_passed else node.otherwise
            continue
        value = answers.get(node.fact)
        if value is None:
            return Needed(node.fact, tuple(path), _facts_ahead(rules, node, answers, passed))
        target = node.next_for(value)
        if target is None:
            raise ValueError(f"{value!r} is not a choice of {node.fact!r}")
        if node.fact not in on_path:  # a fact asked again only branches
            on_path.add(node.fact)
            path.append(Step(node.fact, value))
        node_id = target
    raise ValueError("the rule tree loops")


def _arrive(
    rules: RuleSet,
    outcome: Outcome,
    answers: Mapping[str, str],
    path: list[Step],
    checks: list[tuple[str, bool]],
) -> Advice | Needed:
    """The advice at `outcome`, or the fact one of its notes needs first."""
    notes = []
    for note in outcome.notes:
        shown = True
        for fact, values in note.when:
            value = answers.get(fact)
            if value is None and UNKNOWN in values:
                continue
            if value is None and note.quiet:
                shown = False
                break
            if value is None:
                return Needed(fact, tuple(path), _note_facts(outcome, answers, skip=fact))
            if all(step.question != fact for step in path):
                path.append(Step(fact, value))
            if value not in values:
                shown = False
                break
        if shown:
            notes.append(note.text)
    asked = {step.question for step in path}
    order = rules.question_order
    ignored = sorted(
        (fact for fact in answers if fact not in asked),
        key=lambda fact: (order.get(fact, len(order)), fact),
    )
    return Advice(outcome, tuple(path), tuple(checks), tuple(notes), tuple(ignored))


def _note_facts(outcome: Outcome, answers: Mapping[str, str], skip: str = "") -> tuple[str, ...]:
    """Facts the notes of `outcome` may still ask, in order (some only after others' answers)."""
    found: list[str] = []
    for note in outcome.notes:
        for fact, values in note.when:
            if note.quiet:
                break
            if fact not in answers and UNKNOWN not in values and fact != skip and fact not in found:
                found.append(fact)
    return tuple(found)


def _facts_ahead(
    rules: RuleSet, ask: Ask, answers: Mapping[str, str], passed: Mapping[str, bool]
) -> tuple[str, ...]:
    """Every unanswered fact some answer to `ask` could still lead to, in first-reached order."""
    found: list[str] = []
    seen: set[str] = set()
    todo = [target for _, target in reversed(ask.answers)]
    while todo:
        node_id = todo.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = rules.node(node_id)
        if isinstance(node, Outcome):
            found += [f for f in _note_facts(node, answers, skip=ask.fact) if f not in found]
        elif isinstance(node, Check):
            todo.append(node.passed if passed.get(node.deadline, False) else node.otherwise)
        else:
            target = node.next_for(answers.get(node.fact, ""))
            if target is not None:  # already answered: only that branch can follow
                todo.append(target)
                continue
            if node.fact != ask.fact and node.fact not in found:
                found.append(node.fact)
            todo.extend(target for _, target in reversed(node.answers))
    return tuple(found)
