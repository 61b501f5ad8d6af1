"""The `rules` commands: check a rule file, draw it in the terminal, export it as a graph."""

# No `from __future__ import annotations`: Typer reads the parameters' annotations at start-up.

from typing import Annotated

import typer

from . import terminal
from .errors import UsageError
from .i18n import _

PathArgument = Annotated[
    str | None, typer.Argument(metavar="[PATH]", help=_("A rule file (default: the built-in one)."))
]


def _count(number: int, unit: str) -> str:
    return f"{number:,} {unit}{'' if number == 1 else 's'}"


def validate(path: PathArgument = None) -> None:
    """Check a rule file and report every problem as PATH:LINE:COLUMN: message."""
    from .rulestore import check_file
    from .summary import count_paths

    source, rule_set = check_file(path)
    counts = [
        _count(len(rule_set.questions), "question"),
        _count(len(rule_set.steps), "step"),
        _count(len(rule_set.outcomes), "outcome"),
        _count(count_paths(rule_set), "distinct path"),
    ]
    terminal.write_out(f"{source}: ok: {', '.join(counts)}\n")


def show(path: PathArgument = None) -> None:
    """Draw the tree in the terminal: questions, their choices, and where each leads."""
    from .rulestore import check_file
    from .summary import tree_view

    _, rule_set = check_file(path)
    console = terminal.console()
    console.print(tree_view(rule_set, unicode=terminal.unicode_ok(console)))


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
        raise UsageError(f"unknown format {graph_format!r}: use mermaid or dot")
    _, rule_set = check_file(path)
    terminal.write_out(mermaid(rule_set) if graph_format == "mermaid" else dot(rule_set))
