"""What each remembered order was decided to be, kept between runs while the clock cannot change it.

A cache, never the user's data: an entry holds the action (or the fact still needed) and the
deadlines of an order, keyed by the order's exact answers and dates, and is used only before the
moment core.stable_until() gave for it, with the same rule file and the same deciding code. So
`orders` and `orders due` decide again only the orders whose time has come.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from .exchange import Order

FORMAT = "ali-cancel plans 1"
DECIDING = ("core.py", "engine.py", "deadlines.py", "facts.py", "model.py", "loader.py", "rulefile.py")


class Plan(NamedTuple):
    """An order as decided: its action id (or "" and the fact still needed) and its deadlines."""

    action: str
    needed: str
    deadlines: tuple[tuple[str, datetime], ...]  # (deadline id, when)
    until: datetime | None  # None: the decision no longer changes with time


def content_key(order: Order) -> int:
    """A key of everything a decision reads from an order."""
    text = repr(
        (sorted(order.answers.items()), sorted(order.dates.items()), sorted(order.answered_at.items()))
    )
    return zlib.crc32(text.encode("utf-8", "surrogateescape"))


class Plans:
    """The plans of one notebook: read once, looked up by order number, written back if changed."""

    def __init__(self, notebook_path: str) -> None:
        from .rulestore import builtin_path, cache_file, code_version, read_cache

        self.path = cache_file("plans", notebook_path)
        try:
            with open(builtin_path(), "rb") as handle:
                rules = zlib.crc32(handle.read())
        except OSError:
            rules = -1
        self.version = f"{FORMAT};{rules};{code_version(DECIDING)}"
        stored = read_cache(self.path) if self.path else None
        entries = stored.get("plans") if stored and stored.get("version") == self.version else None
        self.entries: dict[str, Any] = entries if isinstance(entries, dict) else {}
        self.changed = False

    def get(self, order: Order, now: datetime) -> Plan | None:
        entry = self.entries.get(order.number)
        try:
            key, until, action, needed, deadlines = entry  # type: ignore[misc]
            if key != content_key(order) or (until is not None and now.timestamp() >= until):
                return None
            when = tuple((str(i), datetime.fromisoformat(at)) for i, at in deadlines)
            return Plan(
                str(action),
                str(needed),
                when,
                None if until is None else datetime.fromtimestamp(until, now.tzinfo),
            )
        except (TypeError, ValueError):
            return None

    def put(self, order: Order, plan: Plan) -> None:
        deadlines = [[i, at.isoformat()] for i, at in plan.deadlines]
        until = None if plan.until is None else plan.until.timestamp()
        self.entries[order.number] = [content_key(order), until, plan.action, plan.needed, deadlines]
        self.changed = True

    def keep_only(self, numbers: Iterable[str]) -> None:
        wanted = set(numbers)
        for number in [n for n in self.entries if n not in wanted]:
            del self.entries[number]
            self.changed = True

    def save(self) -> None:
        from .rulestore import write_cache

        if self.changed and self.path:
            write_cache(self.path, {"version": self.version, "plans": self.entries})
