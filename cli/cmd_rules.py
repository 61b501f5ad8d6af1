"""The `rules` commands: check a rule file, draw it in the terminal, export it as a graph."""

# No `from __future__ import annotations`: Typer reads the parameters' annotations at start-up.

from typing import Annotated

import typer

from . import terminal
from .errors import UsageError
from .i18n import _, ngettext
from .localhelp import Command, group

rules_app = group(_("Check, draw and export rule files."), no_args_is_help=True)
PathArgument = Annotated[
    str | None, typer.Argument(metavar="[PATH]", help=_("A rule file (default: the built-in one)."))
]


@rules_app.command(
    "validate",
    cls=Command,
    help=_("Check a rule file and report every problem as PATH:LINE:COLUMN: message."),
)
def validate(path: PathArgument = None) -> None:
    """Check a rule file and report every problem as PATH:LINE:COLUMN: message."""
    from .rulestore import check_file
    from .summary import count_paths

    source, rule_set = check_file(path)
    counts = [
        ngettext("{count} question", "{count} questions", len(rule_set.questions)),
        ngettext("{count} step", "{count} steps", len(rule_set.steps)),
        ngettext("{count} outcome", "{count} outcomes", len(rule_set.outcomes)),
        ngettext("{count} distinct path", "{count} distinct paths", count_paths(rule_set)),
    ]
    numbers = (len(rule_set.questions), len(rule_set.steps), len(rule_set.outcomes), count_paths(rule_set))
    text = ", ".join(count.format(count=f"{number:,}") for count, number in zip(counts, numbers, strict=True))
    terminal.write_out(f"{source}: " + _("ok") + f": {text}\n")


@rules_app.command(
    "show",
    cls=Command,
    help=_("Draw the tree in the terminal: questions, their choices, and where each leads."),
)
def show(path: PathArgument = None) -> None:
    """Draw the tree in the terminal: questions, their choices, and where each leads."""
    from .i18n import chosen
    from .rulestore import check_file
    from .summary import tree_view

    rule_set = check_file(path)[1]
    if chosen.catalog is not None:  # drawn in the chosen language, as the advice is
        rule_set = rule_set.translated(_)
    console = terminal.console()
    console.print(tree_view(rule_set, unicode=terminal.unicode_ok(console)))


@rules_app.command("graph", cls=Command, help=_("Print the tree as Mermaid or Graphviz DOT text."))
def graph(
    path: PathArgument = None,
    graph_format: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="mermaid|dot",
            help=_("Mermaid flowchart or Graphviz digraph."),
            autocompletion=lambda incomplete: [f for f in ("mermaid", "dot") if f.startswith(incomplete)],
        ),
    ] = "mermaid",
) -> None:
    """Print the tree as Mermaid or Graphviz DOT text."""
    from .graph import dot, mermaid
    from .rulestore import check_file

    if graph_format not in ("mermaid", "dot"):
        raise UsageError(_("unknown format {format}: use mermaid or dot").format(format=repr(graph_format)))
    rule_set = check_file(path)[1]
    terminal.write_out(mermaid(rule_set) if graph_format == "mermaid" else dot(rule_set))
