"""The order notebook: what it keeps, what it refuses, and that it survives crashes and crowds."""

from __future__ import annotations

import copy
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from ali_cancel.errors import NotebookError, UsageError
from ali_cancel.notebook import FILE_NAME, Change, Notebook, Order, busy_timeout, notebook_path

T0 = "2026-11-20T10:00:00+00:00"
T1 = "2026-11-21T10:00:00+00:00"
T2 = "2026-11-24T10:00:00+00:00"
PAID = {"payment": "paid", "closed": "no", "shipping": "not-shipped", "cancel-request": "pending"}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """ALI_CANCEL_HOME, not created yet."""
    folder = tmp_path / "home"
    monkeypatch.setenv("ALI_CANCEL_HOME", str(folder))
    monkeypatch.delenv("ALI_CANCEL_BUSY_TIMEOUT", raising=False)
    return folder


def remember(nb: Notebook, number: str, at: str = T0, label: str | None = None, **answers: str) -> Order:
    """Remember answers (keyword names with _ for -) and no dates."""
    given = {name.replace("_", "-"): value for name, value in answers.items()}
    return nb.remember(number, answers=given, dates={}, label=label, at=at)


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def integrity(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return [row[0] for row in db.execute("PRAGMA integrity_check")]
    finally:
        db.close()


def sample(nb: Notebook) -> None:
    """Three orders: one updated twice, one with a label and done, one plain."""
    nb.remember("8100000000000001", answers=PAID, dates={"requested-at": T0}, label="blue lamp", at=T0)
    nb.remember(
        "8100000000000001",
        answers={"cancel-request": "no-response"},
        dates={"cancelled-at": T2},
        label=None,
        at=T2,
    )
    nb.remember("8100000000000002", answers={"payment": "unpaid"}, dates={}, label="socks", at=T1)
    nb.mark_done("8100000000000002", T2)
    nb.remember("8100000000000003", answers={"payment": "verifying"}, dates={}, label=None, at=T1)


# where it lives


def test_ali_cancel_home_names_the_folder(home: Path) -> None:
    assert notebook_path() == str(home / FILE_NAME)


def test_without_ali_cancel_home_it_is_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    monkeypatch.setenv("ALI_CANCEL_HOME", "")  # empty counts as unset
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    expected = os.path.join(platformdirs.user_data_dir("ali-cancel", appauthor=False), FILE_NAME)
    assert notebook_path() == expected
    if sys.platform.startswith("linux"):
        assert expected == str(tmp_path / "data" / "ali-cancel" / FILE_NAME)


def test_busy_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALI_CANCEL_BUSY_TIMEOUT", "0.2")
    assert busy_timeout() == 0.2
    monkeypatch.setenv("ALI_CANCEL_BUSY_TIMEOUT", "soon")
    assert busy_timeout() == 10


# reading creates nothing; the first write makes a private folder and file


def test_reading_a_missing_notebook_creates_nothing(home: Path) -> None:
    with Notebook.open(write=False) as nb:
        assert nb.orders() == []
        assert nb.orders(include_done=True) == []
        assert nb.get("8123") is None
        assert nb.export() == {"version": 1, "orders": []}
    assert not home.exists()


def test_reading_in_an_existing_folder_creates_no_file(home: Path) -> None:
    home.mkdir()
    with Notebook.open(write=False) as nb:
        assert nb.orders() == []
    assert listing(home) == []


def test_reading_opened_notebook_refuses_to_write(home: Path) -> None:
    with Notebook.open(write=False) as nb, pytest.raises(RuntimeError, match="write=True"):
        remember(nb, "8123", payment="paid")
    assert not home.exists()


def test_first_write_makes_a_private_folder_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "deep" / "er"
    monkeypatch.setenv("ALI_CANCEL_HOME", str(folder))
    with Notebook.open(write=True) as nb:
        remember(nb, "8123", payment="paid")
        for name in listing(folder):  # the -wal and -shm files SQLite keeps beside it, too
            assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / FILE_NAME).stat().st_mode) == 0o600
    with Notebook.open(write=False) as nb:
        order = nb.get("8123")
    assert order is not None
    assert order.answers == {"payment": "paid"}


def test_a_users_own_file_mode_is_left_alone(home: Path) -> None:
    with Notebook.open(write=True) as nb:
        remember(nb, "8123", payment="paid")
    (home / FILE_NAME).chmod(0o640)
    with Notebook.open(write=True) as nb:
        remember(nb, "8123", payment="unpaid")
    assert stat.S_IMODE((home / FILE_NAME).stat().st_mode) == 0o640


# remembering and updating


def test_a_new_order_has_everything_given_in_its_first_change(home: Path) -> None:
    with Notebook.open(write=True) as nb:
        made = nb.remember("8123", answers=PAID, dates={"requested-at": T0}, label="blue lamp", at=T1)
    with Notebook.open(write=False) as nb:
        order = nb.get("8123")
    assert order == made
    assert order == Order(
        number="8123",
        label="blue lamp",
        answers=PAID,
        dates={"requested-at": T0},
        answered_at=dict.fromkeys([*PAID, "requested-at"], T1),
        done=False,
        history=(Change(T1, {**PAID, "requested-at": T0, "label": "blue lamp"}),),
    )


def test_an_update_records_only_what_changed(home: Path) -> None:
    with Notebook.open(write=True) as nb:
        nb.remember("8123", answers=PAID, dates={"requested-at": T0}, label="blue lamp", at=T0)
        order = nb.remember(
            "8123",
            answers={**PAID, "cancel-request": "no-response"},  # one of four changed
            dates={"requested-at": T0, "cancelled-at": T2},  # one new, one the same
            label=None,  # keeps the label
            at=T2,
        )
    assert order.answers == {**PAID, "cancel-request": "no-response"}
    assert order.dates == {"requested-at": T0, "cancelled-at": T2}
    assert order.label == "blue lamp"
    assert order.history[1] == Change(T2, {"cancel-request": "no-response", "cancelled-at": T2})
    # an answer given again unchanged keeps the moment it was first given (a `pending` ages)
    assert order.answered_at["payment"] == T0
    assert order.answered_at["cancel-request"] == T2
    assert order.answered_at["cancelled-at"] == T2


def test_an_update_that_changes_nothing_writes_nothing(home: Path) -> None:
    with Notebook.open(write=True) as nb:
        first = nb.remember("8123", answers=PAID, dates={}, label="lamp", at=T0)
        before = (home / FILE_NAME).read_bytes(), (home / f"{FILE_NAME}-wal").read_bytes()
        again = nb.remember("8123", answers={"payment": "paid"}, dates={}, label="lamp", at=T2)
        after = (home / FILE_NAME).read_bytes(), (home / f"{FILE_NAME}-wal").read_bytes()
    assert again == first
    assert len(again.history) == 1
    assert after == before


def test_the_label_is_replaced_kept_or_removed(home: Path) -> None:
    with Notebook.open(write=True) as nb:
        remember(nb, "8123", label="lamp", payment="paid")
        assert remember(nb, "8123", at=T1, label="blue lamp").label == "blue lamp"
        assert remember(nb, "8123", at=T1).label == "blue lamp"  # None keeps it
        removed = nb.remember("8123", answers={}, dates={}, label=None, at=T2, keep_label=False)
    assert removed.label is None
    assert [change.changes for change in removed.history] == [
        {"payment": "paid", "label": "lamp"},
        {"label": "blue lamp"},
        {"label": None},
    ]


def test_set_label(home: Path) -> None:
    with Notebook.open(write=True) as nb:
        remember(nb, "8123", payment="paid")
        order = nb.set_label("8123", "gift for Ana", T1)
        assert order is not None
        assert order.label == "gift for Ana"
        assert order.history[-1] == Change(T1, {"label": "gift for Ana"})
        assert nb.set_label("999", "x", T1) is None
        assert nb.get("999") is None


def test_done_orders_are_kept_but_listed_only_with_include_done(home: Path) -> None:
    with Notebook.open(write=True) as nb:
        sample(nb)
        assert nb.mark_done("8100000000000003", T2) is True
        assert nb.mark_done("999", T2) is False
    with Notebook.open(write=False) as nb:
        assert [order.number for order in nb.orders()] == ["8100000000000001"]
        every = nb.orders(include_done=True)
        done = nb.get("8100000000000003")
    assert [(order.number, order.done) for order in every] == [
        ("8100000000000001", False),
        ("8100000000000002", True),
        ("8100000000000003", True),
    ]
    assert done is not None
    assert done.done
    assert done.answers == {"payment": "verifying"}


def test_forget_deletes_the_order_and_its_history(home: Path) -> None:
    with Notebook.open(write=True) as nb:
        sample(nb)
        assert nb.forget("8100000000000001") is True
        assert nb.forget("8100000000000001") is False
        assert nb.get("8100000000000001") is None
        remember(nb, "8100000000000001", at=T2, payment="unpaid")  # a fresh start, no old history
        order = nb.get("8100000000000001")
    assert order is not None
    assert order.history == (Change(T2, {"payment": "unpaid"}),)
    assert integrity(home / FILE_NAME) == ["ok"]


def test_orders_come_in_the_order_first_remembered(home: Path) -> None:
    with Notebook.open(write=True) as nb:
        for number in ("30", "1", "200"):
            remember(nb, number, payment="paid")
        remember(nb, "30", at=T1, payment="unpaid")  # an update does not move it
        assert [order.number for order in nb.orders()] == ["30", "1", "200"]
        assert all(order.history == () for order in nb.orders(history=False))
        assert [len(order.history) for order in nb.orders()] == [2, 1, 1]


# export and import


def test_export_then_import_gives_the_same_notebook(tmp_path: Path, home: Path) -> None:
    with Notebook.open(write=True) as nb:
        sample(nb)
        exported = nb.export()
        original = nb.orders(include_done=True)
    text = json.dumps(exported)  # plain JSON, as `orders export` writes it
    other = str(tmp_path / "other" / FILE_NAME)
    with Notebook.open(other, write=True) as nb:
        assert nb.import_orders(json.loads(text), at=T2) == (3, 0)
        assert nb.export() == exported
        # even the moment of each answer comes back, from the history
        assert nb.orders(include_done=True) == original
    first = exported["orders"]
    assert isinstance(first, list)
    assert first[0] == {
        "number": "8100000000000001",
        "label": "blue lamp",
        "answers": {**PAID, "cancel-request": "no-response"},
        "dates": {"requested-at": T0, "cancelled-at": T2},
        "done": False,
        "history": [
            {"at": T0, "changes": {**PAID, "requested-at": T0, "label": "blue lamp"}},
            {"at": T2, "changes": {"cancel-request": "no-response", "cancelled-at": T2}},
        ],
    }


def test_importing_twice_skips_everything_the_second_time(home: Path) -> None:
    with Notebook.open(write=True) as nb:
        sample(nb)
        data = nb.export()
    (home / FILE_NAME).unlink()
    with Notebook.open(write=True) as nb:
        assert nb.import_orders(data, at=T2) == (3, 0)
        assert nb.import_orders(data, at=T2) == (0, 3)
        assert nb.export() == data


def test_import_leaves_an_order_already_there_alone(home: Path) -> None:
    with Notebook.open(write=True) as nb:
        sample(nb)
        data = nb.export()
        nb.forget("8100000000000003")
        nb.set_label("8100000000000001", "mine", T2)
        assert nb.import_orders(data, at=T2) == (1, 2)
        mine = nb.get("8100000000000001")
        back = nb.get("8100000000000003")
    assert mine is not None
    assert mine.label == "mine"
    assert back is not None
    assert back.answers == {"payment": "verifying"}


def test_an_answer_without_history_was_set_at_the_import(home: Path) -> None:
    data = {
        "version": 1,
        "orders": [
            {
                "number": "8123",
                "label": None,
                "answers": {"payment": "paid"},
                "dates": {"requested-at": T0},
                "done": False,
                "history": [{"at": T1, "changes": {"requested-at": T0}}],
            }
        ],
    }
    with Notebook.open(write=True) as nb:
        nb.import_orders(data, at=T2)
        order = nb.get("8123")
    assert order is not None
    assert order.answered_at == {"payment": T2, "requested-at": T1}


def _valid() -> dict[str, Any]:
    order = {
        "number": "8100000000000001",
        "label": "lamp",
        "answers": {"payment": "paid"},
        "dates": {"requested-at": T0},
        "done": False,
        "history": [{"at": T0, "changes": {"payment": "paid", "requested-at": T0, "label": "lamp"}}],
    }
    return {"version": 1, "orders": [order, {**copy.deepcopy(order), "number": "8100000000000002"}]}


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A change to the second order: `key` or `key.sub` or `history.0.changes.x`; '-' deletes."""

    def apply(data: dict[str, Any]) -> None:
        target: Any = data["orders"][1]
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if value == "-":
            del target[last]
        else:
            target[last] = value

    return apply


def _top(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def apply(data: dict[str, Any]) -> None:
        data[key] = value

    return apply


BAD: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (_top("version", 2), "version: 2 is from a newer ali-cancel"),
    (_top("version", "1"), "version: must be 1"),
    (_top("version", True), "version: must be 1"),
    (_top("orders", {}), "orders: must be a list"),
    (_top("extra", 1), 'the file: unknown key "extra"'),
    (_set("number", "81000x"), "orders[1].number: must be digits only"),
    (_set("number", 8100), "orders[1].number: must be digits only"),
    (_set("number", "1" * 31), "orders[1].number: must be digits only"),
    (
        _set("number", "8100000000000001"),
        "orders[1].number: 8100000000000001 is there twice (also orders[0])",
    ),
    (_set("label", 5), "orders[1].label: must be a string or null"),
    (_set("answers", ["paid"]), "orders[1].answers: must be an object"),
    (_set("answers.payment", 1), "orders[1].answers.payment: must be a string"),
    (_set("answers.Pay Ment", "paid"), "orders[1].answers.Pay Ment: "),
    (_set("answers.a\nb", "paid"), "orders[1].answers.a\\nb: "),
    (
        _set("dates.requested-at", "yesterday"),
        'orders[1].dates.requested-at: "yesterday" is not an ISO 8601 date',
    ),
    (_set("dates.payment", T0), "orders[1].dates.payment: is an answer too"),
    (_set("done", "false"), "orders[1].done: must be true or false"),
    (_set("done", "-"), "orders[1]: done is missing"),
    (_set("colour", "red"), 'orders[1]: unknown key "colour"'),
    (_set("history", {}), "orders[1].history: must be a list"),
    (_set("history.0.at", "-"), "orders[1].history[0]: at is missing"),
    (_set("history.0.at", "noon"), "orders[1].history[0].at: "),
    (_set("history.0.changes.payment", 5), "orders[1].history[0].changes.payment: must be a string or null"),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[message for _, message in BAD])
def test_a_bad_import_names_the_place_and_writes_nothing(
    home: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with Notebook.open(write=True) as nb:
        remember(nb, "1", payment="paid")
    before = (home / FILE_NAME).read_bytes()
    data = _valid()
    change(data)
    with Notebook.open(write=True) as nb:
        with pytest.raises(UsageError) as raised:
            nb.import_orders(data, at=T2, source="backup.json")
        assert [order.number for order in nb.orders(include_done=True)] == ["1"]
    assert raised.value.message.startswith(f"backup.json: {message}"), raised.value.message
    assert "\n" not in raised.value.message
    assert (home / FILE_NAME).read_bytes() == before


def test_an_import_that_is_not_an_object_is_refused(home: Path) -> None:
    with Notebook.open(write=True) as nb, pytest.raises(UsageError, match=r"^the file: must be an object"):
        nb.import_orders([1, 2], at=T2)


# crowds and crashes

CROWD = textwrap.dedent(
    """
    import sys
    from ali_cancel.notebook import Notebook
    me = int(sys.argv[1])
    for step, shipping in enumerate(["not-shipped", "shipped", "delivered"]):
        with Notebook.open(write=True) as nb:  # a command each time, as from a shell
            for order in range(2):
                nb.remember(
                    f"{me}0{order}",
                    answers={"payment": "paid", "shipping": shipping},
                    dates={},
                    label=f"process {me}",
                    at=f"2026-11-2{step}T10:00:00+00:00",
                )
    """
)


def test_24_processes_writing_at_once_lose_nothing(home: Path) -> None:
    env = {**os.environ, "ALI_CANCEL_HOME": str(home)}
    crowd = [
        subprocess.Popen(
            [sys.executable, "-c", CROWD, str(me)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for me in range(1, 25)
    ]
    for process in crowd:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
    with Notebook.open(write=False) as nb:
        orders = nb.orders()
    assert sorted(order.number for order in orders) == sorted(
        f"{me}0{o}" for me in range(1, 25) for o in range(2)
    )
    for order in orders:
        assert order.answers == {"payment": "paid", "shipping": "delivered"}
        assert len(order.history) == 3
    assert integrity(home / FILE_NAME) == ["ok"]


WRITER = textwrap.dedent(
    """
    import itertools
    from ali_cancel.notebook import Notebook
    with Notebook.open(write=True) as nb:
        for i in itertools.count():
            number = str(1000 + i)
            nb.remember(number, answers={"payment": "paid"}, dates={}, label=f"order {i}",
                        at="2026-11-20T10:00:00+00:00")
            nb.remember(number, answers={"shipping": "shipped"}, dates={}, label=None,
                        at="2026-11-21T10:00:00+00:00")
            print(number, flush=True)  # after the commit: this one is kept
    """
)


def test_a_writer_killed_half_way_loses_nothing_it_reported(home: Path) -> None:
    env = {**os.environ, "ALI_CANCEL_HOME": str(home)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER], env=env, stdout=subprocess.PIPE)
    assert writer.stdout is not None
    reported = [writer.stdout.readline() for _ in range(25)]
    writer.send_signal(signal.SIGKILL)
    rest, _ = writer.communicate(timeout=10)
    assert writer.returncode == -signal.SIGKILL
    lines = b"".join(reported) + rest
    done = [line.decode() for line in lines.split(b"\n")[:-1]]  # a last partial line is not a report
    assert len(done) >= 25
    with Notebook.open(write=False) as nb:
        for number in done:
            order = nb.get(number)
            assert order is not None, number
            assert order.answers == {"payment": "paid", "shipping": "shipped"}
    assert integrity(home / FILE_NAME) == ["ok"]
    with Notebook.open(write=True) as nb:  # and it takes writes again
        remember(nb, "1", payment="paid")


# files that cannot be used: a one-line NotebookError, and the file exactly as it was


def refused(write: bool, *needles: str) -> NotebookError:
    with pytest.raises(NotebookError) as raised, Notebook.open(write=write) as nb:
        remember(nb, "8123", payment="paid") if write else nb.orders(include_done=True)
    message = raised.value.message
    assert raised.value.exit_code == 4
    assert "\n" not in message
    for needle in needles:
        assert needle in message, message
    return raised.value


def test_a_file_that_is_not_a_database_is_left_alone(home: Path) -> None:
    home.mkdir()
    path = home / FILE_NAME
    garbage = bytes((i * 37 + 11) % 256 for i in range(8192))
    path.write_bytes(garbage)
    for write in (True, False):
        refused(
            write,
            f"the order notebook {path} cannot be read (file is not a database): keep it as a backup, "
            "move it aside, and run again to start a new one",
        )
    assert path.read_bytes() == garbage
    assert listing(home) == [FILE_NAME]  # SQLite was never let near it


def _filled(home: Path, count: int) -> Path:
    data = _valid()
    template = data["orders"][0]
    data["orders"] = [{**template, "number": str(5000 + n)} for n in range(count)]
    with Notebook.open(write=True) as nb:
        nb.import_orders(data, at=T0)
    return home / FILE_NAME  # closed: the WAL is checkpointed into the file


def test_a_database_with_a_damaged_page_is_left_alone(home: Path) -> None:
    path = _filled(home, 300)
    db = sqlite3.connect(path)
    page_size, root = db.execute(
        "SELECT page_size, rootpage FROM pragma_page_size, sqlite_master WHERE name = 'orders'"
    ).fetchone()
    db.close()
    damaged = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    damaged[start : start + page_size] = bytes((i * 91 + 7) % 256 for i in range(page_size))
    path.write_bytes(bytes(damaged))
    for write in (True, False):
        refused(write, str(path), "cannot be read", "move it aside")
    assert path.read_bytes() == damaged  # even though SQLite made its -wal and -shm beside it


def test_another_programs_database_is_left_alone(home: Path) -> None:
    home.mkdir()
    path = home / FILE_NAME
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE photos (name TEXT)")
    db.commit()
    db.close()
    before = path.read_bytes()
    refused(True, str(path), "not an order notebook")
    assert path.read_bytes() == before


def test_a_notebook_from_a_newer_version_is_left_alone(home: Path) -> None:
    path = _filled(home, 3)
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 2")
    db.close()
    before = path.read_bytes()
    for write in (True, False):
        refused(
            write,
            f"the order notebook {path} was written by a newer version of ali-cancel: "
            "upgrade ali-cancel (pip install -U ali-cancel)",
        )
    assert path.read_bytes() == before


def test_a_newer_version_still_in_the_wal_is_seen_too(home: Path) -> None:
    path = _filled(home, 3)
    newer = sqlite3.connect(path, isolation_level=None)  # stays open: the change is in the WAL only
    try:
        newer.execute("PRAGMA user_version = 2")
        before = path.read_bytes()
        assert int.from_bytes(before[60:64], "big") == 1  # the file's header has not seen it
        refused(True, "newer version")
        assert path.read_bytes() == before
    finally:
        newer.close()


def test_a_notebook_locked_too_long_says_so(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _filled(home, 3)
    monkeypatch.setenv("ALI_CANCEL_BUSY_TIMEOUT", "0.2")
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        before = path.read_bytes()
        started = time.monotonic()
        refused(
            True,
            f"the order notebook {path} is locked by another ali-cancel for more than 0.2 s: try again",
        )
        assert 0.15 < time.monotonic() - started < 5
        with Notebook.open(write=False) as nb:  # readers are not held up by a writer (WAL)
            assert len(nb.orders()) == 3
        assert path.read_bytes() == before
    finally:
        other.close()
    with Notebook.open(write=True) as nb:
        remember(nb, "8123", payment="paid")


def test_a_folder_path_through_a_file_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine\n")
    monkeypatch.setenv("ALI_CANCEL_HOME", str(blocker / "ali-cancel"))
    path = blocker / "ali-cancel" / FILE_NAME
    refused(
        True,
        f"the order notebook {path} cannot be written (a part of its folder path is a file, not a folder)",
        "set ALI_CANCEL_HOME to a folder you can write",
    )
    with Notebook.open(write=False) as nb:  # reading it is an empty notebook, not an error
        assert nb.orders() == []
    assert blocker.read_text() == "mine\n"


def test_a_folder_where_the_file_should_be_is_refused(home: Path) -> None:
    (home / FILE_NAME).mkdir(parents=True)
    refused(True, "it is a folder, not a file")
    refused(False, "it is a folder, not a file")


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` not writable for this process. chmod does not stop root: then `chattr +i`."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("running as root where chattr +i does not work: no honest way to make a file read-only")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_notebook_is_refused_for_writing_but_read(home: Path) -> None:
    path = _filled(home, 3)
    before = path.read_bytes()
    with read_only(path):
        refused(True, f"the order notebook {path} cannot be written (read-only)", "writable for you")
        with Notebook.open(write=False) as nb:
            assert len(nb.orders()) == 3
    assert path.read_bytes() == before


def test_a_read_only_folder_is_refused_for_writing_but_read(home: Path) -> None:
    path = _filled(home, 3)
    before = path.read_bytes()
    with read_only(home):
        error = refused(True, f"the order notebook {path} cannot be written", f"folder {home}")
        assert "ALI_CANCEL_HOME" in error.message
        with Notebook.open(write=False) as nb:  # SQLite cannot make its -shm file here: still read
            assert len(nb.orders()) == 3
    assert path.read_bytes() == before
    assert listing(home) == [FILE_NAME]
