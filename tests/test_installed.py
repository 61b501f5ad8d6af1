"""The installed command as scripts and shells use it: scenarios, pipes, locales, homes, completion."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .helpers import EXTRA, HOSTILE, NOT_SHIPPED, ROOT, SMALL, flags, shared_file


def run(
    command: str, args: list[str], env: dict[str, str], **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [command, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        stdin=subprocess.DEVNULL,
        **kwargs,
    )


def test_the_acceptance_check_passes_against_the_installed_command(command: str) -> None:
    check = shared_file("acceptance", "check")
    result = subprocess.run(
        [sys.executable, str(check), "--cmd", command], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout
    assert ", 0 failed" in result.stdout


@pytest.mark.parametrize("scenario", EXTRA, ids=lambda s: s["name"])
def test_more_guide_scenarios_through_the_installed_command(
    command: str, quiet_env: dict[str, str], scenario: dict[str, Any]
) -> None:
    result = run(command, ["advise", "--no-input", "--json", *scenario["args"]], quiet_env)
    assert result.returncode == 0, result.stderr
    advice = json.loads(result.stdout)
    assert advice["action"]["id"] == scenario["action"]
    for needle in scenario.get("contains", []):
        assert needle.lower() in result.stdout.lower(), needle
    deadlines = {d["id"]: d for d in advice["deadlines"]}
    for name, want in scenario.get("deadlines", {}).items():
        if "at" in want:
            from datetime import datetime

            assert datetime.fromisoformat(deadlines[name]["at"]) == datetime.fromisoformat(want["at"])
        if "passed" in want:
            assert deadlines[name]["passed"] is want["passed"]


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["message", "folow-up"], ["did you mean 'follow-up'"]),
        (["message", "dispute", "--order", "12ab"], ["--order", "digits only"]),
        (
            ["advise", *flags(payment="paid", closed="no", shipping="delivered", problem="not-arrived")],
            ["--problem"],
        ),
        (
            [
                "advise",
                *NOT_SHIPPED,
                *flags(cancel_request="no-response", requested_at="1 day ago", now="2026-11-20T12:00Z"),
            ],
            ["--cancel-request no-response", "--requested-at"],
        ),
    ],
    ids=["mistyped kind", "bad order", "delivered yet not arrived", "no-response too soon"],
)
def test_usage_errors_of_the_installed_command_are_one_line_exit_2(
    command: str, quiet_env: dict[str, str], args: list[str], needles: list[str]
) -> None:
    result = run(command, args, quiet_env)
    assert result.returncode == 2, result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith("ali-cancel: ")
    assert all(needle in result.stderr for needle in needles), result.stderr


def test_relative_dates_and_any_case_through_the_installed_command(
    command: str, quiet_env: dict[str, str]
) -> None:
    args = ["advise", "--json", *NOT_SHIPPED, *flags(cancel_request="Pending", coupon="none")]
    result = run(command, [*args, "--requested-at", "4 days ago"], quiet_env)
    assert result.returncode == 0, result.stderr
    advice = json.loads(result.stdout)
    assert advice["deadlines"][0]["id"] == "seller-response-due" and advice["deadlines"][0]["passed"] is True


def test_python_dash_m_works(quiet_env: dict[str, str]) -> None:
    result = run(sys.executable, ["-m", "ali_cancel", "advise", "--payment", "unpaid", "--json"], quiet_env)
    assert result.returncode == 0
    assert json.loads(result.stdout)["action"]["id"] == "cancel-order"


def test_no_bare_cli_package_is_installed(quiet_env: dict[str, str], tmp_path: Path) -> None:
    # from a folder outside the checkout, only ali_cancel is importable
    probe = (
        "import importlib.util as u; print(u.find_spec('cli') is None, u.find_spec('ali_cancel') is not None)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=quiet_env, check=True
    )
    assert result.stdout.split() == ["True", "True"]


def test_a_closed_pipe_is_quiet(command: str, quiet_env: dict[str, str]) -> None:
    shell = f"'{command}' rules show | head -1; '{command}' advise --payment unpaid --json | head -c 1"
    result = subprocess.run(
        ["/bin/sh", "-c", shell], capture_output=True, text=True, env=quiet_env, timeout=30
    )
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert result.stderr == ""


def test_plain_ascii_output_under_lang_c(command: str, quiet_env: dict[str, str]) -> None:
    env = {**quiet_env, "LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"}
    args = ["advise", *NOT_SHIPPED, *flags(cancel_request="pending", coupon="none")]
    args += flags(requested_at="2026-11-20T10:00Z", now="2026-11-21T10:00Z")
    for extra in ([], ["--json"]):
        result = run(command, [*args, *extra], env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.isascii()
    human = run(command, args, env).stdout
    assert "Wait for the seller" in human and "- The seller has 72 hours" in human
    shown = run(command, ["rules", "show"], env)
    assert shown.returncode == 0 and shown.stdout.isascii()


def test_a_read_only_home_and_no_cache_folder_still_work(
    command: str, quiet_env: dict[str, str], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o500)
    env = {k: v for k, v in quiet_env.items() if k not in ("ALI_CANCEL_CACHE_DIR", "XDG_CACHE_HOME")}
    env["HOME"] = str(home)
    try:
        result = run(command, ["advise", "--payment", "unpaid", "--json"], env)
        if os.geteuid() != 0:  # root writes anywhere; the no-HOME case below holds for everyone
            assert not (home / ".cache").exists()
    finally:
        home.chmod(0o700)
    assert result.returncode == 0, result.stderr
    env.pop("HOME")
    result = run(command, ["advise", "--payment", "unpaid", "--json"], env)
    assert result.returncode == 0, result.stderr


def test_the_cache_is_used_and_a_corrupt_one_is_ignored(command: str, quiet_env: dict[str, str]) -> None:
    args = ["advise", "--payment", "unpaid", "--json"]
    first = run(command, args, quiet_env)
    cache = Path(quiet_env["ALI_CANCEL_CACHE_DIR"])
    entries = list(cache.glob("rules-*.marshal"))
    assert len(entries) == 1
    entries[0].write_bytes(b"\x00garbage")
    second = run(command, args, quiet_env)
    assert second.returncode == 0 and second.stdout == first.stdout


def complete(command: str, env: dict[str, str], words: str) -> list[str]:
    env = {
        **env,
        "_ALI_CANCEL_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    result = run(command, [], env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_shell_completion_offers_fact_values(command: str, quiet_env: dict[str, str]) -> None:
    assert complete(command, quiet_env, "ali-cancel advise --payment ") == ["unpaid", "verifying", "paid"]
    assert complete(command, quiet_env, "ali-cancel advise --shipping s") == ["shipped", "shipment-cancelled"]
    assert "advise" in complete(command, quiet_env, "ali-cancel ")


def test_shell_completion_offers_message_kinds(command: str, quiet_env: dict[str, str]) -> None:
    assert complete(command, quiet_env, "ali-cancel message f") == ["follow-up"]


def test_show_completion_prints_a_script_without_touching_anything(
    command: str, quiet_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**quiet_env, "HOME": str(tmp_path), "SHELL": "/bin/bash"}
    result = run(command, ["--show-completion", "bash"], env)
    assert result.returncode == 0
    assert "_ALI_CANCEL_COMPLETE" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_dot_output_renders_with_graphviz(command: str, quiet_env: dict[str, str], tmp_path: Path) -> None:
    dot = shutil.which("dot")
    if dot is None:
        if os.environ.get("ALI_CANCEL_REQUIRE_DOT"):
            pytest.fail("graphviz 'dot' is required here (.ci/run installs it)")
        pytest.skip("graphviz 'dot' is not installed: install graphviz to run this test")
    source = run(command, ["rules", "graph", "--format", "dot"], quiet_env).stdout
    rendered = subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, text=True, timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    assert "<svg" in rendered.stdout and "Where does the payment stand?" in rendered.stdout


def test_graph_labels_are_escaped(tmp_path: Path, command: str, quiet_env: dict[str, str]) -> None:
    nasty = tmp_path / "nasty.yaml"
    nasty.write_text(
        SMALL.replace('"Which colour?"', '"Say \\"end\\" <b>#1</b> \\\\ | x?"').replace('"Red"', '"end"')
    )
    mermaid = run(command, ["rules", "graph", str(nasty)], quiet_env).stdout
    assert "Say #quot;end#quot; #lt;b#gt;#35;1#lt;/b#gt; \\ | x?" in mermaid
    dot = run(command, ["rules", "graph", str(nasty), "--format", "dot"], quiet_env).stdout
    assert 'label="Say \\"end\\" <b>#1</b> \\\\ | x?"' in dot
    if shutil.which("dot"):
        assert subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True).returncode == 0


def test_core_modules_import_nothing_of_the_terminal() -> None:
    probe = (
        "import sys, ali_cancel.model, ali_cancel.loader, ali_cancel.engine, ali_cancel.deadlines, "
        "ali_cancel.core, ali_cancel.facts, ali_cancel.flags, ali_cancel.report, ali_cancel.safeyaml; "
        "names = ('typer', 'rich', 'questionary', 'prompt_toolkit', 'yaml'); "
        "print(sorted(m for m in names if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT.parent
    )
    assert result.stdout.strip() == "[]"


def test_one_shot_json_imports_no_prompt_yaml_or_rich_once_cached(quiet_env: dict[str, str]) -> None:
    probe = (
        "import sys\n"
        "from ali_cancel.app import main\n"
        "sys.argv = ['ali-cancel', 'advise', '--payment', 'unpaid', '--json']\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "names = ('questionary', 'prompt_toolkit', 'yaml', 'pydantic', 'rich')\n"
        "print(sorted(m for m in names if m in sys.modules), file=sys.stderr)\n"
    )
    for _ in range(2):  # the first run fills the cache
        result = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=quiet_env, check=True
        )
    assert result.stderr.strip() == "[]"


@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: c[0])
def test_hostile_rule_files_through_the_installed_command(
    command: str, quiet_env: dict[str, str], tmp_path: Path, case: tuple[str, str | bytes, str, str]
) -> None:
    name, text, _, what = case
    path = tmp_path / "hostile.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    for args in (["rules", "validate", str(path)], ["advise", "--rules", str(path), "--payment", "paid"]):
        result = run(command, args, quiet_env)
        assert result.returncode == 3, (name, result.stderr)
        assert result.stdout == ""
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"{path}:") and what in result.stderr
        assert "Traceback" not in result.stderr


def test_unicode_from_a_rule_file_degrades_to_plain_characters_under_lang_c(
    command: str, quiet_env: dict[str, str], tmp_path: Path
) -> None:
    fancy = tmp_path / "fancy.yaml"
    fancy.write_text(SMALL.replace('"Wait a bit."', '"Wait… then → café ✓."').replace('"Red"', '"Red “ok”"'))
    env = {**quiet_env, "LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"}
    for args in (["advise", "--rules", str(fancy), "--answer", "colour=red"], ["rules", "show", str(fancy)]):
        result = run(command, args, env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.isascii()
    assert (
        "Wait... then -> cafe v."
        in run(command, ["advise", "--rules", str(fancy), "--answer", "colour=red"], env).stdout
    )
