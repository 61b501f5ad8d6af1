"""Text wrapped for prompts: at spaces only, never inside a word, with a hanging indent; pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

Piece = tuple[str, str]  # (prompt_toolkit style, text)


def wrap_pieces(pieces: Sequence[Piece], width: int, first: str = "", rest: str = "") -> list[list[Piece]]:
    """Styled text as lines at most `width` wide, broken only at spaces; `first`/`rest` start the lines.

    Runs of spaces inside a piece, or at its start, stay as they are between two words on one line
    (so "?  answer" keeps its two spaces); a word longer than a line stands alone on its line.
    """
    words: list[tuple[str, str, str]] = []  # (gap before, style, word)
    gap = ""
    for style, text in pieces:
        for part in re.split(r"([ \t\n]+)", text):  # never at a no-break space (French ": ")
            if not part:
                continue
            if part.isspace():
                gap += " " * len(part.replace("\n", " "))
            else:
                words.append((gap, style, part))
                gap = ""
    lines: list[list[Piece]] = []
    line: list[Piece] = [("", first)] if first else []
    column, empty = len(first), True
    for gap, style, word in words:
        if not empty and column + len(gap) + len(word) > width:
            lines.append(line)
            line, column, empty = ([("", rest)] if rest else []), len(rest), True
        if not empty:
            line.append(("", gap))
            column += len(gap)
        line.append((style, word))
        column += len(word)
        empty = False
    lines.append(line)
    return lines


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """Plain text as lines at most `width` wide, broken only at spaces."""
    return ["".join(t for _style, t in line) for line in wrap_pieces([("", text)], width, first, rest)]


def usable(columns: int) -> int:
    """The width to fill: one column short of the edge (no terminal wraps early there), at least 20."""
    return max(columns - 1, 20)
