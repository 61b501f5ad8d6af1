"""decide(rules, answers, dates, now): the whole advice, with its deadlines; pure, no terminal or clock.

Every command and the tests call this one function: it checks the dates against each other and
`now`, lets the dates settle what the categories only guess (the contract's "Dates decide"), works
out implied moments, and walks the tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from .engine import Advice, Needed, walk
from .errors import UsageError
from .facts import DATES, IMPLYING, SETTLED, Settle, conflicts
from .i18n import _
from .model import RuleSet

if TYPE_CHECKING:  # the clock is imported only when a date is given (1.3 ms of a one-shot run)
    from .deadlines import Due, Moment


class Decision(NamedTuple):
    """Where the answers and dates lead: advice (or the fact needed next) and every deadline."""

    result: Advice | Needed
    due: tuple[Due, ...]
    answers: dict[str, str]  # as decided: the given answers with what the dates settled
    dates: dict[str, Moment]  # given and implied


def decide(
    rules: RuleSet, answers: Mapping[str, str], dates: Mapping[str, Moment], now: datetime
) -> Decision:
    """The advice for these answers and dates at `now` (aware); UsageError for a contradiction."""
    _check_categories(rules, answers)
    _check_dates(dates, now)
    decided = dict(answers)
    moments = dict(dates)
    due: list[Due] = []
    if moments:
        from .deadlines import compute

        due = compute(rules.deadlines, moments, now)
    notes: list[str] = []
    overruled: list[str] = []
    for fact, settle in SETTLED if due else ():
        if rules.has_question(fact):
            note = _settle(rules, fact, settle, decided, due)
            if note:
                notes.append(note)
                overruled.append(fact)
    for fact, (value, date, deadline) in IMPLYING:
        if decided.get(fact) == value:
            implied = next((d for d in due if d.id == deadline), None)
            if date not in moments and implied is not None:
                from .deadlines import Moment, compute

                moments[date] = Moment(implied.at.replace(tzinfo=None), implied.at.tzinfo)
                due = compute(rules.deadlines, moments, now)
    result = walk(rules, decided, {d.id: d.passed for d in due})
    if isinstance(result, Advice):
        # a fact only the dates filled in was never given: the path skipping it ignores nothing
        ignored = {fact for fact in result.ignored if fact in answers} | set(overruled)
        if notes or ignored != set(result.ignored):
            order = rules.question_order
            ordered = tuple(sorted(ignored, key=lambda fact: (order.get(fact, len(order)), fact)))
            result = result._replace(notes=(*notes, *result.notes), ignored=ordered)
    return Decision(result, tuple(due), decided, moments)


def _check_categories(rules: RuleSet, answers: Mapping[str, str]) -> None:
    for (fact, value), (other, other_value) in conflicts():
        if answers.get(fact) != value or answers.get(other) != other_value:
            continue
        if rules.has_question(fact) and rules.has_question(other):
            raise UsageError(
                _(
                    "--{fact} {value} and --{other} {other_value} contradict each other: give the right one"
                ).format(fact=fact, value=value, other=other, other_value=other_value)
            )


def _check_dates(dates: Mapping[str, Moment], now: datetime) -> None:
    for name, moment in dates.items():
        spec = DATES.get(name)
        if spec is None:
            continue
        if spec.past and moment.earliest() > now:
            raise UsageError(
                _(
                    "--{flag} {when} is after --now {now}: "
                    "it happened already, so it cannot be later than now"
                ).format(flag=name, when=moment.iso(), now=now.isoformat(timespec="minutes"))
            )
        other = dates.get(spec.not_before) if spec.not_before else None
        if other is not None and moment.aware() < other.earliest():
            raise UsageError(
                _("--{flag} {when} is before --{other} {other_when}: it cannot come first").format(
                    flag=name, when=moment.iso(), other=spec.not_before, other_when=other.iso()
                )
            )


def _settle(rules: RuleSet, fact: str, spec: Settle, answers: dict[str, str], due: list[Due]) -> str | None:
    """Let the fact's date decide it; the note that says so when it overrules a flag, else None."""
    deadline = next((d for d in due if d.id == spec.by), None)
    if deadline is None:
        return None
    derived = spec.after if deadline.passed else spec.before
    given = answers.get(fact)
    if given is None:
        if spec.fills:
            answers[fact] = derived
        return None
    if given == derived or (given == spec.after and deadline.surely):
        return None
    if given == spec.after and given not in spec.overrules:
        label = rules.deadline(spec.by).label
        raise UsageError(
            _(
                "--{fact} {value} says time has run out, but --{date} {when} says it has not "
                "({label}: {due}): give the right one"
            ).format(
                fact=fact,
                value=given,
                date=spec.date,
                when=deadline.moment.iso(),
                label=label,
                due=deadline.at.isoformat(timespec="minutes"),
            )
        )
    if given not in spec.overrules:
        return None
    answers[fact] = derived
    return _("The date you gave (--{date}) overrules --{fact} {value}: this advice is for {decided}.").format(
        date=spec.date, fact=fact, value=given, decided=rules.question(fact).label(derived)
    )


def stable_until(rules: RuleSet, decision: Decision, now: datetime) -> datetime | None:
    """The first moment after `now` at which the same answers and dates could be decided otherwise.

    The clock enters a decision only as "has this deadline passed" (from the moment given, and for
    a whole day from its start too): until the next of those instants the decision stays the same;
    after the last of them (None) it never changes with time.
    """
    from .deadlines import due_at

    instants = []
    for due in decision.due:
        instants.append(due.at)
        if due.moment.whole_day:
            instants.append(due_at(rules.deadline(due.id), due.moment, earliest=True))
    later = [instant for instant in instants if instant > now]
    return min(later) if later else None
