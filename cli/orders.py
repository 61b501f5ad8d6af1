"""The `orders` commands: the notebook's orders, their advice against now, and what is due.

The advice of a stored order is worked out again at each look (core.decide against the real
now), so that stored orders age with the clock.
"""

# No `from __future__ import annotations`: Typer reads the parameters' annotations at start-up.

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import terminal
from .cmd_advise import GOODBYE, Interrupted, Request, takes_facts
from .errors import UsageError
from .flags import PROG
from .i18n import _, ngettext
from .localhelp import Command, group
from .model import WAIT
from .tracking import Look, Mark, look, looks, open_notebook, stored_dates, utc_now

if TYPE_CHECKING:
    from datetime import datetime

    from .notebook import Notebook, Order

orders_app = group(
    _("The order notebook: remembered orders, their deadlines, what is due."), invoke_without_command=True
)
Number = Annotated[
    str, typer.Argument(metavar="NUMBER", help=_("The order number (digits)."), show_default=False)
]
DUE_AHEAD_HOURS = 24  # `orders due`: a deadline within the next day...
DUE_BEHIND_DAYS = 7  # ...or passed within the last week


def _when(due: "Mark | None", now: "datetime") -> str:
    if due is None:
        return ""
    from .deadlines import relative

    return _("{label}: {when}").format(label=due.label, when=relative(due.at, now))


@orders_app.callback(
    help=_("List the open orders: number, label, advised action, next deadline and how far off it is.")
)
def orders(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option("--all", help=_("Also show orders marked done."))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print one JSON object on stdout."))] = False,
) -> None:
    """List the open orders: number, label, advised action, next deadline and how far off it is."""
    if ctx.invoked_subcommand is not None:
        return
    now, seen = looks(show_all)[1:]
    if as_json:
        rows = [_json_row(item) for item in seen]
        terminal.write_out(terminal.json_text({"orders": rows}) + "\n", raw=True)
        return
    if not seen:
        terminal.write_err(
            _("No orders in the notebook yet: '{command}' adds one.").format(
                command=f"{PROG} advise ... --order NUMBER --remember"
            )
        )
        return
    table: list[tuple[str, str, str, str]] = [(_("NUMBER"), _("LABEL"), _("ACTION"), _("NEXT"))]
    for item in seen:
        done = " " + _("(done)") if item.order.done else ""
        table.append((item.order.number, item.order.label or "", item.summary + done, _when(item.next, now)))
    terminal.write_out(_table(table))


def _json_row(item: Look) -> dict[str, Any]:
    """An order as `orders --json` shows it (the contract's shape)."""
    upcoming = item.next
    return {
        "number": item.order.number,
        "label": item.order.label,
        "action": item.action or None,
        "next": None
        if upcoming is None
        else {"id": upcoming.id, "at": upcoming.at.isoformat(), "passed": upcoming.passed},
        "done": item.order.done,
    }


def _table(rows: list[tuple[str, str, str, str]]) -> str:
    """Columns padded to their widest cell; labels shown with control characters made visible."""
    cells = [[terminal.visible(cell, newlines=False) for cell in row] for row in rows]
    widths = [min(max(len(row[i]) for row in cells), 40) for i in range(3)]
    lines = []
    for row in cells:
        parts = [cell[: widths[i]].ljust(widths[i]) for i, cell in enumerate(row[:3])]
        lines.append("  ".join([*parts, row[3]]).rstrip())
    return "\n".join(lines) + "\n"


@orders_app.command(
    cls=Command,
    name="due",
    help=_("Open orders with something to do now; nothing when nothing is due (for a shell start-up file)."),
)
def due() -> None:
    """Open orders with something to do now; nothing when nothing is due (for a shell start-up file)."""
    from datetime import timedelta

    now, seen = looks(False)[1:]
    lines = []
    for item in seen:
        near = [
            d
            for d in item.marks
            if now - timedelta(days=DUE_BEHIND_DAYS) <= d.at <= now + timedelta(hours=DUE_AHEAD_HOURS)
        ]
        if item.action == WAIT and not near:
            continue
        label = f" ({terminal.visible(item.order.label, newlines=False)})" if item.order.label else ""
        line = _("order {number}{label}: {action}").format(
            number=item.order.number, label=label, action=item.summary
        )
        lines.append(f"{PROG}: {line}; {_when(near[0], now)}" if near else f"{PROG}: {line}")
    if lines:
        terminal.write_out(
            "\n".join(lines)
            + "\n"
            + _("(see '{command}')").format(command=f"{PROG} orders show NUMBER")
            + "\n"
        )


def _is_text(text: str) -> bool:
    """Whether a command-line text is real text (a byte that is not UTF-8 arrives as a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _get(notebook: "Notebook", number: str) -> "Order":
    from .flags import check_order

    order = notebook.get(check_order(number) or number)
    if order is None:
        raise UsageError(
            _("order {number} is not in the notebook (see '{command}')").format(
                number=number, command=f"{PROG} orders"
            )
        )
    return order


@orders_app.command(
    cls=Command,
    name="show",
    help=_("Answers, dates, the advice worked out again against now, and the history of changes."),
)
def show(number: Number) -> None:
    """Answers, dates, the advice worked out again against now, and the history of changes."""
    with open_notebook() as notebook:
        order = _get(notebook, number)
    _print_order(order)


def _print_order(order: "Order") -> None:
    from .core import decide
    from .rulestore import load_rules

    rules = load_rules(None)
    now = utc_now()
    item = look(rules, order, now)
    lines = [
        _("Order {number}").format(number=order.number)
        + (f": {order.label}" if order.label else "")
        + (" " + _("(done)") if order.done else "")
    ]
    lines += [f"  --{fact} {value}" for fact, value in order.answers.items()]
    lines += [f"  --{name} {text}" for name, text in order.dates.items()]
    lines += ["", _("History:")] + [
        f"  {c.at}: " + ", ".join(f"{k}={v}" for k, v in c.changes.items()) for c in order.history
    ]
    terminal.write_out("\n".join(terminal.visible(line, newlines=False) for line in lines) + "\n\n")
    if not item.action:
        terminal.write_out(item.summary + "\n")
        return
    from .cmd_advise import print_advice

    decision = decide(rules, order.answers, stored_dates(order, now), now)
    request = Request(rules_path=None, answers=dict(order.answers), dates={}, order=order.number, now=now)
    print_advice(rules, decision, request, as_json=False, interactive=False)


@orders_app.command(cls=Command, name="update", help=_("Record what changed, then print the new advice."))
@takes_facts
def update(
    ctx: typer.Context,
    number: Number,
    label: Annotated[
        str | None, typer.Option("--label", metavar="TEXT", help=_("A name of your own for the order."))
    ] = None,
    **flags: Any,
) -> None:
    """Record what changed, then print the new advice."""
    from .flags import answers_from, check_answers, dates_from
    from .rulestore import load_rules

    now = utc_now()
    if label is not None and not _is_text(label):
        raise UsageError(_("--label must be text: it holds bytes that are not UTF-8"))
    answers = check_answers(load_rules(None), answers_from(ctx.params, []))
    dates = {name: moment.iso() for name, moment in dates_from(ctx.params, now).items()}
    with open_notebook(write=True) as notebook:
        order = _get(notebook, number)
        order = notebook.remember(order.number, answers=answers, dates=dates, label=label, at=now.isoformat())
    _print_order(order)


@orders_app.command(
    cls=Command, name="done", help=_("Mark an order as resolved (kept, shown with 'orders --all').")
)
def done(number: Number) -> None:
    """Mark an order as resolved (kept, shown with 'orders --all')."""
    with open_notebook(write=True) as notebook:
        order = _get(notebook, number)
        notebook.mark_done(order.number, utc_now().isoformat())
    terminal.write_err(_("Order {number} is marked done.").format(number=order.number))


@orders_app.command(cls=Command, name="forget", help=_("Delete an order and its history for good."))
def forget(
    number: Number,
    yes: Annotated[bool, typer.Option("--yes", help=_("Do not ask (for scripts)."))] = False,
) -> None:
    """Delete an order and its history for good."""
    with open_notebook(write=True) as notebook:
        order = _get(notebook, number)
        if not yes:
            _confirm_forget(order.number)
        notebook.forget(order.number)
    terminal.write_err(_("Order {number} is forgotten.").format(number=order.number))


def _confirm_forget(number: str) -> None:
    from .cmd_advise import make_asker, prompt_stream

    stream = prompt_stream(False, False)
    if stream is None:
        raise UsageError(
            _("forgetting order {number} needs a yes: run '{command}'").format(
                number=number, command=f"{PROG} orders forget {number} --yes"
            )
        )
    try:
        if not make_asker(stream, False).confirm(
            _("Forget order {number} and its history for good?").format(number=number)
        ):
            raise UsageError(_("nothing was forgotten"))
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(GOODBYE) from None


@orders_app.command(
    cls=Command,
    name="export",
    help=_("Every order as JSON (backup, moving machines), or the open deadlines as an iCalendar file."),
)
def export(
    file_format: Annotated[
        str, typer.Option("--format", metavar="json|ics", help=_("JSON backup or iCalendar deadlines."))
    ] = "json",
) -> None:
    """Every order as JSON (backup, moving machines), or the open deadlines as an iCalendar file."""
    if file_format not in ("json", "ics"):
        raise UsageError(_("unknown format {format}: use json or ics").format(format=repr(file_format)))
    if file_format == "json":
        with open_notebook() as notebook:
            data = notebook.export()
        terminal.write_out(terminal.json_text(data) + "\n", raw=True)
        return
    from .calendar import Event, to_ics

    now, seen = looks(False)[1:]
    events = []
    for item in seen:
        title = item.summary
        events += [
            Event(
                item.order.number,
                item.order.label,
                d.id,
                d.label,
                d.at,
                title,
                _("Advice: {action}.").format(action=title),
            )
            for d in item.marks
            if not d.passed
        ]
    sys.stdout.flush()
    sys.stdout.buffer.write(to_ics(events, now))
    sys.stdout.buffer.flush()


@orders_app.command(
    cls=Command,
    name="import",
    help=_("Orders from a JSON export; orders already there are left alone and counted as skipped."),
)
def import_(
    file: Annotated[str, typer.Argument(metavar="FILE", help=_("A JSON export ('-' for stdin)."))],
) -> None:
    """Orders from a JSON export; orders already there are left alone and counted as skipped."""
    import json

    try:
        if file == "-":
            text = sys.stdin.read()
        else:
            with open(file, encoding="utf-8") as handle:
                text = handle.read()
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(
            _("cannot read {file}: {why}").format(file=file, why=getattr(error, "strerror", None) or error)
        ) from None
    except json.JSONDecodeError as error:
        raise UsageError(
            _("{file} is not JSON ({why} at line {line}): give a file from 'orders export'").format(
                file=file, why=error.msg, line=error.lineno
            )
        ) from None
    with open_notebook(write=True) as notebook:
        added, skipped = notebook.import_orders(data, utc_now().isoformat(), source=file)
    terminal.write_err(
        ngettext("Imported {count} order", "Imported {count} orders", added).format(count=added)
        + "; "
        + ngettext("skipped {count} already there.", "skipped {count} already there.", skipped).format(
            count=skipped
        )
    )


@orders_app.command(cls=Command, name="path", help=_("Print where the notebook is."))
def path() -> None:
    """Print where the notebook is."""
    from .notebook import notebook_path

    terminal.write_out(notebook_path() + "\n")
