"""Remembered orders seen now: decided against the clock, or taken from a plan still valid; pure of Typer.

The notebook commands (orders.py) show what this returns; advise --order N fills its answers and
dates from here, and --remember stores them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from .errors import UsageError
from .facts import DATES, SETTLED
from .i18n import _

if TYPE_CHECKING:
    from .cmd_advise import Request
    from .deadlines import Moment
    from .model import RuleSet
    from .notebook import Notebook, Order
    from .plans import Plan


class Mark(NamedTuple):
    """A deadline of a stored order, as the notebook commands show it."""

    id: str
    label: str
    at: datetime
    passed: bool


class Look(NamedTuple):
    """A stored order seen now: its action id ('' when undecided), what to show for it, its deadlines."""

    order: Order
    action: str
    summary: str  # the action's title, or what is missing, or why it cannot be decided
    marks: tuple[Mark, ...]
    next: Mark | None  # the earliest deadline not passed, else the last one passed


def utc_now() -> datetime:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).replace(microsecond=0)


def open_notebook(write: bool = False) -> Notebook:
    from .notebook import Notebook

    return Notebook.open(write=write)


def stored_dates(order: Order, now: datetime) -> dict[str, Moment]:
    """An order's dates, and for an undated answer that a date settles, the moment it was given."""
    from .deadlines import parse_when

    moments = {name: parse_when(text, now) for name, text in order.dates.items()}
    for fact, settle in SETTLED:
        if not DATES[settle.date].past:  # only an event (a request, a message) dates from its answer
            continue
        if order.answers.get(fact) != settle.before or settle.date in moments:
            continue
        given = order.answered_at.get(fact)
        if given:
            moments[settle.date] = parse_when(given, now)
    return moments


def decide_order(rules: RuleSet, order: Order, now: datetime) -> Plan | str:
    """The order decided against now as a plan, or why it cannot be decided."""
    from .core import decide, stable_until
    from .engine import Advice
    from .plans import Plan

    try:
        decision = decide(rules, order.answers, stored_dates(order, now), now)
    except (UsageError, ValueError) as error:
        return str(error)
    result = decision.result
    action, needed = (result.outcome.action, "") if isinstance(result, Advice) else ("", result.fact)
    deadlines = tuple((due.id, due.at) for due in decision.due)
    return Plan(action, needed, deadlines, stable_until(rules, decision, now))


def look(rules: RuleSet, order: Order, now: datetime, plan: Plan | str | None = None) -> Look:
    """What the notebook commands show of an order: decided now, or from a plan still valid."""
    if plan is None:
        plan = decide_order(rules, order, now)
    if isinstance(plan, str):
        return Look(order, "", _("cannot decide: {problem}").format(problem=plan), (), None)
    if plan.action:
        summary = rules.action_title(plan.action)
    else:
        summary = _("needs {flag} (orders update {number} {flag} ...)").format(
            flag=f"--{plan.needed}", number=order.number
        )
    marks = tuple(Mark(i, rules.deadline(i).label, at, at <= now) for i, at in plan.deadlines)
    ahead = [mark for mark in marks if not mark.passed]
    upcoming = min(ahead, key=lambda m: m.at) if ahead else max(marks, key=lambda m: m.at, default=None)
    return Look(order, plan.action, summary, marks, upcoming)


def looks(include_done: bool) -> tuple[RuleSet, datetime, list[Look]]:
    """Every order (open ones, or all) seen now; plans still valid spare deciding again."""
    from .plans import Plans
    from .rulestore import load_rules

    rules = load_rules(None)
    now = utc_now()
    with open_notebook() as notebook:
        stored = notebook.orders(include_done=include_done, history=False)
        plans = Plans(notebook.path)
    looks = []
    for order in stored:
        plan: Plan | str | None = plans.get(order, now)
        if plan is None:
            plan = decide_order(rules, order, now)
            if not isinstance(plan, str):
                plans.put(order, plan)
        looks.append(look(rules, order, now, plan))
    if include_done:
        plans.keep_only(order.number for order in stored)
    plans.save()
    return rules, now, looks


def fill_request(request: Request) -> bool:
    """For a remembered order: its stored answers and dates fill what the flags leave out."""
    assert request.order is not None  # noqa: S101
    with open_notebook() as notebook:
        order = notebook.get(request.order)
    if order is None:
        return False
    request.answers = {**order.answers, **request.answers}
    request.dates = {**stored_dates(order, request.now), **request.dates}
    return True


def remember_request(request: Request) -> None:
    """Keep the order: its answers and dates (absolute), recorded as changes."""
    assert request.order is not None  # noqa: S101
    dates = {name: moment.iso() for name, moment in request.dates.items()}
    with open_notebook(write=True) as notebook:
        notebook.remember(
            request.order, answers=request.answers, dates=dates, label=None, at=utc_now().isoformat()
        )
