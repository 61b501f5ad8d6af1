"""The interview: ask what the tree still needs, one question at a time, with a way back; pure.

It knows nothing of terminals: an Asker (prompts.py draws them) shows each question and returns the
answer, BACK, or raises KeyboardInterrupt / EOFError when the buyer stops.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import NamedTuple, Protocol

from .core import Decision, decide
from .deadlines import Moment, parse_when
from .engine import Advice, Needed
from .errors import UsageError
from .facts import DATES, FACTS, ruled_out
from .model import Question, RuleSet

BACK = "\x00back"


class DatePrompt(NamedTuple):
    """A date the path depends on: its id (requested-at, ...), question, one-line help, and a reader.

    `read(text)` returns the text as an absolute ISO moment to store, or raises ValueError whose
    message says what is wrong (the asker shows it and asks again).
    """

    id: str
    text: str
    help: str
    read: Callable[[str], str]


class Asker(Protocol):
    """Shows one prompt at a time; every method may raise KeyboardInterrupt or EOFError."""

    def choose(self, question: Question, default: str | None, can_go_back: bool) -> str:
        """A choice's value, or BACK (only when `can_go_back`)."""
        ...

    def date(self, prompt: DatePrompt, can_go_back: bool) -> str | None:
        """The moment read by `prompt.read`, None for "I don't know" (empty answer), or BACK."""
        ...

    def confirm(self, text: str) -> bool:
        """A yes/no question whose default (Enter) is No."""
        ...

    def order_number(self, text: str) -> str | None:
        """An order number (digits only), or None when the answer is empty."""
        ...


def interview(
    rules: RuleSet,
    given: Mapping[str, str],
    dates: Mapping[str, Moment],
    now: datetime,
    asker: Asker,
) -> tuple[Decision, dict[str, str], dict[str, Moment]]:
    """Ask for each missing fact, and each date the path depends on, until there is advice.

    Answers and dates given as flags are never asked and never undone; BACK undoes the previous
    prompted answer. Returns the decision with every answer and date (prompted ones included).
    """
    answers = dict(given)
    moments = dict(dates)
    prompted: list[tuple[str, str]] = []  # ("fact" | "date", id), in the order they were asked
    asked_dates: set[str] = set()
    earlier: dict[str, str] = {}  # answers undone by going back, offered again as defaults
    while True:
        decision = decide(rules, answers, moments, now)
        date = _date_due(decision, moments, asked_dates)
        if date is not None:
            prompt = _date_prompt(rules, date, answers, moments, now)
            text = asker.date(prompt, bool(prompted))
            if text == BACK:
                _undo(prompted, answers, moments, asked_dates, earlier)
                continue
            asked_dates.add(date)
            prompted.append(("date", date))
            if text is not None:
                moments[date] = parse_when(text, now)
            continue
        result = decision.result
        if isinstance(result, Advice):
            return decision, answers, moments
        question = rules.question(result.fact)
        contradicting = ruled_out(answers, question.id)  # a choice the other answers rule out is not offered
        if contradicting:
            question = question._replace(
                choices=tuple(c for c in question.choices if c.value not in contradicting)
            )
        value = asker.choose(question, earlier.get(question.id), bool(prompted))
        if value == BACK:
            _undo(prompted, answers, moments, asked_dates, earlier)
            continue
        answers[question.id] = value
        earlier.pop(question.id, None)
        prompted.append(("fact", question.id))


def _date_due(decision: Decision, moments: Mapping[str, Moment], asked: set[str]) -> str | None:
    """The next date the path depends on that nobody gave: after the answer that makes it matter."""
    result = decision.result
    wanted = [date for step in result.path for value, date in _asks(step.question) if step.answer == value]
    if isinstance(result, Needed) and result.fact in FACTS and FACTS[result.fact].date_first:
        wanted.append(str(FACTS[result.fact].date_first))
    return next((d for d in wanted if d not in moments and d not in asked), None)


def _asks(fact: str) -> tuple[tuple[str, str], ...]:
    return FACTS[fact].asks if fact in FACTS else ()


def _date_prompt(
    rules: RuleSet, date: str, answers: Mapping[str, str], moments: Mapping[str, Moment], now: datetime
) -> DatePrompt:
    """The question for `date`; its reader refuses a date that contradicts the other answers."""
    spec = DATES[date]

    def read(text: str) -> str:
        moment = parse_when(text, now)
        try:
            decide(rules, answers, {**moments, date: moment}, now)
        except UsageError as error:
            raise ValueError(error.message) from None
        return moment.iso()

    return DatePrompt(date, spec.question, spec.explain, read)


def _undo(
    prompted: list[tuple[str, str]],
    answers: dict[str, str],
    moments: dict[str, Moment],
    asked_dates: set[str],
    earlier: dict[str, str],
) -> None:
    if not prompted:
        return
    kind, name = prompted.pop()
    if kind == "fact":
        earlier[name] = answers.pop(name)
    else:
        moments.pop(name, None)
        asked_dates.discard(name)
