"""Flags -> answers, dates and an order number, with errors that say what to type; and back again.

The command layer's own logic: no Typer here, so that the tests can call it directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .errors import UsageError
from .facts import DATES, FACTS, ORDER_NUMBER
from .i18n import _
from .model import RuleSet

if TYPE_CHECKING:
    from .deadlines import Moment
    from .engine import Needed

PROG = "ali-cancel"


def param(name: str) -> str:
    """The Python parameter that holds a flag's value (--cancel-request -> cancel_request)."""
    return name.replace("-", "_")


def answers_from(params: Mapping[str, object], pairs: Sequence[str]) -> dict[str, str]:
    """The facts given as flags, then the `--answer ID=VALUE` pairs."""
    given = {fact: str(params[param(fact)]) for fact in FACTS if params.get(param(fact)) is not None}
    for pair in pairs:
        fact, sep, value = pair.partition("=")
        fact, value = fact.strip(), value.strip()
        if not sep or not fact or not value:
            raise UsageError(_("--answer takes ID=VALUE, not {pair}").format(pair=repr(pair)))
        if given.get(fact, value) != value:
            raise UsageError(
                _("{fact} is answered twice, as {one} and {other}: give one").format(
                    fact=fact, one=repr(given[fact]), other=repr(value)
                )
            )
        given[fact] = value
    return given


def flag(fact: str, value: str) -> list[str]:
    """The words that answer `fact`: its own flag for a contract fact, else --answer ID=VALUE."""
    return [f"--{fact}", value] if fact in FACTS else ["--answer", f"{fact}={value}"]


def closest(word: str, choices: Sequence[str]) -> str:
    """' (did you mean X?)' for a near miss, else ''."""
    import difflib

    match = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return " " + _("(did you mean {word}?)").format(word=repr(match[0])) if match else ""


def check_answers(rules: RuleSet, given: Mapping[str, str]) -> dict[str, str]:
    """The answers with values as the rules spell them (any case); UsageError names the right ones."""
    known = {question.id: question.values() for question in rules.questions}
    checked = {}
    for fact, value in given.items():
        values = known.get(fact, FACTS[fact].values if fact in FACTS else None)
        if values is None:
            raise UsageError(
                f"--answer {fact}={value}: the rules ask no question {fact!r} "
                f"(they ask: {', '.join(known)}){closest(fact, list(known))}"
            )
        spelled = {v.lower(): v for v in values}.get(value.lower())
        if spelled is None:
            name = " ".join(flag(fact, "")).rstrip(" =") + ("=" if fact not in FACTS else "")
            raise UsageError(
                _("{flag}: {value} is not one of {values}").format(
                    flag=name, value=repr(value), values=", ".join(values)
                )
                + closest(value, values)
            )
        checked[fact] = spelled
    return checked


def check_order(order: str | None) -> str | None:
    if order is None:
        return None
    if not ORDER_NUMBER.match(order.strip()):
        shown = order.encode("unicode_escape").decode("ascii")[:40]
        raise UsageError(
            _("--order takes the order number, digits only (1 to 30), not {text}").format(text=repr(shown))
        )
    return order.strip()


def now_from(text: str | None) -> datetime:
    """--now as an aware moment (a relative one counts from the real clock); default: the real now."""
    real = datetime.now(timezone.utc).replace(microsecond=0)
    return real if text is None else _read("now", text, real).aware()


def dates_from(params: Mapping[str, object], now: datetime) -> dict[str, Moment]:
    """The dates given as flags, read against `now`."""
    texts = {name: str(params[param(name)]) for name in DATES if params.get(param(name)) is not None}
    return {name: _read(name, text, now) for name, text in texts.items()}


def _read(name: str, text: str, now: datetime) -> Moment:
    """The `WHEN` of option --name, or exit 2 saying what is wrong with it."""
    from .deadlines import parse_when

    try:
        return parse_when(text, now)
    except ValueError as error:
        raise UsageError(f"--{name}: {error}") from None


def missing(rules: RuleSet, needed: Needed, given: Mapping[str, str]) -> UsageError:
    """Exit 2 naming every flag still needed, with a command line to copy."""
    import shlex

    def choices(fact: str) -> str:
        return "|".join(rules.question(fact).values())

    now, *later = needed.missing()
    message = _("missing answers and no terminal to ask: {flags}").format(
        flags=" ".join(flag(now, choices(now)))
    )
    if later:
        rest = ", ".join(" ".join(flag(fact, choices(fact))) for fact in later)
        message += _(", then, depending on the answers: {flags}").format(flags=rest)
    words = [PROG, "advise", *(word for fact, value in given.items() for word in flag(fact, value))]
    example = " ".join(shlex.quote(word) for word in words)
    placeholders = " ".join(" ".join(flag(fact, f"<{choices(fact)}>")) for fact in needed.missing())
    return UsageError(message, hint=_("try: {command}").format(command=f"{example} {placeholders}"))


def one_shot(
    answers: Mapping[str, str], dates: Mapping[str, Moment], order: str | None, rules_path: str | None
) -> str:
    """The command that gives the same advice without questions: every answer and date as a flag."""
    import shlex

    words = [PROG, "advise"]
    words += [word for fact, value in answers.items() for word in flag(fact, value)]
    words += [word for name in DATES if name in dates for word in (f"--{name}", dates[name].iso())]
    if order:
        words += ["--order", order]
    if rules_path:
        words += ["--rules", rules_path]
    return " ".join(shlex.quote(word) for word in words)
