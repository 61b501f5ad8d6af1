"""The commands that give advice: `advise` and `message`; flags in, one core call, a view out."""

# No `from __future__ import annotations`: Typer reads the parameters' annotations at start-up.

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.models import OptionInfo

from . import terminal
from .errors import AppError, UsageError
from .facts import DATES, FACTS
from .flags import PROG, param
from .i18n import _

if TYPE_CHECKING:
    from datetime import datetime

    from .core import Decision
    from .deadlines import Moment
    from .model import Message, RuleSet


class Interrupted(AppError):
    exit_code = 130


GOODBYE = _("stopped: nothing was changed.")
FACT_PANEL = _("Facts (answers to the questions)")
DATE_PANEL = _("Dates (WHEN: 2026-11-20, 2026-11-20T10:00, yesterday, '4 days ago', -3d)")


def _complete(values: tuple[str, ...]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        return [value for value in values if value.startswith(incomplete.lower())]

    return complete


def fact(name: str) -> OptionInfo:
    """The option of a fact of the contract: flag, values and help from the one table (facts.py)."""
    option: OptionInfo = typer.Option(
        f"--{name}",
        metavar="|".join(FACTS[name].values),
        help=FACTS[name].help,
        autocompletion=_complete(FACTS[name].values),
        show_default=False,
        rich_help_panel=FACT_PANEL,
    )
    return option


def date(name: str) -> OptionInfo:
    """The option of a `WHEN` date of the contract."""
    option: OptionInfo = typer.Option(
        f"--{name}", metavar="WHEN", help=DATES[name].help, rich_help_panel=DATE_PANEL
    )
    return option


def takes_facts(func: Any) -> Any:
    """Give a command one option per fact and per date of the contract, from the tables in facts.py.

    Typer reads a command's parameters from its signature: the options are added to it here, so
    that each fact is spelled once (its table row) and every command that takes facts agrees.
    """
    import inspect

    signature = inspect.signature(func)
    own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in signature.parameters.values()]
    keep = [p for p in own if p.kind is not inspect.Parameter.VAR_KEYWORD and p.name != "flags"]
    added = [
        inspect.Parameter(
            param(name),
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[str | None, option(name)],
        )
        for table, option in ((FACTS, fact), (DATES, date))
        for name in table
    ]
    func.__signature__ = signature.replace(parameters=[keep[0], *added, *keep[1:]])
    return func


@takes_facts
def advise(
    ctx: typer.Context,
    order: Annotated[
        str | None, typer.Option("--order", metavar="NUMBER", help=_("Order number (digits), for messages."))
    ] = None,
    now: Annotated[
        str | None, typer.Option("--now", metavar="WHEN", help=_("Compute deadlines against this moment."))
    ] = None,
    remember: Annotated[
        bool, typer.Option("--remember", help=_("Also keep the order in the notebook (needs --order)."))
    ] = False,
    plain: Annotated[
        bool, typer.Option("--plain", help=_("Numbered plain-text prompts instead of arrow-key menus."))
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help=_("Print one JSON object on stdout, nothing else."))
    ] = False,
    no_input: Annotated[
        bool, typer.Option("--no-input", help=_("Never prompt (implied when stdin is not a terminal)."))
    ] = False,
    rules: Annotated[
        str | None,
        typer.Option("--rules", metavar="PATH", envvar="ALI_CANCEL_RULES", help=_("Use another rule file.")),
    ] = None,
    answer: Annotated[
        list[str] | None,
        typer.Option(
            "--answer", metavar="ID=VALUE", help=_("Answer a question of a custom rule file (repeatable).")
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help=_("Show the traceback of an internal error."))
    ] = False,
    **flags: Any,
) -> None:
    """Print the advice for an order; ask for what the flags leave out.

    Give the facts you know as flags; in a terminal the rest is asked, otherwise the command
    stops with exit 2 and names every flag it still needs.
    """
    from .flags import answers_from, check_order, dates_from, now_from

    params = ctx.params
    moment_now = now_from(now)
    request = Request(
        rules_path=rules,
        answers=answers_from(params, answer or []),
        dates=dates_from(params, moment_now),
        order=check_order(order),
        now=moment_now,
    )
    if remember and request.order is None:
        raise UsageError(_("--remember needs --order NUMBER: the notebook keeps orders by their number"))
    run_advice(request, remember=remember, plain=plain, as_json=as_json, no_input=no_input)


class Request:
    """What one `advise` asks for: the rule file, answers, dates, order number and the moment."""

    def __init__(
        self,
        *,
        rules_path: str | None,
        answers: "dict[str, str]",
        dates: "dict[str, Moment]",
        order: str | None,
        now: "datetime",
    ) -> None:
        self.rules_path = rules_path
        self.answers = answers
        self.dates = dates
        self.order = order
        self.now = now


def run_advice(request: Request, *, remember: bool, plain: bool, as_json: bool, no_input: bool) -> None:
    """Decide (asking in a terminal if needed), remember if asked, print; offer more after a session."""
    from .core import decide
    from .engine import Advice
    from .flags import check_answers, missing
    from .rulestore import load_rules

    rule_set = load_rules(request.rules_path or None)
    request.answers = check_answers(rule_set, request.answers)
    decision = decide(rule_set, request.answers, request.dates, request.now)
    if (
        request.order
        and (remember or not isinstance(decision.result, Advice))
        and _fill_from_notebook(request)
    ):
        decision = decide(rule_set, request.answers, request.dates, request.now)
    interactive = False
    if not isinstance(decision.result, Advice):
        stream = prompt_stream(as_json, no_input)
        if stream is None:
            raise missing(rule_set, decision.result, request.answers)
        interactive = True
        decision = _interview(rule_set, request, stream, plain)
    if remember and request.order:
        _remember(request)
    print_advice(rule_set, decision, request, as_json=as_json, interactive=interactive)
    if interactive:
        _after_session(rule_set, decision, request, plain, remembered=remember)


def _fill_from_notebook(request: Request) -> bool:
    from .tracking import fill_request

    return fill_request(request)


def _remember(request: Request) -> None:
    from .tracking import remember_request

    remember_request(request)


def prompt_stream(as_json: bool, no_input: bool) -> Any | None:
    """Where prompts can be drawn (a terminal that is not the JSON stream), or None: no prompts."""
    if no_input:
        return None
    try:
        if not sys.stdin.isatty():
            return None
        if sys.stderr.isatty():
            return sys.stderr
        if sys.stdout.isatty() and not as_json:
            return sys.stdout
    except (AttributeError, ValueError):
        return None
    return None


def make_asker(stream: Any, plain: bool) -> Any:
    import gc

    from .prompts import make_asker as build
    from .prompts import wants_plain

    gc.enable()  # paused for start-up by launch.py; a session at the prompts may last a while
    return build(plain=wants_plain(plain, os.environ), output_stream=stream)


def _interview(rule_set: "RuleSet", request: Request, stream: Any, plain: bool) -> "Decision":
    from .interview import interview

    asker = make_asker(stream, plain)
    try:
        decision, answers, dates = interview(rule_set, request.answers, request.dates, request.now, asker)
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(GOODBYE) from None
    request.answers, request.dates = answers, dates
    return decision


def print_advice(
    rule_set: "RuleSet", decision: "Decision", request: Request, *, as_json: bool, interactive: bool
) -> None:
    from .engine import Advice

    advice = decision.result
    assert isinstance(advice, Advice)  # noqa: S101 - decided before printing
    kind = advice.outcome.message
    text = rule_set.message(kind).text(decision.answers, request.order or PLACEHOLDER) if kind else None
    if as_json:
        from .report import advice_json

        payload = advice_json(rule_set, advice, decision.due, text, request.order)
        terminal.write_out(terminal.json_text(payload) + "\n", raw=True)
        return
    from .render import advice_view

    console = terminal.console()
    shown = text if not interactive or request.order else None
    view = advice_view(
        rule_set, advice, decision.due, request.now, shown, unicode=terminal.unicode_ok(console)
    )
    console.print(view, crop=False)  # a long line of the message is wrapped by the terminal, never cut


PLACEHOLDER = "(your order number)"


def _after_session(
    rule_set: "RuleSet", decision: "Decision", request: Request, plain: bool, *, remembered: bool
) -> None:
    """After an interview: the one-shot command on stderr, then the offers (message, notebook)."""
    from .flags import one_shot

    command = one_shot(request.answers, request.dates, request.order, request.rules_path)
    from .wrapping import usable, wrap

    explained = wrap(
        _("The same advice without questions (to run again, or to make an alias):"), usable(terminal.width())
    )
    terminal.write_err("", *explained, f"  {command}")  # the command whole: it is for copying
    stream = prompt_stream(False, False)
    if stream is None:
        return
    from .engine import Advice

    advice = decision.result
    assert isinstance(advice, Advice)  # noqa: S101
    asker = make_asker(stream, plain)
    try:
        if (
            advice.outcome.message
            and not request.order
            and asker.confirm(_("Show a message to paste to the seller?"))
        ):
            number = asker.order_number(_("Order number for the message (Enter to leave a placeholder):"))
            request.order = number or request.order
            _print_message(rule_set.message(advice.outcome.message), decision.answers, number or PLACEHOLDER)
        if (
            not remembered
            and _worth_following(decision)
            and asker.confirm(_("Remember this order in the notebook, to follow it?"))
        ):
            request.order = request.order or asker.order_number(
                _("Order number (digits, as on the order page):")
            )
            if request.order:
                _remember(request)
                terminal.write_err(
                    _("Remembered order {number}: see '{command}'.").format(
                        number=request.order, command=f"{PROG} orders"
                    )
                )
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(GOODBYE) from None


def _worth_following(decision: "Decision") -> bool:
    """The advice has something to follow: a deadline, a message to send, or an answer that waits."""
    from .engine import Advice

    result = decision.result
    if decision.due or (isinstance(result, Advice) and result.outcome.message):
        return True
    return any(
        step.answer == value
        for step in result.path
        if step.question in FACTS
        for value, _date in FACTS[step.question].asks
    )


def _print_message(draft: "Message", answers: "dict[str, str]", order: str) -> None:
    from .i18n import english_note
    from .render import message_view

    terminal.console().print(message_view(draft.text(answers, order), english_note(draft.about)), crop=False)


def _complete_kinds(incomplete: str) -> list[str]:
    """The message kinds of the built-in rules (read only when the shell asks for completions)."""
    from .rulestore import load_rules

    return [m.kind for m in load_rules(None).messages if m.kind.startswith(incomplete.lower())]


def message(
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND",
            help=_(
                "urge-shipping, return-request, shipment-cancelled, follow-up, problem-report or dispute."
            ),
            autocompletion=_complete_kinds,
            show_default=False,
        ),
    ],
    order: Annotated[
        str | None, typer.Option("--order", metavar="NUMBER", help=_("The order number (digits only)."))
    ] = None,
) -> None:
    """Print a ready-to-send message to the seller, or the text for a dispute form."""
    from .flags import check_order, closest
    from .rulestore import load_rules

    rule_set = load_rules(None)
    kinds = [m.kind for m in rule_set.messages]
    if kind.lower() not in kinds:
        raise UsageError(
            _("unknown message kind {kind}: use one of {kinds}").format(
                kind=repr(kind), kinds=", ".join(kinds)
            )
            + closest(kind, kinds)
        )
    number = check_order(order)
    draft = rule_set.message(kind.lower())
    terminal.write_out(draft.text({}, number or PLACEHOLDER) + "\n")
    from .i18n import english_note

    if english_note(draft.about):
        terminal.write_err(english_note(draft.about))
    if sys.stderr.isatty():
        terminal.write_err(_("Before you send it: attach the screenshot or photos the message mentions."))
