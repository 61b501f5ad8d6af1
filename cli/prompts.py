"""The interview: ask what the tree still needs, one select prompt at a time, with a way back.

The only module that imports questionary (and prompt_toolkit), and only when a prompt is shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

from .engine import Advice, Needed, walk
from .model import Question, RuleSet

BACK = "\x00back"
ORDER_NUMBER = re.compile(r"[0-9]{1,30}\Z")


class Asker(Protocol):
    def __call__(self, question: Question, default: str | None, can_go_back: bool) -> str: ...


def interview(
    rules: RuleSet,
    given: Mapping[str, str],
    passed: Mapping[str, bool],
    ask: Asker,
) -> tuple[Advice, dict[str, str]]:
    """Walk the tree, asking for each missing fact; BACK undoes the previous prompted answer.

    Answers in `given` (flags) are never asked and never undone. Returns the advice and every answer.
    """
    answers = dict(given)
    asked: list[str] = []  # facts answered at a prompt, in order
    earlier: dict[str, str] = {}  # answers undone by going back, offered again as defaults
    while True:
        result = walk(rules, answers, passed)
        if isinstance(result, Advice):
            return result, answers
        assert isinstance(result, Needed)  # noqa: S101 - walk returns one of the two
        question = rules.question(result.fact)
        value = ask(question, earlier.get(question.id), bool(asked))
        if value == BACK:
            if asked:
                previous = asked.pop()
                earlier[previous] = answers.pop(previous)
            continue
        answers[question.id] = value
        earlier.pop(question.id, None)
        asked.append(question.id)


def _drawn_on(output: Any) -> dict[str, Any]:
    """questionary's keyword for where to draw: `output` if given, else the app session's."""
    return {} if output is None else {"output": output}


def select_asker(output: Any = None) -> Asker:
    """An Asker that shows questionary select prompts (on `output`, default: the app session's)."""
    import questionary
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    def ask(question: Question, default: str | None, can_go_back: bool) -> str:
        choices: list[Any] = [questionary.Choice(title=c.label, value=c.value) for c in question.choices]
        if can_go_back:  # last, so that Enter on an untouched prompt never goes back
            choices += [questionary.Separator(" "), questionary.Choice(title="Back", value=BACK)]
        prompt = questionary.select(
            question.text,
            choices=choices,
            default=default if default in question.values() else None,
            instruction=f"({question.help})",
            qmark="?",
            **_drawn_on(output),
        )
        keys = KeyBindings()

        @keys.add("c-d", eager=True)
        def _end(event: Any) -> None:
            event.app.exit(exception=EOFError, style="class:aborting")

        if can_go_back:

            @keys.add("left", eager=True)
            def _back(event: Any) -> None:
                event.app.exit(result=BACK)

        # questionary's select binds Ctrl-C but not Ctrl-D, and has no key for "back"
        application = prompt.application
        application.key_bindings = merge_key_bindings([application.key_bindings or KeyBindings(), keys])
        return str(prompt.unsafe_ask())

    return ask


def ask_order_number(output: Any = None) -> str | None:
    """Ask for the order number to put in a message; an empty answer gives None."""
    import questionary

    def validate(text: str) -> bool | str:
        return (
            not text.strip() or bool(ORDER_NUMBER.match(text.strip())) or "Digits only, as on the order page"
        )

    answer = questionary.text(
        "Order number for the message (Enter to leave a placeholder):",
        validate=validate,
        qmark="?",
        **_drawn_on(output),
    ).unsafe_ask()
    return str(answer or "").strip() or None


def confirm(message: str, output: Any = None) -> bool:
    """A yes/no question, yes by default."""
    import questionary

    return bool(questionary.confirm(message, default=True, qmark="?", **_drawn_on(output)).unsafe_ask())
