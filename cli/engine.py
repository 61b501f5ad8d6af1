"""walk(rules, answers, clock) -> the advice, or the fact needed next; pure: no terminal, files or clock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .model import Ask, Check, Outcome, RuleSet


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

    `answers` maps fact ids to values of their choices (the app checks them first); `passed` maps
    the ids of the deadlines that could be computed to whether they have passed. A check on a
    deadline that is not there takes its `otherwise` branch.
    """
    path: list[Step] = []
    checks: list[tuple[str, bool]] = []
    node_id = rules.start
    for _ in range(len(rules.steps) + 1):  # a validated tree has no loop; never spin on one anyway
        node = rules.node(node_id)
        if isinstance(node, Outcome):
            asked = {step.question: step.answer for step in path}
            notes = tuple(note.text for note in node.notes if note.applies(asked))
            order = {question.id: index for index, question in enumerate(rules.questions)}
            ignored = sorted(
                (fact for fact in answers if fact not in asked),
                key=lambda fact: (order.get(fact, len(order)), fact),
            )
            return Advice(node, tuple(path), tuple(checks), notes, tuple(ignored))
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
        path.append(Step(node.fact, value))
        node_id = target
    raise ValueError("the rule tree loops")


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
        if isinstance(node, Check):
            todo.append(node.passed if passed.get(node.deadline, False) else node.otherwise)
        elif isinstance(node, Ask):
            target = node.next_for(answers.get(node.fact, ""))
            if target is not None:  # already answered: only that branch can follow
                todo.append(target)
                continue
            if node.fact != ask.fact and node.fact not in found:
                found.append(node.fact)
            todo.extend(target for _, target in reversed(node.answers))
    return tuple(found)
