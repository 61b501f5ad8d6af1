"""Shared fixtures: the built-in rules, the installed command, local time zones; data is in helpers.py."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ali_cancel.loader import load_bytes
from ali_cancel.model import RuleSet

from .helpers import BUILTIN


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_bytes(BUILTIN.read_bytes(), str(BUILTIN))


@pytest.fixture(scope="session")
def command() -> str:
    """The installed console script of this environment (what a user runs)."""
    found = Path(sys.executable).with_name("ali-cancel")
    if found.exists():
        return str(found)
    on_path = shutil.which("ali-cancel")
    if on_path is None:
        pytest.fail("ali-cancel is not installed: pip install -e '.[test]' first (see README)")
    return on_path


@pytest.fixture
def quiet_env(tmp_path: Path) -> dict[str, str]:
    """An environment for subprocesses: no colour, fixed width, a private cache and home, UTC."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALI_CANCEL_", "COLUMNS", "LINES"))}
    env.update(
        {
            "NO_COLOR": "1",
            "COLUMNS": "80",
            "TZ": "UTC",
            "LANGUAGE": "en",
            "ALI_CANCEL_CACHE_DIR": str(tmp_path / "cache"),
            "ALI_CANCEL_HOME": str(tmp_path / "home"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def _local_zone(name: str) -> Iterator[None]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def utc() -> Iterator[None]:
    """Local time is UTC: naive moments read the same on every machine."""
    yield from _local_zone("UTC")


@pytest.fixture
def berlin() -> Iterator[None]:
    """Local time is Europe/Berlin (daylight saving ends 2026-10-25, starts 2027-03-28)."""
    yield from _local_zone("Europe/Berlin")
