"""The notebook's file before SQLite opens it: the folder and the file made private, the header checked.

No sqlite3 here (notebook.py alone talks to SQLite): these only make and read bytes.
"""

from __future__ import annotations

import os

from .exchange import Failure

_HEADER = b"SQLite format 3\x00"


def check_header(path: str, fail: Failure, newest: int) -> None:
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
    if int.from_bytes(header[60:64], "big") > newest:
        raise fail.newer()


def create(path: str, fail: Failure) -> None:
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
