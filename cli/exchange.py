"""The notebook's pure side: where it is, orders and their JSON, the import checks, the error messages."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple

from .errors import NotebookError, UsageError
from .facts import ORDER_NUMBER
from .i18n import _

FILE_NAME = "notebook.sqlite3"
DEFAULT_BUSY_TIMEOUT = 10.0  # seconds another ali-cancel may hold the write lock before we give up
T_EXAMPLE = "2026-11-20T10:00:00+00:00"
EXPORT_VERSION = 1
LABEL = "label"

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")
# What dates are stored as: an absolute ISO 8601 date, or date and time with an optional offset
# (never a relative "yesterday", which would move with the clock once imported).
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?"
    r"(?:Z|[+-](\d{2}):?(\d{2}))?)?\Z"
)
_ORDER_KEYS = ("number", "label", "answers", "dates", "done", "history")


class Change(NamedTuple):
    """What one command changed in an order: the moment (ISO 8601 UTC) and name -> new value."""

    at: str
    changes: dict[str, str | None]  # None: removed (only the label can be removed)


class Order(NamedTuple):
    """A remembered order as stored; dates are the ISO strings given."""

    number: str
    label: str | None
    answers: dict[str, str]
    dates: dict[str, str]
    answered_at: dict[str, str]  # answer or date name -> the ISO UTC moment it was last set
    done: bool
    history: tuple[Change, ...]  # oldest first


def _shown(path: str) -> str:
    """The path on one line, whatever characters it holds."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in path)


class Failure:
    """The one-line messages of NotebookError, each naming the file and what to do."""

    def __init__(self, path: str, timeout: float, writing: bool) -> None:
        self.path = path
        self.timeout = timeout
        self.writing = writing

    def damaged(self, reason: str) -> NotebookError:
        return NotebookError(
            _(
                "the order notebook {path} cannot be read ({reason}): keep it as a backup, "
                "move it aside, and run again to start a new one"
            ).format(path=_shown(self.path), reason=reason)
        )

    def newer(self) -> NotebookError:
        return NotebookError(
            _(
                "the order notebook {path} was written by a newer version of ali-cancel: "
                "upgrade ali-cancel (pip install -U ali-cancel)"
            ).format(path=_shown(self.path))
        )

    def not_writable(self, reason: str) -> NotebookError:
        folder = _shown(os.path.dirname(os.path.abspath(self.path)))
        return NotebookError(
            _(
                "the order notebook {path} cannot be written ({reason}): make it and its "
                "folder {folder} writable for you, or set ALI_CANCEL_HOME to a folder you can write"
            ).format(path=_shown(self.path), reason=reason, folder=folder)
        )

    def unreadable(self, reason: str) -> NotebookError:
        return NotebookError(
            _(
                "the order notebook {path} cannot be opened ({reason}): make it readable "
                "for you, or set ALI_CANCEL_HOME to another folder"
            ).format(path=_shown(self.path), reason=reason)
        )

    def locked(self) -> NotebookError:
        return NotebookError(
            _(
                "the order notebook {path} is locked by another ali-cancel for more than {seconds} s: "
                "try again"
            ).format(path=_shown(self.path), seconds=f"{self.timeout:g}")
        )

    def io(self) -> NotebookError:
        return NotebookError(
            _(
                "the order notebook {path} cannot be read or written (disk I/O error): "
                "check the disk, then try again"
            ).format(path=_shown(self.path))
        )

    def full(self) -> NotebookError:
        return NotebookError(
            _(
                "the order notebook {path} cannot be written (the disk is full): "
                "free some space and try again"
            ).format(path=_shown(self.path))
        )

    def from_sqlite(self, error: Exception) -> NotebookError:
        """The NotebookError for what SQLite reported (by its result code, else its message)."""
        name = str(getattr(error, "sqlite_errorname", ""))  # Python 3.11+
        text = str(error).lower()
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
            return self.locked()
        if name.startswith("SQLITE_READONLY") or "readonly" in text:
            return self.not_writable("read-only")
        if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
            reason = "SQLite cannot open it or make its -wal and -shm files beside it"
            return self.not_writable(reason) if self.writing else self.unreadable(reason)
        if name.startswith("SQLITE_FULL") or "disk is full" in text:
            return self.full()
        if name.startswith("SQLITE_PERM") or "access permission" in text:
            return self.not_writable("permission denied")
        if name.startswith("SQLITE_NOTADB") or "not a database" in text:
            return self.damaged("file is not a database")
        if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
            return self.damaged("the file is damaged")
        if name.startswith("SQLITE_IOERR") or "i/o error" in text:
            return self.io()
        return self.damaged(str(error))

    def from_os(self, error: OSError) -> NotebookError:
        reason = error.strerror or type(error).__name__
        if isinstance(error, (NotADirectoryError, FileExistsError)):
            reason = "a part of its folder path is a file, not a folder"
        return self.not_writable(reason) if self.writing else self.unreadable(reason)


def notebook_path() -> str:
    """Where the notebook lives: $ALI_CANCEL_HOME/notebook.sqlite3, else the user data folder."""
    home = os.environ.get("ALI_CANCEL_HOME")
    if not home:
        import platformdirs  # ~19 ms: only the commands that use the notebook pay for it

        home = platformdirs.user_data_dir("ali-cancel", appauthor=False)
    return os.path.join(home, FILE_NAME)


def busy_timeout() -> float:
    """Seconds to wait for another ali-cancel's write lock ($ALI_CANCEL_BUSY_TIMEOUT, else 10)."""
    text = os.environ.get("ALI_CANCEL_BUSY_TIMEOUT", "")
    try:
        value = float(text)
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT
    return value if 0 <= value < 86400 else DEFAULT_BUSY_TIMEOUT


# stored


class State(NamedTuple):
    """The answers and dates of an order, as kept in its `state` column."""

    answers: dict[str, str]
    dates: dict[str, str]
    answered_at: dict[str, str]


def dump_state(state: State) -> str:
    return json.dumps(state._asdict(), ensure_ascii=False, separators=(",", ":"))


def dump_changes(changes: Mapping[str, str | None]) -> str:
    return json.dumps(dict(changes), ensure_ascii=False)


def read_state(text: str, fail: Failure) -> State:
    try:
        data = json.loads(text)
        return State(data["answers"], data["dates"], data["answered_at"])
    except (ValueError, KeyError, TypeError):
        raise fail.damaged("an order is not readable") from None


def read_orders(
    rows: list[tuple[int, str, str | None, int, str]], changes: list[tuple[int, str, str]], fail: Failure
) -> list[Order]:
    """The Orders of rows (id, number, label, done, state) and changes (order id, at, changes)."""
    histories: dict[int, list[Change]] = {row[0]: [] for row in rows}
    try:
        for order_id, moment, text in changes:
            history = histories.get(order_id)
            if history is not None:
                history.append(Change(moment, json.loads(text)))
    except ValueError:
        raise fail.damaged("a change in the history is not readable") from None
    result = []
    for order_id, number, label, done, text in rows:
        state = read_state(text, fail)
        result.append(
            Order(
                number,
                label,
                state.answers,
                state.dates,
                state.answered_at,
                bool(done),
                tuple(histories[order_id]),
            )
        )
    return result


def check_names(answers: Mapping[str, str], dates: Mapping[str, str]) -> None:
    both = set(answers) & set(dates)
    if both or LABEL in answers or LABEL in dates:
        raise ValueError(f"a name is both an answer and a date, or is 'label': {sorted(both) or LABEL}")


def merge(
    state: State, answers: Mapping[str, str], dates: Mapping[str, str], at: str
) -> dict[str, str | None]:
    """Set the given answers and dates in `state` (at `at`, when changed): name -> what changed."""
    changed: dict[str, str | None] = {}
    for stored, given in ((state.answers, answers), (state.dates, dates)):
        for name, value in given.items():
            if stored.get(name) != value:
                stored[name] = value
                state.answered_at[name] = at
                changed[name] = value
    return changed


# exported and imported


def exported(orders: list[Order]) -> dict[str, object]:
    """The orders as the contract's JSON export (version 1)."""
    return {
        "version": EXPORT_VERSION,
        "orders": [
            {
                "number": order.number,
                "label": order.label,
                "answers": order.answers,
                "dates": order.dates,
                "done": order.done,
                "history": [{"at": change.at, "changes": change.changes} for change in order.history],
            }
            for order in orders
        ],
    }


class Imported(NamedTuple):
    number: str
    label: str | None
    answers: dict[str, str]
    dates: dict[str, str]
    done: bool
    history: list[Change]

    def state(self, at: str) -> State:
        """Its State: an answer or date was set when the last change naming it says, else at `at`."""
        last_set = {name: change.at for change in self.history for name in change.changes}
        answered_at = {name: last_set.get(name, at) for name in (*self.answers, *self.dates)}
        return State(self.answers, self.dates, answered_at)


def _is_moment(text: str) -> bool:
    """An absolute ISO 8601 date, or date and time, that exists on the calendar."""
    match = _ISO.match(text)
    if match is None:
        return False
    year, month, day, hour, minute, second, offset_hours, offset_minutes = (
        int(part or 0) for part in match.groups()
    )
    try:
        datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return offset_hours <= 23 and offset_minutes <= 59


class _Check:
    """The checks of an import file; each raises UsageError naming the place that is wrong."""

    def __init__(self, source: str | None) -> None:
        self.source = source

    def wrong(self, place: str, what: str) -> UsageError:
        where = f"{_shown(self.source)}: " if self.source else ""
        return UsageError(f"{where}{_shown(place)}: {what}")  # a key may hold a newline

    @staticmethod
    def shown(value: object) -> str:
        text = json.dumps(value, ensure_ascii=True, default=repr, skipkeys=True)
        return text if len(text) <= 40 else text[:37] + "..."

    def keys(self, value: object, place: str, expected: tuple[str, ...]) -> dict[str, object]:
        if not isinstance(value, dict):
            raise self.wrong(place, f"must be an object with {', '.join(expected)}, not {self.shown(value)}")
        for key in expected:
            if key not in value:
                raise self.wrong(place, f"{key} is missing")
        for key in value:
            if key not in expected:
                raise self.wrong(place, f"unknown key {self.shown(key)} (expected {', '.join(expected)})")
        return value

    def text(self, value: object, place: str) -> str:
        if not isinstance(value, str):
            raise self.wrong(place, f"must be a string, not {self.shown(value)}")
        return value

    def moment(self, value: object, place: str) -> str:
        if not _is_moment(self.text(value, place)):
            raise self.wrong(place, f"{self.shown(value)} is not an ISO 8601 date or time like {T_EXAMPLE}")
        return str(value)

    def name(self, value: object, place: str) -> str:
        if not isinstance(value, str) or not _NAME.match(value) or value == LABEL:
            raise self.wrong(place, f"{self.shown(value)} is not a name of an answer or a date")
        return value

    def mapping(self, value: object, place: str, dated: bool) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.wrong(place, f"must be an object of names and strings, not {self.shown(value)}")
        check = self.moment if dated else self.text
        return {
            self.name(key, f"{place}.{key}"): check(item, f"{place}.{key}") for key, item in value.items()
        }


def validated(data: object, source: str | None) -> list[Imported]:
    """The orders of a JSON export, or UsageError naming the first place that is wrong."""
    check = _Check(source)
    top = check.keys(data, "the file", ("version", "orders"))
    version = top["version"]
    if type(version) is not int or version != EXPORT_VERSION:
        if type(version) is int and version > EXPORT_VERSION:
            raise check.wrong(
                "version", f"{version} is from a newer ali-cancel: upgrade ali-cancel to import it"
            )
        raise check.wrong("version", f"must be {EXPORT_VERSION}, not {check.shown(version)}")
    items = top["orders"]
    if not isinstance(items, list):
        raise check.wrong("orders", f"must be a list, not {check.shown(items)}")
    seen: dict[str, int] = {}
    return [_imported(check, item, index, seen) for index, item in enumerate(items)]


def _imported(check: _Check, item: object, index: int, seen: dict[str, int]) -> Imported:
    """orders[index] of the file, checked; `seen` (number -> index) gets its number."""
    place = f"orders[{index}]"
    order = check.keys(item, place, _ORDER_KEYS)
    number = order["number"]
    if not isinstance(number, str) or not ORDER_NUMBER.match(number):
        raise check.wrong(f"{place}.number", f"must be digits only (1 to 30), not {check.shown(number)}")
    if number in seen:
        raise check.wrong(f"{place}.number", f"{number} is there twice (also orders[{seen[number]}])")
    seen[number] = index
    label = order["label"]
    if label is not None and not isinstance(label, str):
        raise check.wrong(f"{place}.label", f"must be a string or null, not {check.shown(label)}")
    answers = check.mapping(order["answers"], f"{place}.answers", dated=False)
    dates = check.mapping(order["dates"], f"{place}.dates", dated=True)
    for both in answers:
        if both in dates:
            raise check.wrong(f"{place}.dates.{both}", "is an answer too: a name is one or the other")
    done = order["done"]
    if not isinstance(done, bool):
        raise check.wrong(f"{place}.done", f"must be true or false, not {check.shown(done)}")
    history = order["history"]
    if not isinstance(history, list):
        raise check.wrong(f"{place}.history", f"must be a list, not {check.shown(history)}")
    changes = [
        _change(check, entry, f"{place}.history[{position}]") for position, entry in enumerate(history)
    ]
    return Imported(number, label, answers, dates, done, changes)


def _change(check: _Check, entry: object, where: str) -> Change:
    change = check.keys(entry, where, ("at", "changes"))
    when = check.moment(change["at"], f"{where}.at")
    values = change["changes"]
    if not isinstance(values, dict):
        raise check.wrong(
            f"{where}.changes", f"must be an object of names and values, not {check.shown(values)}"
        )
    checked: dict[str, str | None] = {}
    for key, value in values.items():
        if key != LABEL:
            check.name(key, f"{where}.changes.{key}")
        if value is not None and not isinstance(value, str):
            raise check.wrong(f"{where}.changes.{key}", f"must be a string or null, not {check.shown(value)}")
        checked[key] = value
    return Change(when, checked)
