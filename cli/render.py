"""Advice -> Rich renderables (returned, never printed), and the contract's JSON view.

Every text that comes from a rule file or a flag is wrapped in Text, so that `[...]` in it is
shown as written and never read as Rich markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from .deadlines import Due, relative
from .engine import Advice
from .model import RuleSet


class Glyphs:
    """Characters for the output; plain ones where the output cannot encode the nicer ones."""

    def __init__(self, unicode: bool) -> None:
        self.bullet = "•" if unicode else "-"
        self.arrow = "→" if unicode else "->"
        self.branch = "├─" if unicode else "|-"


def _heading(text: str) -> Text:
    return Text(text, style="bold")


def _numbered(items: Sequence[str]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="bold cyan", no_wrap=True)
    table.add_column(ratio=1)
    for number, item in enumerate(items, 1):
        table.add_row(f"{number}.", Text(item))
    return table


def _bullets(items: Sequence[Text | str], glyphs: Glyphs) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, style="dim")
    table.add_column(ratio=1)
    for item in items:
        table.add_row(glyphs.bullet, item if isinstance(item, Text) else Text(item))
    return table


def _format_time(at: datetime) -> str:
    return at.strftime("%a %Y-%m-%d %H:%M") + f" ({at.strftime('%z')[:3]}:{at.strftime('%z')[3:]})"


def advice_view(
    rules: RuleSet,
    advice: Advice,
    due: Sequence[Due],
    now: datetime,
    message: str | None,
    *,
    unicode: bool = True,
) -> RenderableType:
    """The advice as one panel: what to do, how, why, when, and what else."""
    glyphs = Glyphs(unicode)
    outcome = advice.outcome
    parts: list[RenderableType] = [Text(outcome.title, style="bold"), Text(""), _numbered(outcome.steps)]

    if advice.notes:
        parts += [Text(""), _heading("Good to know"), _bullets(advice.notes, glyphs)]

    if due:
        timeline: list[Text | str] = []
        for item in due:
            line = Text(item.label)
            line.append(f"\n{_format_time(item.at.astimezone())}, ", style="dim")
            line.append(relative(item.at, now), style="red" if item.passed else "green")
            timeline.append(line)
        parts += [Text(""), _heading("Deadlines"), _bullets(timeline, glyphs)]

    if advice.path or advice.checks:
        because: list[Text | str] = []
        for step in advice.path:
            question = rules.question(step.question)
            line = Text(question.text, style="dim")
            line.append(f" {glyphs.arrow} ")
            line.append(question.label(step.answer))
            because.append(line)
        for deadline_id, passed in advice.checks:
            label = next((d.label for d in due if d.id == deadline_id), None)
            if label is None:
                label = rules.deadline(deadline_id).label
                state = "not known (no date given)"
            else:
                state = "passed" if passed else "not passed yet"
            line = Text(label, style="dim")
            line.append(f" {glyphs.arrow} {state}")
            because.append(line)
        parts += [Text(""), _heading("Because"), _bullets(because, glyphs)]

    if outcome.alternatives:
        alternatives: list[Text | str] = []
        for alternative in outcome.alternatives:
            line = Text(rules.action_title(alternative.action), style="bold")
            line.append(": ")
            line.append(alternative.why)
            alternatives.append(line)
        parts += [Text(""), _heading("Or else"), _bullets(alternatives, glyphs)]

    if advice.ignored:
        parts += [
            Text(""),
            Text("Not needed here: " + ", ".join(f"--{f}" for f in advice.ignored), style="dim"),
        ]

    parts += [Text(""), Text("Sources: " + "; ".join(outcome.sources), style="dim italic")]
    panels: list[RenderableType] = [
        Panel(
            Group(*parts),
            title=Text(rules.action_title(outcome.action), style="bold"),
            title_align="left",
            border_style="cyan",
            padding=(0, 1),
        )
    ]
    if message is not None:
        panels.append(message_view(message))
    return Group(*panels)


def message_view(message: str) -> RenderableType:
    """The draft as plain lines between two rules, so that it copies without borders."""
    return Group(
        Text(""),
        Rule(Text("Message to the seller: copy from here", style="bold"), align="left", style="dim"),
        Text(message, no_wrap=True, overflow="ignore"),  # the terminal wraps it; copies stay whole
        Rule(style="dim"),
    )


def advice_json(rules: RuleSet, advice: Advice, due: Sequence[Due], message: str | None) -> dict[str, Any]:
    """The contract's JSON object, key for key."""
    outcome = advice.outcome
    return {
        "action": {"id": outcome.action, "title": outcome.title, "steps": list(outcome.steps)},
        "alternatives": [
            {"id": a.action, "title": rules.action_title(a.action), "why": a.why}
            for a in outcome.alternatives
        ],
        "notes": list(advice.notes),
        "deadlines": [{"id": d.id, "at": d.at.isoformat(), "passed": d.passed} for d in due],
        "message": message,
        "path": [{"question": s.question, "answer": s.answer} for s in advice.path],
        "ignored": list(advice.ignored),
        "sources": list(outcome.sources),
    }
