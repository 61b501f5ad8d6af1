"""A rule set as a count of paths and as a Rich tree for the terminal (returned, never printed)."""

from __future__ import annotations

from rich.text import Text
from rich.tree import Tree

from .i18n import _
from .model import Ask, Check, Outcome, RuleSet

MAX_DEPTH = 12  # steps drawn below one another before `rules show` stops and points to `rules graph`


def count_paths(rules: RuleSet) -> int:
    """How many distinct ways lead from the start to an outcome (each check counts both ways)."""
    counts: dict[str, int] = {}
    stack = [rules.start]
    while stack:
        node_id = stack[-1]
        if node_id in counts:
            stack.pop()
            continue
        node = rules.node(node_id)
        if isinstance(node, Outcome):
            counts[node_id] = 1
            stack.pop()
            continue
        targets = [t for _, t in node.answers] if isinstance(node, Ask) else [node.passed, node.otherwise]
        todo = [t for t in targets if t not in counts]
        if todo:
            stack.extend(todo)
            continue
        counts[node_id] = sum(counts[t] for t in targets)
        stack.pop()
    return counts[rules.start]


def _outcome_label(rules: RuleSet, outcome: Outcome, arrow: str) -> Text:
    label = Text(f"{arrow} ")
    label.append(rules.action_title(outcome.action), style="bold green")
    label.append(f" [{outcome.id}]", style="dim")
    return label


def tree_view(rules: RuleSet, *, unicode: bool = True) -> Tree:
    """Questions, their labelled choices, and what each leads to; a step drawn once is referred to."""
    arrow = "→" if unicode else "->"
    root = Tree(Text(rules.title, style="bold"), guide_style="dim")
    drawn: set[str] = set()
    # iterative, so that a very deep rule file cannot exhaust Python's recursion limit
    stack: list[tuple[Tree, str, int]] = [(root, rules.start, 0)]
    while stack:
        parent, node_id, depth = stack.pop()
        node = rules.node(node_id)
        if isinstance(node, Outcome):
            parent.add(_outcome_label(rules, node, arrow))
            continue
        if node_id in drawn:
            parent.add(
                Text(f"{arrow} " + _("same as step {step} above").format(step=node_id), style="dim italic")
            )
            continue
        if depth >= MAX_DEPTH:  # deeper trees do not fit a terminal; Rich would take ages to try
            deeper = _("step {step} and deeper: see '{command}'").format(
                step=node_id, command="ali-cancel rules graph"
            )
            parent.add(Text(f"{arrow} {deeper}", style="dim"))
            continue
        drawn.add(node_id)
        if isinstance(node, Check):
            branch = parent.add(
                Text(f"{rules.deadline(node.deadline).label} [{node_id}]", style="bold magenta")
            )
            pairs = [
                (Text(label, style="italic"), target)
                for label, target in (
                    (_("passed"), node.passed),
                    (_("not passed or unknown"), node.otherwise),
                )
            ]
            stack.extend(reversed([(branch.add(label), target, depth + 1) for label, target in pairs]))
            continue
        question = rules.question(node.fact)
        heading = Text(question.text, style="bold cyan")
        heading.append(f" [--{question.id}]", style="dim")
        branch = parent.add(heading)
        children = []
        for value, target in node.answers:
            choice = Text(question.label(value))
            choice.append(f" ({value})", style="dim")
            children.append((branch.add(choice), target, depth + 1))
        stack.extend(reversed(children))  # popped in the order they are drawn
    return root
