"""Advice -> Rich renderables (returned, never printed); the JSON view is in report.py.

Every text that comes from a rule file or a flag is wrapped in Text, so that `[...]` in it is
shown as written and never read as Rich markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from .engine import Advice
from .i18n import _, english_note
from .model import RuleSet

if TYPE_CHECKING:  # the clock is imported only when there are deadlines to show
    from datetime import datetime

    from .deadlines import Due


class Glyphs:
    """Characters for the output; plain ones where the output cannot encode the nicer ones."""

    def __init__(self, unicode: bool) -> None:
        self.bullet = "•" if unicode else "-"
        self.arrow = "→" if unicode else "->"


def _heading(text: str) -> Text:
    return Text(text, style="bold")


class Hanging:
    """Items behind a marker, wrapped lines indented under their first: a list without rich.table.

    (rich.table alone costs more start-up than everything else we draw.)
    """

    def __init__(self, items: Sequence[tuple[str, Text]], marker_style: str = "") -> None:
        self.items = items
        self.marker_style = Style.parse(marker_style) if marker_style else Style()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = max((len(marker) for marker, _text in self.items), default=0) + 1
        inner = options.update(width=max(options.max_width - indent, 10))
        for marker, text in self.items:
            lines = console.render_lines(text, inner, pad=False)
            for index, line in enumerate(lines):
                lead = marker.rjust(indent - 1) + " " if index == 0 else " " * indent
                yield Segment(lead, self.marker_style if index == 0 else None)
                yield from line
                yield Segment.line()


def _numbered(items: Sequence[str]) -> Hanging:
    return Hanging([(f"{number}.", Text(item)) for number, item in enumerate(items, 1)], "bold cyan")


def _bullets(items: Sequence[Text | str], glyphs: Glyphs) -> Hanging:
    return Hanging([(glyphs.bullet, item if isinstance(item, Text) else Text(item)) for item in items], "dim")


def _weekday(index: int) -> str:
    return (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))[index]


def _format_time(at: datetime) -> str:
    """'Fri 2026-11-20 23:59 (+01:00)', the weekday in the chosen language."""
    offset = at.strftime("%z")
    return f"{_weekday(at.weekday())} {at:%Y-%m-%d %H:%M} ({offset[:3]}:{offset[3:]})"


def _deadline_style(item: Due, checked: set[str]) -> str:
    """Red only for a passed deadline the advice turned on; one the path never used stays dim."""
    if not item.passed:
        return "green"
    return "red" if item.id in checked else "dim"


def _timeline(advice: Advice, due: Sequence[Due], now: datetime | None) -> list[Text | str]:
    """Each deadline: its label, when, and how far off (red only if the advice turned on it)."""
    from .deadlines import relative

    checked = {deadline_id for deadline_id, _passed in advice.checks}
    timeline: list[Text | str] = []
    for item in due:
        line = Text(item.label)
        line.append(f"\n{_format_time(item.at.astimezone())}, ", style="dim")
        if now is not None:
            line.append(relative(item.at, now), style=_deadline_style(item, checked))
        timeline.append(line)
    return timeline


def _because(rules: RuleSet, advice: Advice, due: Sequence[Due], glyphs: Glyphs) -> list[Text | str]:
    """The answers on the path and the clock checks, as 'question -> answer' lines."""
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
            state = _("not known (no date given)")
        else:
            state = _("passed") if passed else _("not passed yet")
        line = Text(label, style="dim")
        line.append(f" {glyphs.arrow} {state}")
        because.append(line)
    return because


def advice_view(
    rules: RuleSet,
    advice: Advice,
    due: Sequence[Due],
    now: datetime | None,
    message: str | None,
    *,
    unicode: bool = True,
) -> RenderableType:
    """The advice as one panel: what to do, how, why, when, and what else."""
    glyphs = Glyphs(unicode)
    outcome = advice.outcome
    parts: list[RenderableType] = [Text(outcome.title, style="bold"), Text(""), _numbered(outcome.steps)]

    if advice.notes:
        parts += [Text(""), _heading(_("Good to know")), _bullets(advice.notes, glyphs)]

    if due:
        parts += [Text(""), _heading(_("Deadlines")), _bullets(_timeline(advice, due, now), glyphs)]

    if advice.path or advice.checks:
        parts += [Text(""), _heading(_("Because")), _bullets(_because(rules, advice, due, glyphs), glyphs)]

    if outcome.alternatives:
        alternatives: list[Text | str] = []
        for alternative in outcome.alternatives:
            # "{title}: {why}", punctuated as the language does (French puts a space before the colon)
            line = Text()
            for piece in re.split(r"(\{title\}|\{why\})", _("{title}: {why}")):
                if piece == "{title}":
                    line.append(rules.action_title(alternative.action), style="bold")
                else:
                    line.append(alternative.why if piece == "{why}" else piece)
            alternatives.append(line)
        parts += [Text(""), _heading(_("Or else")), _bullets(alternatives, glyphs)]

    if advice.ignored:
        parts += [
            Text(""),
            Text(_("Not needed here:") + " " + ", ".join(f"--{f}" for f in advice.ignored), style="dim"),
        ]

    parts += [Text(""), Text(_("Sources:") + " " + "; ".join(outcome.sources), style="dim italic")]
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
        kind = advice.outcome.message
        panels.append(message_view(message, english_note(rules.message(kind).about) if kind else ""))
    return Group(*panels)


def message_view(message: str, note: str = "") -> RenderableType:
    """The draft as plain lines between two rules, so that it copies without borders."""
    return Group(
        Text(""),
        *([Text(note, style="italic")] if note else []),
        Rule(Text(_("Text to paste: copy from here"), style="bold"), align="left", style="dim"),
        Text(message, no_wrap=True, overflow="ignore"),  # the terminal wraps it; copies stay whole
        Rule(style="dim"),
    )
