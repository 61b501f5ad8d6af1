"""The Typer app: flags -> core -> render, and the one place that turns errors into exit codes."""

# No `from __future__ import annotations` here: Typer would evaluate every annotation string of
# every command at start-up; names only needed for type checking are quoted instead.

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from typer.core import TyperGroup

from .errors import AppError, RuleFileError, UsageError

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from .deadlines import Due, Moment
    from .engine import Advice, Needed
    from .model import RuleSet

PROG = "ali-cancel"

# The facts of the contract: flag -> values, in the order the built-in tree asks them.
FACTS: dict[str, tuple[str, ...]] = {
    "payment": ("unpaid", "verifying", "paid"),
    "closed": ("no", "seller-timeout", "reused-coupon", "payment-check"),
    "shipping": ("not-shipped", "shipped", "shipment-cancelled", "delivered"),
    "cancel-request": ("none", "pending", "approved", "no-response", "rejected"),
    "seller-asked": ("yes", "no"),
    "want": ("refund", "item"),
    "coupon": ("none", "platform", "seller"),
    "seller-reply": ("not-contacted", "waiting", "replied", "no-reply"),
    "protection": ("plenty-left", "running-out"),
}


class Interrupted(AppError):
    exit_code = 130


def _stderr(*lines: str) -> None:
    """Lines on stderr as plain text (never Rich markup); a closed stderr is no reason to crash."""
    try:
        sys.stderr.write("".join(f"{line}\n" for line in lines))
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _say(message: str, hint: str | None = None) -> None:
    """An error as one line (and an optional hint line), in the program's name."""
    _stderr(f"{PROG}: {' '.join(message.split())}", *([hint] if hint else []))


def _silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the interpreter's last flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# Typographic characters a rule file may use, for a terminal that cannot encode them.
_PLAIN = {
    "\u2192": "->",
    "\u2190": "<-",
    "\u2026": "...",
    "\u201c": '"',
    "\u201d": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u2014": "-",
    "\u2013": "-",
    "\u2022": "-",
    "\u2713": "v",
    "\u00a0": " ",
}


def _plain_characters(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: known punctuation spelled out, accents dropped (é -> e), else '?'."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    import unicodedata

    def plain(char: str) -> str:
        if char in _PLAIN:
            return _PLAIN[char]
        return unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii") or "?"

    return "".join(plain(char) for char in error.object[error.start : error.end]), error.end


def _encode_plainly() -> None:
    """On a stdout that is not UTF-8 (LANG=C), write what it cannot encode as plain characters."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding.startswith("utf") or not hasattr(sys.stdout, "reconfigure"):
        return
    import codecs

    codecs.register_error("ali-cancel-plain", _plain_characters)
    with contextlib.suppress(ValueError, OSError):
        sys.stdout.reconfigure(errors="ali-cancel-plain")


class AliCancelGroup(TyperGroup):
    """Runs the command without Click's standalone handling, and maps every error to its exit code."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        from typer import _click

        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        _encode_plainly()
        code: int
        try:
            result = super().main(
                args=argv,
                prog_name=prog_name or PROG,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = result if isinstance(result, int) else 0
            sys.stdout.flush()
        except AppError as error:
            if isinstance(error, RuleFileError):
                # PATH:LINE:COLUMN: message, unprefixed, so that editors and grep can jump to it
                _stderr(*(str(problem) for problem in error.problems))
            else:
                _say(error.message, error.hint)
            code = error.exit_code
        except _click.exceptions.NoArgsIsHelpError:
            code = 2  # the help was shown already
        except _click.exceptions.UsageError as error:
            where = error.ctx.command_path if error.ctx is not None else PROG
            _say(f"{error.format_message()} (see '{where} --help')")
            code = 2
        except _click.exceptions.ClickException as error:
            _say(error.format_message())
            code = error.exit_code
        except typer.Abort:
            _say("stopped: nothing was changed.")
            code = 130
        except KeyboardInterrupt:
            _say("stopped: nothing was changed.")
            code = 130
        except BrokenPipeError:
            _silence_stdout()
            code = 0
        except Exception as error:
            if debug:
                raise
            _say(f"internal error: {type(error).__name__}: {error} (run again with --debug for the details)")
            code = 1
        sys.exit(code)


app = typer.Typer(
    cls=AliCancelGroup,
    name=PROG,
    add_completion=True,
    invoke_without_command=True,
    no_args_is_help=False,
    # Plain Click help: Typer's Rich help imports rich.markdown, markdown-it and rich.traceback,
    # which doubles the time of `--help` (tests/bench/startup.py shows it).
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rules_app = typer.Typer(
    help="Check, draw and export rule files.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(rules_app, name="rules")


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version(PROG)
        except PackageNotFoundError:
            number = "unknown (not installed)"
        sys.stdout.write(f"{PROG} {number}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    show_version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_show_version, is_eager=True
    ),
) -> None:
    """Advice for getting out of an AliExpress order, or getting your money back.

    Run without a command to start the interactive advisor (the same as 'ali-cancel advise').
    """
    if ctx.invoked_subcommand is None:
        command = ctx.command.get_command(ctx, "advise")  # type: ignore[attr-defined]
        ctx.invoke(command)


def _completer(fact: str) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        return [value for value in FACTS[fact] if value.startswith(incomplete)]

    return complete


def _fact_option(fact: str, meaning: str) -> Any:
    return typer.Option(
        None,
        f"--{fact}",
        metavar="|".join(FACTS[fact]),
        help=meaning,
        autocompletion=_completer(fact),
        show_default=False,
        rich_help_panel="Facts (answers to the questions)",
    )


def _complete_kind(incomplete: str) -> list[str]:
    from .model import MESSAGE_KINDS

    return [kind for kind in MESSAGE_KINDS if kind.startswith(incomplete)]


@app.command()
def advise(
    payment: str | None = _fact_option("payment", "Paid? unpaid, verifying (paid, not verified yet), paid."),
    closed: str | None = _fact_option("closed", "Did AliExpress close the order, and why?"),
    shipping: str | None = _fact_option("shipping", "Where the parcel stands."),
    cancel_request: str | None = _fact_option(
        "cancel-request", "Your cancellation request and the seller's answer."
    ),
    seller_asked: str | None = _fact_option(
        "seller-asked", "Did the seller ask you to request the cancellation?"
    ),
    want: str | None = _fact_option("want", "Your money back, or the item."),
    coupon: str | None = _fact_option("coupon", "A coupon on the order, and whose."),
    seller_reply: str | None = _fact_option(
        "seller-reply", "Have you written to the seller, and did they answer?"
    ),
    protection: str | None = _fact_option("protection", "Buyer protection time left."),
    order: str | None = typer.Option(
        None, "--order", metavar="NUMBER", help="Order number (digits), for messages."
    ),
    requested_at: str | None = typer.Option(
        None, "--requested-at", metavar="WHEN", help="When you requested the cancellation (ISO 8601)."
    ),
    cancelled_at: str | None = typer.Option(
        None, "--cancelled-at", metavar="WHEN", help="When the order was cancelled (ISO 8601)."
    ),
    ship_by: str | None = typer.Option(
        None, "--ship-by", metavar="WHEN", help="The order page's ship-by deadline."
    ),
    now: str | None = typer.Option(
        None, "--now", metavar="WHEN", help="Compute deadlines against this moment."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout, nothing else."),
    no_input: bool = typer.Option(
        False, "--no-input", help="Never prompt (implied when stdin is not a terminal)."
    ),
    rules: str | None = typer.Option(
        None,
        "--rules",
        metavar="PATH",
        envvar="ALI_CANCEL_RULES",
        help="Use another rule file.",
        show_envvar=True,
    ),
    answer: list[str] | None = typer.Option(
        None, "--answer", metavar="ID=VALUE", help="Answer a question of a custom rule file (repeatable)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an internal error."),
) -> None:
    """Print the advice for an order; ask for what the flags leave out.

    Give the facts you know as flags; in a terminal the rest is asked, otherwise the command
    stops with exit 2 and names every flag it still needs.
    """
    del debug  # read by AliCancelGroup.main before anything runs
    flags = {
        "payment": payment,
        "closed": closed,
        "shipping": shipping,
        "cancel-request": cancel_request,
        "seller-asked": seller_asked,
        "want": want,
        "coupon": coupon,
        "seller-reply": seller_reply,
        "protection": protection,
    }
    given = {fact: value for fact, value in flags.items() if value is not None}
    _merge_answers(given, answer or [])
    order_number = _check_order(order)
    moments = _moments({"requested-at": requested_at, "cancelled-at": cancelled_at, "ship-by": ship_by})
    moment_now = _now(now) if moments or now else None  # no dates given: the clock is not needed
    rule_set = _load(rules)
    _check_answers(rule_set, given)
    due: list[Due] = []
    if moments and moment_now is not None:
        from .deadlines import compute

        due = compute(rule_set.deadlines, moments, moment_now)
    passed = {item.id: item.passed for item in due}

    from .engine import Advice, walk

    result = walk(rule_set, given, passed)
    interactive = False
    if not isinstance(result, Advice):
        output = _prompt_output(as_json, no_input)
        if output is None:
            raise _missing(rule_set, result, given)
        interactive = True
        result = _interview(rule_set, given, passed, output)
    _print_advice(rule_set, result, due, moment_now, order_number, as_json=as_json, interactive=interactive)


@app.command()
def message(
    kind: str = typer.Argument(
        ...,
        metavar="KIND",
        help="urge-shipping, return-request, shipment-cancelled or follow-up.",
        autocompletion=_complete_kind,
        show_default=False,
    ),
    order: str = typer.Option(..., "--order", metavar="NUMBER", help="The order number (digits only)."),
) -> None:
    """Print a ready-to-send message to the seller."""
    from .messages import REMINDER, draft
    from .model import MESSAGE_KINDS

    if kind not in MESSAGE_KINDS:
        raise UsageError(f"unknown message kind {kind!r}: use one of {', '.join(MESSAGE_KINDS)}")
    number = _check_order(order)
    _write(draft(kind, number) + "\n")
    if sys.stderr.isatty():
        _say(REMINDER)


@rules_app.command("validate")
def rules_validate(
    path: str | None = typer.Argument(
        None, metavar="[PATH]", help="A rule file (default: the built-in one)."
    ),
) -> None:
    """Check a rule file and report every problem as PATH:LINE:COLUMN: message."""
    from .loader import check_file
    from .summary import count_paths

    source, rule_set = check_file(path)
    _write(
        f"{source}: ok: {len(rule_set.questions)} questions, {len(rule_set.steps)} steps, "
        f"{len(rule_set.outcomes)} outcomes, {count_paths(rule_set):,} distinct paths\n"
    )


@rules_app.command("show")
def rules_show(
    path: str | None = typer.Argument(
        None, metavar="[PATH]", help="A rule file (default: the built-in one)."
    ),
) -> None:
    """Draw the tree in the terminal: questions, their choices, and where each leads."""
    from .loader import check_file
    from .summary import tree_view

    _, rule_set = check_file(path)
    console = _console()
    console.print(tree_view(rule_set, unicode=_unicode(console)))


@rules_app.command("graph")
def rules_graph(
    path: str | None = typer.Argument(
        None, metavar="[PATH]", help="A rule file (default: the built-in one)."
    ),
    graph_format: str = typer.Option(
        "mermaid",
        "--format",
        metavar="mermaid|dot",
        help="Mermaid flowchart or Graphviz digraph.",
        autocompletion=lambda incomplete: [f for f in ("mermaid", "dot") if f.startswith(incomplete)],
    ),
) -> None:
    """Print the tree as Mermaid or Graphviz DOT text."""
    from .graph import dot, mermaid
    from .loader import check_file

    if graph_format not in ("mermaid", "dot"):
        raise UsageError(f"unknown format {graph_format!r}: use mermaid or dot")
    _, rule_set = check_file(path)
    _write(mermaid(rule_set) if graph_format == "mermaid" else dot(rule_set))


# ---------------------------------------------------------------------------------------------
# helpers of advise


def _merge_answers(given: dict[str, str], pairs: Sequence[str]) -> None:
    for pair in pairs:
        fact, sep, value = pair.partition("=")
        fact, value = fact.strip(), value.strip()
        if not sep or not fact or not value:
            raise UsageError(f"--answer takes ID=VALUE, not {pair!r}")
        if given.get(fact, value) != value:
            raise UsageError(f"{fact} is answered twice, as {given[fact]!r} and {value!r}: give one")
        given[fact] = value


def _check_order(order: str | None) -> str | None:
    if order is None:
        return None
    from .prompts import ORDER_NUMBER

    if not ORDER_NUMBER.match(order):
        shown = order.encode("unicode_escape").decode("ascii")[:40]
        raise UsageError(f"--order takes the order number, digits only (1 to 30), not {shown!r}")
    return order


def _moments(options: dict[str, str | None]) -> "dict[str, Moment]":
    given = {name: text for name, text in options.items() if text is not None}
    if not given:
        return {}  # and the clock module is never imported
    from .deadlines import parse_when

    moments = {}
    for name, text in given.items():
        try:
            moments[name] = parse_when(text)
        except ValueError as error:
            raise UsageError(f"--{name}: {error}") from None
    return moments


def _now(text: str | None) -> "datetime":
    from datetime import datetime, timezone

    if text is None:
        return datetime.now(timezone.utc)
    return _moments({"now": text})["now"].aware()


def _load(path: str | None) -> "RuleSet":
    from .loader import load_rules

    return load_rules(path or None)


def _check_answers(rule_set: "RuleSet", given: dict[str, str]) -> None:
    known = {question.id: question.values() for question in rule_set.questions}
    for fact, value in given.items():
        values = known.get(fact, FACTS.get(fact))
        if values is None:
            raise UsageError(
                f"--answer {fact}={value}: the rules ask no question {fact!r} (they ask: {', '.join(known)})"
            )
        if value not in values:
            flag = f"--{fact}" if fact in FACTS else f"--answer {fact}="
            raise UsageError(f"{flag}: {value!r} is not one of {', '.join(values)}")


def _flag(fact: str, value: str) -> list[str]:
    """The words that answer `fact`: its own flag for a contract fact, else --answer ID=VALUE."""
    return [f"--{fact}", value] if fact in FACTS else ["--answer", f"{fact}={value}"]


def _missing(rule_set: "RuleSet", needed: "Needed", given: dict[str, str]) -> UsageError:
    import shlex

    def choices(fact: str) -> str:
        return "|".join(rule_set.question(fact).values())

    now, *later = needed.missing()
    message = f"missing answers and no terminal to ask: {' '.join(_flag(now, choices(now)))}"
    if later:
        rest = ", ".join(" ".join(_flag(fact, choices(fact))) for fact in later)
        message += f", then, depending on the answers: {rest}"
    words = [PROG, "advise", *(word for fact, value in given.items() for word in _flag(fact, value))]
    example = " ".join(shlex.quote(word) for word in words)
    placeholders = " ".join(" ".join(_flag(fact, f"<{choices(fact)}>")) for fact in needed.missing())
    return UsageError(message, hint=f"try: {example} {placeholders}")


def _prompt_output(as_json: bool, no_input: bool) -> Any | None:
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


def _interview(rule_set: "RuleSet", given: dict[str, str], passed: dict[str, bool], stream: Any) -> "Advice":
    import gc

    from prompt_toolkit.output import create_output

    from .prompts import interview, select_asker

    gc.enable()  # paused for start-up by launch.py; a session at the prompts may last a while

    output = create_output(stdout=stream)
    try:
        advice, _ = interview(rule_set, given, passed, select_asker(output=output))
    except (KeyboardInterrupt, EOFError):
        raise Interrupted("stopped: nothing was changed.") from None
    return advice


def _console() -> "Console":
    import shutil

    from rich.console import Console

    width = height = None
    if os.environ.get("TERM") == "dumb" and sys.stdout.isatty():
        width, height = shutil.get_terminal_size()  # Rich assumes 80x25 on a dumb terminal
    return Console(highlight=False, soft_wrap=False, emoji=False, width=width, height=height)


def _unicode(console: "Console") -> bool:
    return console.encoding.lower().replace("-", "").startswith("utf")


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _print_advice(
    rule_set: "RuleSet",
    advice: "Advice",
    due: "list[Due]",
    now: "datetime | None",
    order: str | None,
    *,
    as_json: bool,
    interactive: bool,
) -> None:
    from .messages import draft

    outcome = advice.outcome
    text = draft(outcome.message, order) if outcome.message and outcome.action == "contact-seller" else None
    if as_json:
        import json

        from .report import advice_json

        encoding = (getattr(sys.stdout, "encoding", None) or "ascii").lower().replace("-", "")
        payload = advice_json(rule_set, advice, due, text)
        _write(json.dumps(payload, indent=2, ensure_ascii=not encoding.startswith("utf")) + "\n")
        return
    from .render import advice_view, message_view

    console = _console()
    show_message_now = text is not None and not interactive
    view = advice_view(
        rule_set, advice, due, now, text if show_message_now else None, unicode=_unicode(console)
    )
    console.print(view, crop=False)  # a long line of the message is wrapped by the terminal, never cut
    if text is not None and interactive and outcome.message:
        stream = _prompt_output(False, False)
        if stream is None:
            console.print(message_view(text), crop=False)
            return
        from prompt_toolkit.output import create_output

        from .prompts import ask_order_number, confirm

        output = create_output(stdout=stream)
        try:
            if not confirm("Show a message to paste to the seller?", output=output):
                return
            number = order or ask_order_number(output=output)
        except (KeyboardInterrupt, EOFError):
            return
        console.print(message_view(draft(outcome.message, number)), crop=False)


def main() -> None:
    """The console script: `ali-cancel`."""
    from typer.main import get_command

    get_command(app).main(prog_name=PROG)
