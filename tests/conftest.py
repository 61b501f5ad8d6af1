"""Shared fixtures: the built-in rules, the guide beside the repo, the installed command."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from ali_cancel.loader import load_bytes
from ali_cancel.model import RuleSet

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = ROOT / "rules" / "aliexpress.yaml"
SHARED = Path(os.environ.get("ALI_CANCEL_SHARED", ROOT.parent / "shared"))


def shared_file(*parts: str) -> Path:
    """A file of the workplace's shared folder (the guide, the acceptance scenarios).

    CI always has it beside the checkout, and there its absence fails the test; a clone on its own
    skips the few tests that need it.
    """
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing (set ALI_CANCEL_SHARED to the shared folder)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


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
    """An environment for subprocesses: no colour, fixed width, a private cache, UTC."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALI_CANCEL_", "COLUMNS", "LINES"))}
    env.update(
        {
            "NO_COLOR": "1",
            "COLUMNS": "80",
            "TZ": "UTC",
            "ALI_CANCEL_CACHE_DIR": str(tmp_path / "cache"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env
