"""The order notebook: remembered orders in one SQLite file; the only module that imports sqlite3."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import datetime
from types import TracebackType
from typing import NamedTuple

from .errors import NotebookError, UsageError

FILE_NAME = "notebook.sqlite3"
T_EXAMPLE = "2026-11-20T10:00:00+00:00"
EXPORT_VERSION = 1
DEFAULT_BUSY_TIMEOUT = 10.0  # seconds another ali-cancel may hold the write lock before we give up

# PRAGMA user_version of the file: its schema. A later version adds a key with the SQL that takes
# a file from the version before to it; opening for writing runs the missing steps in one
# transaction. A file whose version is higher than SCHEMA_VERSION is never touched.
_MIGRATIONS: dict[int, list[str]] = {
    1: [
        # `state` is a JSON object {"answers": {fact: value}, "dates": {id: ISO}, "answered_at":
        # {name: ISO}}: one json.loads per order beats a row per answer (10,000 orders: about
        # 55 ms against 85 ms for 60,000 rows), and nothing ever queries a single answer.
        """CREATE TABLE orders (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            label TEXT,
            done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
            state TEXT NOT NULL
        )""",
        # one row per Change, oldest first by id: `changes` is a JSON object {name: value or null}
        """CREATE TABLE changes (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            changes TEXT NOT NULL
        )""",
        "CREATE INDEX changes_by_order ON changes (order_id, id)",
    ],
}
SCHEMA_VERSION = max(_MIGRATIONS)

_HEADER = b"SQLite format 3\x00"
_NUMBER = re.compile(r"[0-9]{1,30}\Z")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")
# What dates are stored as: an absolute ISO 8601 date, or date and time with an optional offset
# (never a relative "yesterday", which would move with the clock once imported).
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?"
    r"(?:Z|[+-](\d{2}):?(\d{2}))?)?\Z"
)
_LABEL = "label"


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


def _shown(path: str) -> str:
    """The path on one line, whatever characters it holds."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in path)


class _Failure:
    """The one-line messages of NotebookError, each naming the file and what to do."""

    def __init__(self, path: str, timeout: float, writing: bool) -> None:
        self.path = path
        self.timeout = timeout
        self.writing = writing

    def damaged(self, reason: str) -> NotebookError:
        return NotebookError(
            f"the order notebook {_shown(self.path)} cannot be read ({reason}): keep it as a backup, "
            "move it aside, and run again to start a new one"
        )

    def newer(self) -> NotebookError:
        return NotebookError(
            f"the order notebook {_shown(self.path)} was written by a newer version of ali-cancel: "
            "upgrade ali-cancel (pip install -U ali-cancel)"
        )

    def not_writable(self, reason: str) -> NotebookError:
        folder = _shown(os.path.dirname(os.path.abspath(self.path)))
        return NotebookError(
            f"the order notebook {_shown(self.path)} cannot be written ({reason}): make it and its "
            f"folder {folder} writable for you, or set ALI_CANCEL_HOME to a folder you can write"
        )

    def unreadable(self, reason: str) -> NotebookError:
        return NotebookError(
            f"the order notebook {_shown(self.path)} cannot be opened ({reason}): make it readable "
            "for you, or set ALI_CANCEL_HOME to another folder"
        )

    def locked(self) -> NotebookError:
        return NotebookError(
            f"the order notebook {_shown(self.path)} is locked by another ali-cancel for more than "
            f"{self.timeout:g} s: try again"
        )

    def io(self) -> NotebookError:
        return NotebookError(
            f"the order notebook {_shown(self.path)} cannot be read or written (disk I/O error): "
            "check the disk, then try again"
        )

    def full(self) -> NotebookError:
        return NotebookError(
            f"the order notebook {_shown(self.path)} cannot be written (the disk is full): "
            "free some space and try again"
        )

    def from_sqlite(self, error: sqlite3.Error) -> NotebookError:
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


def _check_header(path: str, fail: _Failure) -> None:
    """Refuse a file that is not an SQLite database, or has a newer schema, before SQLite opens it.

    An empty file is an empty database (SQLite's view too): the one we just created, or one another
    ali-cancel created a moment ago and has not written yet.
    """
    try:
        with open(path, "rb") as file:
            header = file.read(100)
    except IsADirectoryError:
        raise fail.damaged("it is a folder, not a file") from None
    except OSError as error:
        raise fail.from_os(error) from None
    if not header:
        return
    if len(header) < 100 or not header.startswith(_HEADER):
        raise fail.damaged("file is not a database")
    # The header's copy of PRAGMA user_version (offset 60): a newer file is refused before SQLite
    # can so much as take a lock on it. Checked again through SQLite (the WAL may hold a newer one).
    if int.from_bytes(header[60:64], "big") > SCHEMA_VERSION:
        raise fail.newer()


def _connect(path: str, timeout: float, read_only: bool, immutable: bool = False) -> sqlite3.Connection:
    if read_only:
        from urllib.parse import quote

        # mode=ro: SQLite itself guarantees that a reading command never writes into the file
        # (no hot-journal rollback, no checkpoint on close).
        uri = "file:" + quote(os.path.abspath(path), safe="/") + "?mode=ro"
        if immutable:
            uri += "&immutable=1"
        return sqlite3.connect(uri, timeout=timeout, isolation_level=None, uri=True)
    # isolation_level=None: the sqlite3 module opens no transactions of its own; ours are explicit
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def _probe(db: sqlite3.Connection, fail: _Failure, whole: bool) -> int:
    """The file's schema version; with `whole`, after checking that the file is whole.

    Writers check (never write into a damaged file). Readers do not: quick_check reads the whole
    file (about 10 ms at 10,000 orders), and damage met while reading raises NotebookError anyway.
    Raises NotebookError for a newer or damaged file, sqlite3.Error for what SQLite reports.
    """
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise fail.newer()
    if version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise fail.damaged("it is an SQLite database, but not an order notebook")
    # quick_check: integrity_check without the index-content cross-checks, O(N) and fast
    if version and whole and [row[0] for row in db.execute("PRAGMA quick_check")] != ["ok"]:
        raise fail.damaged("the file is damaged")
    return version


def _probed(
    path: str, timeout: float, fail: _Failure, whole: bool, immutable: bool
) -> tuple[sqlite3.Connection, int]:
    db = _connect(path, timeout, read_only=True, immutable=immutable)
    try:
        return db, _probe(db, fail, whole)
    except BaseException:
        db.close()
        raise


def _reader(path: str, timeout: float, fail: _Failure, whole: bool) -> tuple[sqlite3.Connection, int]:
    """A read-only connection to the file and its schema version, checked as _probe says."""
    try:
        return _probed(path, timeout, fail, whole, immutable=False)
    except sqlite3.Error as error:
        # In a folder we cannot write, SQLite cannot make the -shm file that a WAL reader needs.
        # With no -wal file there is no writer either (it would need one): read the file as
        # immutable, as SQLite's page on WAL (read-only databases) advises. Never for a writer.
        cannot_open = str(getattr(error, "sqlite_errorname", "")).startswith("SQLITE_CANTOPEN")
        if whole or not (cannot_open or "unable to open" in str(error)) or os.path.exists(path + "-wal"):
            raise fail.from_sqlite(error) from None
    try:
        return _probed(path, timeout, fail, whole, immutable=True)
    except sqlite3.Error as error:
        raise fail.from_sqlite(error) from None


class Notebook:
    """The open notebook. Each read is one snapshot of the file; each write is one transaction."""

    def __init__(self, path: str, db: sqlite3.Connection | None, write: bool, timeout: float) -> None:
        self.path = path
        self.write = write
        self._db = db
        self._fail = _Failure(path, timeout, write)

    @classmethod
    def open(cls, path: str | None = None, *, write: bool) -> Notebook:
        """Open the notebook at `path` (default notebook_path()).

        write=False never creates or changes anything: a missing file reads as an empty notebook.
        write=True makes the folder (0700) and the file (0600) if missing, and brings the schema up
        to date. A file that is damaged, newer, not writable or locked raises NotebookError and is
        left byte for byte as it was: every check runs on a read-only connection first.
        """
        path = notebook_path() if path is None else path
        timeout = busy_timeout()
        fail = _Failure(path, timeout, write)
        if write:
            _create(path, fail)
        elif not os.path.lexists(path):
            return cls(path, None, write=False, timeout=timeout)
        _check_header(path, fail)
        probe, version = _reader(path, timeout, fail, whole=write)
        if not write:
            if version == 0:  # created a moment ago by a writer that has not made the tables yet
                probe.close()
                return cls(path, None, write=False, timeout=timeout)
            return cls(path, probe, write=False, timeout=timeout)
        probe.close()
        try:
            db = _connect(path, timeout, read_only=False)
        except sqlite3.Error as error:
            raise fail.from_sqlite(error) from None
        try:
            _prepare(db, fail)
        except BaseException:
            db.close()
            raise
        return cls(path, db, write=True, timeout=timeout)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Notebook:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # reading

    def get(self, number: str) -> Order | None:
        """The order with this number, or None."""
        if self._db is None:
            return None
        with self._reading() as db:
            return self._get_in(db, number)

    def orders(self, include_done: bool = False, *, history: bool = True) -> list[Order]:
        """The open orders (and the done ones with include_done), in the order first remembered.

        history=False leaves every Order.history empty, for listings that never show it: it halves
        the time at 10,000 orders (tests/bench/notebook.py).
        """
        if self._db is None:
            return []
        where = "" if include_done else " WHERE done = 0"
        with self._reading() as db:
            db.execute("BEGIN")  # one read transaction: both queries see the same state of the file
            try:
                rows = db.execute(
                    f"SELECT id, number, label, done, state FROM orders{where} ORDER BY id"  # noqa: S608 - fixed text
                ).fetchall()
                # every change, in rowid order (oldest first): the done ones are skipped in Python,
                # faster than an IN (...) that makes SQLite sort them again
                changes = (
                    db.execute("SELECT order_id, at, changes FROM changes ORDER BY id").fetchall()
                    if history
                    else []
                )
            finally:
                db.execute("COMMIT")
        return self._build(rows, changes)

    def export(self) -> dict[str, object]:
        """Every order, done ones too, as the contract's JSON export (version 1)."""
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
                for order in self.orders(include_done=True)
            ],
        }

    # writing

    def remember(
        self,
        number: str,
        *,
        answers: Mapping[str, str],
        dates: Mapping[str, str],
        label: str | None,
        at: str,
        keep_label: bool = True,
    ) -> Order:
        """Store an order, or record in one Change what really changed in a stored one.

        answers and dates are merged over the stored ones: they only set values, and a value given
        again unchanged keeps the moment it was first given (so an undated `pending` keeps its
        age). label None keeps the stored label when keep_label, else removes it. When nothing
        changed, nothing is written. One transaction either way.
        """
        _check_names(answers, dates)
        with self._writing() as db:
            row = db.execute("SELECT id, label, state FROM orders WHERE number = ?", (number,)).fetchone()
            changed: dict[str, str | None] = {}
            if row is None:
                state = _State({}, {}, {})
                order_id = None
                old_label = None
                new_label = label
            else:
                order_id, old_label, text = row
                state = self._state(text)
                new_label = old_label if label is None and keep_label else label
            for stored, given in ((state.answers, answers), (state.dates, dates)):
                for name, value in given.items():
                    if stored.get(name) != value:
                        stored[name] = value
                        state.answered_at[name] = at
                        changed[name] = value
            if new_label != old_label:
                changed[_LABEL] = new_label
            if order_id is None:
                order_id = db.execute(
                    "INSERT INTO orders (number, label, state) VALUES (?, ?, ?)",
                    (number, new_label, _dumps(state)),
                ).lastrowid
                # a new order always gets its first Change, even with nothing in it: when it came
                _add_change(db, order_id, at, changed)
            elif changed:
                db.execute(
                    "UPDATE orders SET label = ?, state = ? WHERE id = ?",
                    (new_label, _dumps(state), order_id),
                )
                _add_change(db, order_id, at, changed)
            found = self._get_in(db, number)
        assert found is not None  # noqa: S101 - written in this very transaction
        return found

    def set_label(self, number: str, label: str | None, at: str) -> Order | None:
        """Give an order a label (None removes it); None when the order is not in the notebook."""
        with self._writing() as db:
            row = db.execute("SELECT id, label FROM orders WHERE number = ?", (number,)).fetchone()
            if row is None:
                return None
            if row[1] != label:
                db.execute("UPDATE orders SET label = ? WHERE id = ?", (label, row[0]))
                _add_change(db, row[0], at, {_LABEL: label})
            return self._get_in(db, number)

    def mark_done(self, number: str, at: str) -> bool:
        """Mark an order resolved (it stays, listed with include_done); False when it is not there.

        `done` is not a name in the history (its names are answers, dates and the label): `at` is
        taken for symmetry with the other writes.
        """
        del at
        with self._writing() as db:
            return db.execute("UPDATE orders SET done = 1 WHERE number = ?", (number,)).rowcount > 0

    def forget(self, number: str) -> bool:
        """Delete an order and its history for good; False when it is not there."""
        with self._writing() as db:
            return db.execute("DELETE FROM orders WHERE number = ?", (number,)).rowcount > 0

    def import_orders(self, data: object, at: str, *, source: str | None = None) -> tuple[int, int]:
        """Add the orders of a JSON export: (added, skipped). Orders already here are left alone.

        The whole of `data` is checked first: anything wrong raises UsageError naming its place
        (`orders[3].number: ...`, after `source: ` when given) and nothing is written. An answer
        or date was set when the last change naming it says, else at `at`. One transaction.
        """
        orders = _validated(data, source)
        added = skipped = 0
        with self._writing() as db:
            for order in orders:
                if db.execute("SELECT 1 FROM orders WHERE number = ?", (order.number,)).fetchone():
                    skipped += 1
                    continue
                last_set = {name: change.at for change in order.history for name in change.changes}
                answered_at = {name: last_set.get(name, at) for name in (*order.answers, *order.dates)}
                order_id = db.execute(
                    "INSERT INTO orders (number, label, done, state) VALUES (?, ?, ?, ?)",
                    (
                        order.number,
                        order.label,
                        int(order.done),
                        _dumps(_State(order.answers, order.dates, answered_at)),
                    ),
                ).lastrowid
                for change in order.history:
                    _add_change(db, order_id, change.at, change.changes)
                added += 1
        return added, skipped

    # inside

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        assert self._db is not None  # noqa: S101 - the callers check
        try:
            yield self._db
        except sqlite3.Error as error:
            raise self._fail.from_sqlite(error) from None

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction. BEGIN IMMEDIATE takes the write lock up front (waiting up to the
        busy timeout), so no read-then-write upgrade can fail half-way with SQLITE_BUSY."""
        if not self.write or self._db is None:
            raise RuntimeError("the notebook was opened for reading: Notebook.open(write=True) to change it")
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise self._fail.from_sqlite(error) from None
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as error:
            if db.in_transaction:
                with suppress(sqlite3.Error):  # SQLite may have rolled back already (I/O error, disk full)
                    db.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise self._fail.from_sqlite(error) from None
            raise

    def _get_in(self, db: sqlite3.Connection, number: str) -> Order | None:
        row = db.execute(
            "SELECT id, number, label, done, state FROM orders WHERE number = ?", (number,)
        ).fetchone()
        if row is None:
            return None
        changes = db.execute(
            "SELECT order_id, at, changes FROM changes WHERE order_id = ? ORDER BY id", (row[0],)
        ).fetchall()
        return self._build([row], changes)[0]

    def _state(self, text: str) -> _State:
        try:
            data = json.loads(text)
            return _State(data["answers"], data["dates"], data["answered_at"])
        except (ValueError, KeyError, TypeError):
            raise self._fail.damaged("an order is not readable") from None

    def _build(
        self, rows: list[tuple[int, str, str | None, int, str]], changes: list[tuple[int, str, str]]
    ) -> list[Order]:
        histories: dict[int, list[Change]] = {row[0]: [] for row in rows}
        try:
            for order_id, moment, text in changes:
                history = histories.get(order_id)
                if history is not None:
                    history.append(Change(moment, json.loads(text)))
        except ValueError:
            raise self._fail.damaged("a change in the history is not readable") from None
        result = []
        for order_id, number, label, done, text in rows:
            state = self._state(text)
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


class _State(NamedTuple):
    """The answers and dates of an order, as kept in its `state` column."""

    answers: dict[str, str]
    dates: dict[str, str]
    answered_at: dict[str, str]


def _dumps(state: _State) -> str:
    return json.dumps(state._asdict(), ensure_ascii=False, separators=(",", ":"))


def _create(path: str, fail: _Failure) -> None:
    """Make the folder (0700) and an empty file (0600) unless they exist; a user's own file keeps
    its mode. The file exists before SQLite touches it, so SQLite never creates it with 0644."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if os.path.isdir(folder):
            return  # the file is there already (perhaps made a moment ago by another ali-cancel)
        raise fail.not_writable("a part of its folder path is a file, not a folder") from None
    except OSError as error:
        raise fail.from_os(error) from None
    os.close(descriptor)


def _prepare(db: sqlite3.Connection, fail: _Failure) -> None:
    """Set up a writing connection and bring the schema up to SCHEMA_VERSION."""
    try:
        # WAL: readers never wait for a writer, and a writer killed half-way leaves the file whole.
        db.execute("PRAGMA journal_mode = WAL").fetchone()
        # FULL: in WAL mode NORMAL may lose the last commits on a power cut (never corrupts); the
        # notebook writes once per command, so an fsync per commit costs nothing a user notices and
        # "remembered" then means remembered.
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        if int(db.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            newer = _migrate(db)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    except sqlite3.Error as error:
        raise fail.from_sqlite(error) from None
    if newer:
        raise fail.newer()


def _migrate(db: sqlite3.Connection) -> bool:
    """Run the missing steps in the caller's transaction; True (and nothing run) if the file is newer."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])  # another ali-cancel may have won
    if version > SCHEMA_VERSION:
        return True
    for step in range(version + 1, SCHEMA_VERSION + 1):
        for statement in _MIGRATIONS[step]:
            db.execute(statement)
    if version < SCHEMA_VERSION:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return False


def _add_change(
    db: sqlite3.Connection, order_id: int | None, at: str, changes: Mapping[str, str | None]
) -> None:
    db.execute(
        "INSERT INTO changes (order_id, at, changes) VALUES (?, ?, ?)",
        (order_id, at, json.dumps(dict(changes), ensure_ascii=False)),
    )


def _check_names(answers: Mapping[str, str], dates: Mapping[str, str]) -> None:
    both = set(answers) & set(dates)
    if both or _LABEL in answers or _LABEL in dates:
        raise ValueError(f"a name is both an answer and a date, or is 'label': {sorted(both) or _LABEL}")


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


class _Imported(NamedTuple):
    number: str
    label: str | None
    answers: dict[str, str]
    dates: dict[str, str]
    done: bool
    history: list[Change]


_ORDER_KEYS = ("number", "label", "answers", "dates", "done", "history")


def _validated(data: object, source: str | None) -> list[_Imported]:
    """The orders of a JSON export, or UsageError naming the first place that is wrong."""

    def wrong(place: str, what: str) -> UsageError:
        where = f"{_shown(source)}: " if source else ""
        return UsageError(f"{where}{_shown(place)}: {what}")  # a key may hold a newline

    def shown(value: object) -> str:
        text = json.dumps(value, ensure_ascii=True, default=repr, skipkeys=True)
        return text if len(text) <= 40 else text[:37] + "..."

    def keys(value: object, place: str, expected: tuple[str, ...]) -> dict[str, object]:
        if not isinstance(value, dict):
            raise wrong(place, f"must be an object with {', '.join(expected)}, not {shown(value)}")
        for key in expected:
            if key not in value:
                raise wrong(place, f"{key} is missing")
        for key in value:
            if key not in expected:
                raise wrong(place, f"unknown key {shown(key)} (expected {', '.join(expected)})")
        return value

    def text(value: object, place: str) -> str:
        if not isinstance(value, str):
            raise wrong(place, f"must be a string, not {shown(value)}")
        return value

    def moment(value: object, place: str) -> str:
        if not _is_moment(text(value, place)):
            raise wrong(place, f"{shown(value)} is not an ISO 8601 date or time like {T_EXAMPLE}")
        return str(value)

    def name(value: object, place: str) -> str:
        if not isinstance(value, str) or not _NAME.match(value) or value == _LABEL:
            raise wrong(place, f"{shown(value)} is not a name of an answer or a date")
        return value

    def mapping(value: object, place: str, dated: bool) -> dict[str, str]:
        if not isinstance(value, dict):
            raise wrong(place, f"must be an object of names and strings, not {shown(value)}")
        check = moment if dated else text
        return {name(key, f"{place}.{key}"): check(item, f"{place}.{key}") for key, item in value.items()}

    top = keys(data, "the file", ("version", "orders"))
    version = top["version"]
    if type(version) is not int or version != EXPORT_VERSION:
        if type(version) is int and version > EXPORT_VERSION:
            raise wrong("version", f"{version} is from a newer ali-cancel: upgrade ali-cancel to import it")
        raise wrong("version", f"must be {EXPORT_VERSION}, not {shown(version)}")
    items = top["orders"]
    if not isinstance(items, list):
        raise wrong("orders", f"must be a list, not {shown(items)}")
    seen: dict[str, int] = {}
    result: list[_Imported] = []
    for index, item in enumerate(items):
        place = f"orders[{index}]"
        order = keys(item, place, _ORDER_KEYS)
        number = order["number"]
        if not isinstance(number, str) or not _NUMBER.match(number):
            raise wrong(f"{place}.number", f"must be digits only (1 to 30), not {shown(number)}")
        if number in seen:
            raise wrong(f"{place}.number", f"{number} is there twice (also orders[{seen[number]}])")
        seen[number] = index
        label = order["label"]
        if label is not None and not isinstance(label, str):
            raise wrong(f"{place}.label", f"must be a string or null, not {shown(label)}")
        answers = mapping(order["answers"], f"{place}.answers", dated=False)
        dates = mapping(order["dates"], f"{place}.dates", dated=True)
        for both in answers:
            if both in dates:
                raise wrong(f"{place}.dates.{both}", "is an answer too: a name is one or the other")
        done = order["done"]
        if not isinstance(done, bool):
            raise wrong(f"{place}.done", f"must be true or false, not {shown(done)}")
        history = order["history"]
        if not isinstance(history, list):
            raise wrong(f"{place}.history", f"must be a list, not {shown(history)}")
        changes: list[Change] = []
        for position, entry in enumerate(history):
            where = f"{place}.history[{position}]"
            change = keys(entry, where, ("at", "changes"))
            when = moment(change["at"], f"{where}.at")
            values = change["changes"]
            if not isinstance(values, dict):
                raise wrong(f"{where}.changes", f"must be an object of names and values, not {shown(values)}")
            checked: dict[str, str | None] = {}
            for key, value in values.items():
                if key != _LABEL:
                    name(key, f"{where}.changes.{key}")
                if value is not None and not isinstance(value, str):
                    raise wrong(f"{where}.changes.{key}", f"must be a string or null, not {shown(value)}")
                checked[key] = value
            changes.append(Change(when, checked))
        result.append(_Imported(number, label, answers, dates, done, changes))
    return result
