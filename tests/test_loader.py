"""The loader on broken and hostile rule files: every problem located, nothing executed, fast."""

from __future__ import annotations

import marshal
import time
from pathlib import Path

import pytest
from ali_cancel.errors import RuleFileError
from ali_cancel.loader import load_bytes, load_rules
from ali_cancel.model import from_plain, to_plain
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import BROKEN, HOSTILE, SMALL


def problems(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(RuleFileError) as caught:
        load_bytes(data, "bad.yaml")
    return [str(p) for p in caught.value.problems]


def test_the_small_file_loads() -> None:
    rules = load_bytes(SMALL.encode(), "small.yaml")
    assert [q.id for q in rules.questions] == ["colour"]


@pytest.mark.parametrize(("name", "text", "where", "what"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_files_are_reported_at_their_place(name: str, text: str, where: str, what: str) -> None:
    found = problems(text)
    assert any(p.startswith(where) and what in p for p in found), found


def test_every_problem_is_reported_at_once() -> None:
    text = SMALL.replace('title: "Small"', "title: no").replace('action: "wait"', 'action: "panic"')
    found = problems(text)
    assert len(found) == 2
    assert found[0].startswith("bad.yaml:1:") and found[1].startswith("bad.yaml:18:")


def test_a_loop_is_named() -> None:
    text = SMALL.replace('blue: "stop"', 'blue: "second"') + ("tree2: x\n")
    text = SMALL.replace(
        '      blue: "stop"\n',
        '      blue: "second"\n  second:\n    ask: "colour"\n'
        '    answers:\n      red: "first"\n      blue: "stop"\n',
    )
    found = problems(text)
    assert any("a loop: first -> second -> first" in p for p in found), found


def test_unreachable_steps_outcomes_and_questions_are_reported() -> None:
    text = (
        SMALL.replace(
            "tree:\n",
            'tree:\n  lonely:\n    ask: "size"\n    answers:\n      big: "orphan"\n',
        ).replace(
            "questions:\n",
            'questions:\n  size:\n    text: "Size?"\n    help: "h"\n    choices:\n      big: "Big"\n',
        )
        + '  orphan:\n    action: "wait"\n    title: "t"\n    steps: ["s"]\n    sources: ["x"]\n'
    )
    found = "\n".join(problems(text))
    assert "step 'lonely' is never reached" in found
    assert "outcome 'orphan' is never reached" in found


def test_a_question_no_step_asks_is_reported() -> None:
    text = SMALL.replace(
        "questions:\n",
        'questions:\n  size:\n    text: "Size?"\n    help: "h"\n    choices:\n      big: "Big"\n',
    )
    assert any("question 'size' is never asked" in p for p in problems(text))


def test_contact_seller_needs_a_message_kind() -> None:
    text = SMALL.replace('action: "wait"', 'action: "contact-seller"')
    assert any("names no message kind" in p for p in problems(text))


@pytest.mark.timeout(10)
@pytest.mark.parametrize(("name", "text", "where", "what"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_files_are_refused_fast_and_run_nothing(
    name: str, text: str | bytes, where: str, what: str, tmp_path: Path
) -> None:
    marker = Path("/tmp/pwned")
    marker.unlink(missing_ok=True)
    started = time.perf_counter()
    found = problems(text)
    assert time.perf_counter() - started < 1.0
    assert any(p.startswith(where) and what in p for p in found), found
    assert not marker.exists()


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(SMALL.splitlines()),
            st.sampled_from(
                [
                    "&a x",
                    "*a",
                    "!!python/name:os.system",
                    "- ",
                    "? ",
                    "{",
                    "}",
                    "[",
                    "]",
                    ": ",
                    "'",
                    '"',
                    "\t",
                    "yes",
                    "no",
                    "~",
                    "12:30",
                    "%YAML 1.1",
                    "---",
                    "...",
                    "|",
                    ">",
                    "#",
                    "\x00",
                    "\ufeff",
                ]
            ),
            st.text(max_size=12),
        ),
        max_size=30,
    )
)
def test_fuzzed_yamlish_text_gives_a_rule_file_error_or_rules(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        load_bytes(text.encode("utf-8", "surrogatepass"), "fuzz.yaml")
    except RuleFileError as error:
        assert error.problems  # noqa: PT017 - the fuzz accepts either outcome
        for problem in error.problems:
            assert str(problem).startswith("fuzz.yaml:")
            assert problem.line >= 1 and problem.column >= 1


def test_the_compiled_cache_round_trips_and_survives_corruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "small.yaml"
    source.write_text(SMALL)
    cache = tmp_path / "cache"
    monkeypatch.setenv("ALI_CANCEL_CACHE_DIR", str(cache))
    first = load_rules(str(source))
    stored = list(cache.glob("rules-*.marshal"))
    assert len(stored) == 1
    assert load_rules(str(source)) == first
    assert from_plain(to_plain(first)) == first
    good = stored[0].read_bytes()
    for corrupt in (
        b"{not marshal",
        good[: len(good) // 2],
        bytes(range(256)) * 4,
        b"",
        marshal.dumps([1, 2]),
    ):
        stored[0].write_bytes(corrupt)
        assert load_rules(str(source)) == first  # corrupt: parsed again, and rewritten
        assert stored[0].read_bytes() == good
    stored[0].write_bytes(marshal.dumps({"format": "other", "source": b"", "code": "", "rules": {}}))
    assert load_rules(str(source)) == first
    source.write_text(SMALL.replace('"Red"', '"Crimson"'))  # new content: never the stale entry
    assert load_rules(str(source)).questions[0].choices[0].label == "Crimson"


def test_an_unwritable_cache_is_no_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "small.yaml"
    source.write_text(SMALL)
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    monkeypatch.setenv("ALI_CANCEL_CACHE_DIR", str(blocker / "cache"))
    assert load_rules(str(source)).title == "Small"


def test_missing_and_folder_paths_are_rule_file_errors(tmp_path: Path) -> None:
    for path, what in ((tmp_path / "nope.yaml", "no such file"), (tmp_path, "folder")):
        with pytest.raises(RuleFileError, match=what):
            load_rules(str(path))


NOTED = SMALL.replace(
    "tree:\n",
    'notes:\n  calm:\n    text: "Stay calm."\n    when:\n      colour: ["red"]\ntree:\n',
).replace('    sources: ["Beyond the guide"]\n', '    sources: ["Beyond the guide"]\n    notes: ["calm"]\n')


def test_a_note_is_written_once_by_id_and_shown_by_its_when() -> None:
    rules = load_bytes(NOTED.encode(), "noted.yaml")
    (outcome,) = rules.outcomes
    assert [note.text for note in outcome.notes] == ["Stay calm."]
    assert outcome.notes[0].when == (("colour", ("red",)),)


def test_a_note_id_that_does_not_exist_is_reported_with_the_known_ones() -> None:
    found = problems(NOTED.replace('notes: ["calm"]', 'notes: ["clam"]'))
    assert any(
        p.startswith("bad.yaml:27:13:") and "'clam', which does not exist (known: calm)" in p for p in found
    )


def test_a_note_no_outcome_lists_is_reported() -> None:
    found = problems(NOTED.replace('    notes: ["calm"]\n', ""))
    assert any(p.startswith("bad.yaml:12:") and "note 'calm' is listed by no outcome" in p for p in found), (
        found
    )


def test_a_note_ruled_out_on_every_path_is_reported() -> None:
    # the only path to 'stop' answers red, so a note for blue can never show there
    text = NOTED.replace('      blue: "stop"\n', '      blue: "other"\n').replace('["red"]', '["blue"]')
    text += '  other:\n    action: "wait"\n    title: "t"\n    steps: ["s"]\n    sources: ["x"]\n'
    found = problems(text)
    assert any(
        p.startswith("bad.yaml:27:")
        and "can never show: every path there answers 'colour' with red, never blue" in p
        for p in found
    ), found


@pytest.mark.parametrize(
    ("escape", "code"),
    [("\\e", "U+001B"), ("\\a", "U+0007"), ("\\u202E", "U+202E"), ("\\x9b", "U+009B")],
)
def test_control_characters_in_texts_are_refused_at_their_place(escape: str, code: str) -> None:
    # written as YAML escapes: the characters themselves are refused by YAML already
    found = problems(SMALL.replace('"Wait a bit."', f'"Wait{escape}[31m a bit."'))
    assert any(p.startswith("bad.yaml:20:") and code in p and "character 5" in p for p in found), found


def test_a_one_line_text_refuses_a_newline() -> None:
    found = problems(SMALL.replace('title: "Small"', 'title: "Sm\\nall"'))
    assert any(p.startswith("bad.yaml:1:8:") and "U+000A" in p for p in found), found


MESSAGED = SMALL.replace(
    "tree:\n",
    'messages:\n  nudge:\n    about: "a nudge"\n    parts:\n      - "Order {order}."\n'
    '      - text: "Red it is."\n        when:\n          colour: ["red"]\ntree:\n',
).replace('action: "wait"', 'action: "contact-seller"\n    message: "nudge"')


def test_messages_are_drafts_whose_parts_follow_the_answers() -> None:
    rules = load_bytes(MESSAGED.encode(), "messaged.yaml")
    nudge = rules.message("nudge")
    assert nudge.text({"colour": "red"}, "42") == "Order 42.\n\nRed it is."
    assert nudge.text({"colour": "blue"}, "42") == "Order 42."
    assert nudge.text({}, "42") == "Order 42."  # not answered: a part that needs the answer stays out


def test_an_unknown_message_kind_and_a_message_on_the_wrong_action_are_reported() -> None:
    found = problems(MESSAGED.replace('message: "nudge"', 'message: "nudeg"'))
    assert any("unknown message kind 'nudeg' (known: nudge)" in p for p in found), found
    found = problems(MESSAGED.replace('action: "contact-seller"', 'action: "wait"'))
    assert any("offers a message, but only contact-seller and open-dispute may" in p for p in found), found


def test_a_raw_control_character_is_reported_at_its_line() -> None:
    found = problems(SMALL.replace('"Wait a bit."', '"Wait\x1b[31m a bit."'))
    assert any(p.startswith("bad.yaml:20:") for p in found), found


HOSTILE_EVERYWHERE = """\
title: "Title \\e]0;PWNED\\a"
start: "first"
actions:
  wait: "Wait \\e[2J"
deadlines:
  due:
    label: "Due \\e]52;c;aGk=\\a"
    from: "requested-at"
    hours: 48
questions:
  colour:
    text: "Colour \\e[8m?"
    help: "Help \\u202e reversed"
    choices:
      red: "Red \\x9b31m"
      blue: "Blue"
notes:
  calm:
    text: "Note \\e[1A"
messages:
  nudge:
    about: "About \\e[?25l"
    parts:
      - "Draft \\e]8;;http://x\\e\\\\"
tree:
  first:
    ask: "colour"
    answers:
      red: "stop"
      blue: "other"
outcomes:
  stop:
    action: "contact-seller"
    message: "nudge"
    title: "Outcome \\e[31m"
    steps: ["Step \\e[H"]
    notes: ["calm", "Inline \\a note"]
    alternatives:
      - action: "wait"
        why: "Why \\e[K"
    sources: ["Source \\e[0m"]
  other:
    action: "wait"
    title: "Fine"
    steps: ["Fine."]
    sources: ["Fine"]
"""


def test_an_escape_sequence_in_any_kind_of_text_is_refused_where_it_stands() -> None:
    found = problems(HOSTILE_EVERYWHERE)
    lines = {int(p.split(":")[1]) for p in found if "control character" in p}
    # title, action title, deadline label, question, help, label, note, about, draft, outcome title,
    # step, inline note, why, source: each reported at its own line
    assert lines == {1, 4, 7, 12, 13, 15, 19, 22, 24, 35, 36, 37, 40, 41}, found


def test_rules_validate_on_an_escape_in_an_action_title_exits_3_naming_the_place(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE_EVERYWHERE, encoding="utf-8")
    command = Path(sys.executable).with_name("ali-cancel")
    result = subprocess.run([str(command), "rules", "validate", str(path)], capture_output=True, check=False)
    assert result.returncode == 3
    named = f"{path}:4:9: the title of action 'wait' holds the control character U+001B"
    assert named.encode() in result.stderr
    assert b"\x1b" not in result.stdout + result.stderr
