"""The README stays true: its module list names every module of cli/, and only those."""

from __future__ import annotations

import re

from .helpers import ROOT


def test_the_readme_lists_every_module_and_no_other() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### How it is built", 1)[1].split("\n### ", 1)[0]
    listed = {
        name
        for row in re.findall(r"^\| (.+?) \|", section, re.MULTILINE)
        for name in re.findall(r"`(\w+)`", row)
    }
    modules = {path.stem for path in (ROOT / "cli").glob("*.py") if not path.stem.startswith("__")}
    assert listed - {"module"} == modules
