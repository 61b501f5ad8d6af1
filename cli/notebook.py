"""The order notebook: remembered orders in one SQLite file; the only module that imports sqlite3."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from types import TracebackType

from .exchange import (
    FILE_NAME,
    LABEL,
    Change,
    Failure,
    Order,
    State,
    busy_timeout,
    check_names,
    dump_changes,
    dump_state,
    exported,
    merge,
    notebook_path,
    read_orders,
    read_state,
    validated,
)
from .notebookfile import check_header, create

# what other modules import from here, some of it from exchange.py
__all__ = ["FILE_NAME", "SCHEMA_VERSION", "Change", "Notebook", "Order", "busy_timeout", "notebook_path"]

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


def _probe(db: sqlite3.Connection, fail: Failure, whole: bool) -> int:
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
    path: str, timeout: float, fail: Failure, whole: bool, immutable: bool
) -> tuple[sqlite3.Connection, int]:
    db = _connect(path, timeout, read_only=True, immutable=immutable)
    try:
        return db, _probe(db, fail, whole)
    except BaseException:
        db.close()
        raise


def _reader(path: str, timeout: float, fail: Failure, whole: bool) -> tuple[sqlite3.Connection, int]:
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
        self._fail = Failure(path, timeout, write)

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
        fail = Failure(path, timeout, write)
        if write:
            _create_whole(path, timeout, fail)
        elif not os.path.lexists(path):
            return cls(path, None, write=False, timeout=timeout)
        check_header(path, fail, SCHEMA_VERSION)
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
        return read_orders(rows, changes, self._fail)

    def export(self) -> dict[str, object]:
        """Every order, done ones too, as the contract's JSON export (version 1)."""
        return exported(self.orders(include_done=True))

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
        check_names(answers, dates)
        with self._writing() as db:
            row = db.execute("SELECT id, label, state FROM orders WHERE number = ?", (number,)).fetchone()
            if row is None:
                state = State({}, {}, {})
                order_id = None
                old_label = None
                new_label = label
            else:
                order_id, old_label, text = row
                state = read_state(text, self._fail)
                new_label = old_label if label is None and keep_label else label
            changed = merge(state, answers, dates, at)
            if new_label != old_label:
                changed[LABEL] = new_label
            if order_id is None:
                order_id = db.execute(
                    "INSERT INTO orders (number, label, state) VALUES (?, ?, ?)",
                    (number, new_label, dump_state(state)),
                ).lastrowid
                # a new order always gets its first Change, even with nothing in it: when it came
                _add_change(db, order_id, at, changed)
            elif changed:
                db.execute(
                    "UPDATE orders SET label = ?, state = ? WHERE id = ?",
                    (new_label, dump_state(state), order_id),
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
                _add_change(db, row[0], at, {LABEL: label})
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
        orders = validated(data, source)
        added = skipped = 0
        with self._writing() as db:
            for order in orders:
                if db.execute("SELECT 1 FROM orders WHERE number = ?", (order.number,)).fetchone():
                    skipped += 1
                    continue
                order_id = db.execute(
                    "INSERT INTO orders (number, label, done, state) VALUES (?, ?, ?, ?)",
                    (
                        order.number,
                        order.label,
                        int(order.done),
                        dump_state(order.state(at)),
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
        return read_orders([row], changes, self._fail)[0]


def _create_whole(path: str, timeout: float, fail: Failure) -> None:
    """A new notebook appears whole: made under a name of its own beside it, then linked into place.

    Two first writes at once would otherwise race: one could read the file while the other is still
    writing its header, and take a notebook being born for a damaged one.
    """
    if os.path.lexists(path):
        return
    temporary = f"{path}.{os.getpid()}.new"
    create(temporary, fail)  # the folder (0700) and the file (0600)
    try:
        try:
            db = _connect(temporary, timeout, read_only=False)
        except sqlite3.Error as error:
            raise fail.from_sqlite(error) from None
        try:
            _prepare(db, fail)
        finally:
            db.close()
        try:
            os.link(temporary, path)  # fails if another ali-cancel was first: theirs is used
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not os.path.lexists(path):
                os.replace(temporary, path)
    finally:
        for suffix in ("", "-wal", "-shm"):
            with suppress(OSError):
                os.unlink(temporary + suffix)


def _prepare(db: sqlite3.Connection, fail: Failure) -> None:
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
        (order_id, at, dump_changes(changes)),
    )
