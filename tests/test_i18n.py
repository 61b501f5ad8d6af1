"""The assistant in the buyer's language: catalogs complete and current, choice of language, output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LANGS = {"es": "es_ES", "fr": "fr_FR", "pt-BR": "pt_BR", "pl": "pl_PL", "ru": "ru_RU"}
COMMAND = str(Path(sys.executable).with_name("ali-cancel"))
DAMAGED = [
    "advise",
    "--payment",
    "paid",
    "--closed",
    "no",
    "--shipping",
    "delivered",
    "--problem",
    "damaged",
    "--seller-reply",
    "not-contacted",
    "--protection",
    "plenty-left",
    "--order",
    "8123456789",
    "--no-input",
]
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
DIGITS = re.compile(r"\d+")


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run(
        [COMMAND, *args],
        capture_output=True,
        text=True,
        env={**clean, "NO_COLOR": "1", "COLUMNS": "100", "TZ": "UTC", "PYTHONIOENCODING": "utf-8", **env},
        timeout=30,
        check=False,
    )


def catalog(code: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs, one per plural form."""
    folder = code.replace("-", "_")
    with (ROOT / "cli" / "locale" / folder / "LC_MESSAGES" / "ali-cancel.po").open("rb") as handle:
        messages = read_po(handle)
    pairs = []
    for message in messages:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        texts = [message.string] if isinstance(message.string, str) else list(message.string or ())
        pairs += [(str(ids[min(i, len(ids) - 1)]), str(text or "")) for i, text in enumerate(texts)]
    return pairs


def test_catalogs_are_current_and_compiled() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "catalogs.py"), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("code", LANGS)
def test_every_text_is_translated_with_its_placeholders_and_numbers(code: str) -> None:
    folder = code.replace("-", "_")
    with (ROOT / "cli" / "locale" / folder / "LC_MESSAGES" / "ali-cancel.po").open("rb") as handle:
        fuzzy = [m.id for m in read_po(handle) if m.id and m.fuzzy]
    problems = [f"fuzzy (left out of the compiled catalog): {msgid!r}" for msgid in fuzzy]
    for msgid, msgstr in catalog(code):
        if not msgstr.strip():
            problems.append(f"untranslated: {msgid!r}")
            continue
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr)):
            problems.append(f"placeholders differ: {msgid!r} -> {msgstr!r}")
        if set(DIGITS.findall(msgid)) != set(DIGITS.findall(msgstr)):  # a gloss may repeat "4"
            problems.append(f"numbers differ: {msgid!r} -> {msgstr!r}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("code", LANGS)
def test_lang_before_or_after_the_command_and_the_environment_agree(code: str) -> None:
    before = run(["--lang", code, *DAMAGED])
    after = run([*DAMAGED, "--lang", code])
    by_lang = run(DAMAGED, LANG=f"{LANGS[code]}.UTF-8")
    by_language = run(DAMAGED, LANGUAGE=code.replace("-", "_"), LANG="C.UTF-8")
    english = run(DAMAGED)
    assert before.returncode == 0, before.stderr
    assert before.stdout == after.stdout == by_lang.stdout == by_language.stdout
    assert before.stdout != english.stdout


@pytest.mark.parametrize("code", LANGS)
def test_no_running_english_remains_in_the_advice(code: str) -> None:
    english = json.loads(run([*DAMAGED, "--json"]).stdout)
    texts = [english["action"]["title"], *english["action"]["steps"], *english["notes"]]
    texts += [f"{a['title']}: {a['why']}" for a in english["alternatives"]]
    shown = run(["--lang", code, *DAMAGED]).stdout
    flat = " ".join(re.sub(r"[│╭╮╰╯─•]", " ", shown).split())
    left = [text for text in texts if " ".join(text.split()) in flat]
    assert not left, left


@pytest.mark.parametrize("code", LANGS)
def test_json_keeps_ids_and_path_and_translates_titles(code: str) -> None:
    english = json.loads(run([*DAMAGED, "--json"]).stdout)
    translated = json.loads(run(["--lang", code, *DAMAGED, "--json"]).stdout)
    assert translated["action"]["id"] == english["action"]["id"]
    assert translated["path"] == english["path"]
    assert [d["id"] for d in translated["deadlines"]] == [d["id"] for d in english["deadlines"]]
    assert translated["action"]["title"] != english["action"]["title"]
    assert translated["message"] == english["message"]  # drafts stay English for the seller


@pytest.mark.parametrize("code", LANGS)
def test_help_errors_and_rules_show_speak_the_language(code: str) -> None:
    help_text = run(["--lang", code, "advise", "--help"]).stdout
    assert "Options:" not in help_text and "Usage:" not in help_text
    assert "Your money back, or the item." not in help_text
    error = run(["--lang", code, "advise", "--payment", "bogus"])
    assert error.returncode == 2
    assert "is not one of" not in error.stderr and "unpaid, verifying, paid" in error.stderr
    shown = run(["--lang", code, "rules", "show"]).stdout
    assert "Where does the payment stand?" not in shown and "--payment" in shown


def test_an_unknown_language_falls_back_to_english() -> None:
    result = run(DAMAGED, LANG="de_DE.UTF-8")
    assert result.returncode == 0
    assert result.stdout == run(DAMAGED).stdout
    assert run(DAMAGED, LANG="C").stdout == result.stdout


def test_an_unknown_lang_flag_is_a_usage_error() -> None:
    result = run(["--lang", "xx", *DAMAGED])
    assert result.returncode == 2
    assert "en, es, fr, pt-BR, pl, ru" in result.stderr
    assert "Traceback" not in result.stderr


def test_english_reads_no_catalog() -> None:
    code = "from ali_cancel.i18n import choose, chosen; choose(None); print(chosen.code, chosen.catalog)"
    clean = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    for env in ({}, {"LANG": "en_GB.UTF-8"}, {"LANG": "de_DE.UTF-8"}, {"LANGUAGE": "C"}):
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env={**clean, **env}, check=True
        )
        assert result.stdout.split() == ["en", "None"], env
