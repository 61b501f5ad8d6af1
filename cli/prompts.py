"""The prompts: arrow-key menus (questionary) or plain numbered prompts, both behind interview.Asker.

The only module that imports questionary and prompt_toolkit, and only inside functions, once a prompt
is really shown. The plain prompts write nothing but text: no escape sequence, no cursor question.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from .facts import ORDER_NUMBER
from .i18n import _
from .interview import BACK, Asker, DatePrompt
from .model import Question
from .terminal import is_utf8
from .wrapping import Piece, usable, wrap, wrap_pieces

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.output import Output

__all__ = ["BACK", "ORDER_NUMBER", "ArrowAsker", "Lines", "PlainAsker", "make_asker", "wants_plain", "wrap"]


def wants_plain(flag: bool, environ: Mapping[str, str]) -> bool:
    """Plain prompts: asked for (`--plain`, ALI_CANCEL_PLAIN), or a terminal menus cannot drive."""
    setting = environ.get("ALI_CANCEL_PLAIN", "").strip()
    return flag or setting not in ("", "0") or environ.get("TERM", "") in ("dumb", "emacs")


def date_forms() -> str:
    """The forms a date prompt accepts, as the buyer reads them (the contract's WHEN, shortened)."""
    return _("Like 4 days ago, yesterday, -3d or 2026-11-20; Enter if you don't know.")


def not_digits() -> str:
    return _("Digits only, as on the order page.")


def _bare(word: str) -> str:
    """A typed word compared without case or accents: "Sí", "si" and "SI" are one answer."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _words(english: str, translated: str) -> set[str]:
    """A word a buyer may type: English or the chosen language's, whole or by its first letter."""
    return {_bare(form) for word in (english, translated) for form in (word, word[:1]) if form}


def _means_back(answer: str) -> bool:
    return _bare(answer) in _words("back", _("back"))


def make_asker(*, plain: bool, output_stream: TextIO, input_stream: TextIO | None = None) -> Asker:
    """The asker that draws on `output_stream` and reads `input_stream` (default: sys.stdin)."""
    if plain:
        return PlainAsker(output_stream, sys.stdin if input_stream is None else input_stream)
    from prompt_toolkit.output import create_output

    keyboard: Input | None = None  # None: the app session's, which reads sys.stdin
    if input_stream is not None and input_stream is not sys.stdin:
        from prompt_toolkit.input import create_input

        keyboard = create_input(stdin=input_stream)
    return ArrowAsker(create_output(stdout=output_stream), keyboard, unicode=is_utf8(output_stream))


def _keys_hint(items: Sequence[str], width: int, *, unicode: bool, indent: str = "  ") -> list[str]:
    """The key hint, broken between its items only ("Ctrl-C quit" never splits)."""
    separator = " · " if unicode else ", "
    lines: list[str] = []
    line = ""
    for item in items:
        candidate = f"{line}{separator}{item}" if line else item
        if line and len(indent) + len(candidate) + len(separator.rstrip()) > width:
            lines.append(indent + line + separator.rstrip())
            line = item
        else:
            line = candidate
    lines.append(indent + line)
    return lines


# ---------------------------------------------------------------------------------------------
# Arrow keys: questionary prompts on a prompt_toolkit output.


class ArrowAsker:
    """questionary menus and text prompts on `output` (None: the current app session's output).

    Every prompt is erased when it is answered and replaced by one summary ("? question  answer")
    that this asker wrote itself and knows the height of: going back erases the summary of the answer
    undone, so the scroll-back shows only the answers that stand.
    """

    def __init__(self, output: Output | None = None, keyboard: Input | None = None, *, unicode: bool = True):
        self._output = output
        self._input = keyboard
        self._unicode = unicode
        self._summaries: list[int] = []  # height of each summary on screen, the latest last

    # -- the Asker protocol

    def choose(self, question: Question, default: str | None, can_go_back: bool) -> str:
        import questionary

        width = self._width()
        choices: list[Any] = [
            questionary.Choice(title="\n   ".join(wrap(c.label, width - 3)), value=c.value)
            for c in question.choices
        ]
        if can_go_back:  # last, so that Enter on an untouched menu never goes back
            choices += [questionary.Separator(" "), questionary.Choice(title=_("Back"), value=BACK)]
        move = _("↑↓ choose") if self._unicode else _("up/down choose")
        back = [_("← back") if self._unicode else _("left back")] if can_go_back else []
        hint = [move, _("Enter confirm"), *back, _("Ctrl-C quit")]
        prompt = questionary.select(
            self._title(question.text, width),
            choices=choices,
            default=default if default in question.values() else None,
            instruction=self._below([question.help], hint, width),
            qmark="?",
            pointer="»" if self._unicode else ">",
            erase_when_done=True,
            **self._where(),
        )
        keys = self._keys(can_go_back, lambda: True)
        value = str(self._run(prompt, keys))
        if value == BACK:
            self._undo()
        else:
            self._summarize(question.text, question.label(value))
        return value

    def date(self, prompt: DatePrompt, can_go_back: bool) -> str | None:
        import questionary

        back = [_("← back (empty line)") if self._unicode else _("left back (empty line)")]
        hint = [_("Enter confirm"), *(back if can_go_back else []), _("Ctrl-C quit")]
        problem = ""  # why the last answer could not be read, shown above the input line
        typed = ""
        while True:
            width = self._width()
            below = self._below([prompt.help, date_forms()], hint, width)
            if problem:
                below += "\n" + "\n".join(wrap(problem, width, "  ! ", "    "))
            question = questionary.text(
                self._title(prompt.text, width),
                default=typed,
                instruction=below + "\n ",  # questionary adds a space: the input starts at column 2
                qmark="?",
                erase_when_done=True,
                **self._where(),
            )
            answer = str(self._run(question, self._keys(can_go_back, self._empty_line)))
            if answer == BACK:
                self._undo()
                return BACK
            typed = answer.strip()
            if not typed:
                self._summarize(prompt.text, _("I don't know"))
                return None
            try:
                moment = prompt.read(typed)
            except ValueError as error:
                problem = str(error)
                continue
            self._summarize(prompt.text, typed if moment == typed else f"{typed} ({moment})")
            return moment

    def confirm(self, text: str) -> bool:
        import questionary

        title = self._title(f"{text} {_('(y/N)')}", self._width())  # wrapped at words, as every prompt
        question = questionary.confirm(
            title, default=False, qmark="?", auto_enter=True, instruction="", **self._where()
        )
        return bool(self._run(question, self._keys(False, lambda: True)))

    def order_number(self, text: str) -> str | None:
        import questionary

        def validate(answer: str) -> bool | str:
            return not answer.strip() or bool(ORDER_NUMBER.match(answer.strip())) or not_digits()

        title = self._title(text, self._width())
        question = questionary.text(title, validate=validate, qmark="?", **self._where())
        answer = str(self._run(question, self._keys(False, lambda: True)) or "").strip()
        return answer or None

    # -- drawing

    def _out(self) -> Output:
        if self._output is not None:
            return self._output
        from prompt_toolkit.application.current import get_app_session

        return get_app_session().output

    def _where(self) -> dict[str, Any]:
        """questionary's keywords for where to draw and read; nothing: the app session's."""
        where: dict[str, Any] = {}
        if self._output is not None:
            where["output"] = self._output
        if self._input is not None:
            where["input"] = self._input
        return where

    def _width(self) -> int:
        return usable(self._out().get_size().columns)

    @staticmethod
    def _title(text: str, width: int) -> str:
        """The question after "? ", its lines under its first word; questionary adds up to 2 spaces."""
        return "\n  ".join(wrap(text, width - 4))

    def _below(self, paragraphs: list[str], hint: list[str], width: int) -> str:
        """The help, wrapped, on its own lines under the question, then the key hint."""
        lines = [line for text in paragraphs if text.strip() for line in wrap(text, width, "  ", "  ")]
        lines += _keys_hint(hint, width, unicode=self._unicode)
        return "\n" + "\n".join(lines)

    def _keys(self, can_go_back: bool, back_allowed: Callable[[], bool]) -> KeyBindings:
        """Ctrl-D ends the session (questionary binds only Ctrl-C); ← goes back where it may."""
        from prompt_toolkit.filters import Condition
        from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

        keys = KeyBindings()

        @keys.add("c-d", eager=True)
        def _end(event: KeyPressEvent) -> None:
            event.app.exit(exception=EOFError, style="class:aborting")

        if can_go_back:

            @keys.add("left", eager=True, filter=Condition(back_allowed))
            def _back(event: KeyPressEvent) -> None:
                event.app.exit(result=BACK)

        return keys

    @staticmethod
    def _empty_line() -> bool:
        from prompt_toolkit.application.current import get_app

        return not get_app().current_buffer.text

    @staticmethod
    def _run(question: Any, keys: KeyBindings) -> Any:
        """Ask, with `keys` over questionary's own; Ctrl-C raises (unsafe_ask: ask() would swallow it)."""
        from prompt_toolkit.key_binding import merge_key_bindings

        application = question.application
        own = application.key_bindings
        application.key_bindings = merge_key_bindings([own, keys] if own is not None else [keys])
        return question.unsafe_ask()

    def _print(self, lines: list[list[Piece]]) -> int:
        from prompt_toolkit.formatted_text import FormattedText
        from prompt_toolkit.shortcuts import print_formatted_text
        from questionary.styles import merge_styles_default

        style = merge_styles_default([None])
        for line in lines:
            print_formatted_text(FormattedText(line), style=style, output=self._out())
        return len(lines)

    def _summarize(self, question: str, answer: str) -> None:
        """ "? question  answer"; an answer that does not fit after the question gets its own lines."""
        width = self._width()
        lines = wrap_pieces([("class:qmark", "?"), ("class:question", f" {question}")], width, rest="  ")
        if sum(len(text) for _, text in lines[-1]) + 2 + len(answer) <= width:
            lines[-1].append(("class:answer", f"  {answer}"))
        else:
            lines += wrap_pieces([("class:answer", answer)], width, "  ", "  ")
        self._summaries.append(self._print(lines))

    def _erase(self, lines: int) -> None:
        """Erase the `lines` just above the cursor (the cursor is at the start of a line)."""
        if lines:
            output = self._out()
            output.cursor_up(lines)
            output.erase_down()
            output.flush()

    def _undo(self) -> None:
        """Going back: erase the summary of the answer being undone."""
        if self._summaries:
            self._erase(self._summaries.pop())


# ---------------------------------------------------------------------------------------------
# Plain: numbered choices and typed answers, lines in, lines out.


def _columns(stream: TextIO) -> int:
    """The terminal's width: $COLUMNS, else the terminal `stream` writes to, else any, else 80."""
    if os.environ.get("COLUMNS", "").isdigit() and int(os.environ["COLUMNS"]) > 0:
        return int(os.environ["COLUMNS"])
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return shutil.get_terminal_size().columns


class Lines(Protocol):
    """Where plain answers come from: a text stream read a line at a time ("" at the end)."""

    def readline(self) -> str: ...


class PlainAsker:
    """Numbered prompts for dumb terminals, screen readers and `--plain`: text lines, nothing else."""

    def __init__(self, output: TextIO, typed: Lines) -> None:
        self._output = output
        self._input = typed

    def choose(self, question: Question, default: str | None, can_go_back: bool) -> str:
        del default  # no default: a hasty Enter must not answer for the buyer
        width = self._width()
        count = len(question.choices)
        digits = len(str(count))
        lines = self._head(question.text, question.help, width)
        for number, choice in enumerate(question.choices, 1):
            first = f"  {number:>{digits}}) "
            lines += wrap(choice.label, width, first, " " * len(first))
        self._write("\n" + "\n".join(lines) + "\n")
        ask = (_("Answer 1-{count} (b: back):") if can_go_back else _("Answer 1-{count}:")).format(
            count=count
        )
        values = {value.casefold(): value for value in question.values()}
        while True:
            answer = self._read(ask).strip()
            if answer.isdigit() and 1 <= int(answer) <= count:
                return question.choices[int(answer) - 1].value
            if answer.casefold() in values:
                return values[answer.casefold()]
            if can_go_back and _means_back(answer):
                return BACK
            if can_go_back:
                self._say(_("Type a number from 1 to {count}, or b to go back.").format(count=count))
            else:
                self._say(_("Type a number from 1 to {count}.").format(count=count))

    def date(self, prompt: DatePrompt, can_go_back: bool) -> str | None:
        width = self._width()
        lines = self._head(prompt.text, prompt.help, width) + wrap(date_forms(), width)
        self._write("\n" + "\n".join(lines) + "\n")
        ask = _("Date (b: back):") if can_go_back else _("Date:")
        while True:
            answer = self._read(ask).strip()
            if not answer:
                return None
            if can_go_back and _means_back(answer):
                return BACK
            try:
                return prompt.read(answer)
            except ValueError as error:
                self._say(str(error))

    def confirm(self, text: str) -> bool:
        while True:
            answer = self._read(_("{question} (y/N):").format(question=text)).strip().casefold()
            if not answer or _bare(answer) in _words("no", _("no")):
                return False
            if _bare(answer) in _words("yes", _("yes")):
                return True
            self._say(_("Type y for yes, or n (or just Enter) for no."))

    def order_number(self, text: str) -> str | None:
        while True:
            answer = self._read(text).strip()
            if not answer or ORDER_NUMBER.match(answer):
                return answer or None
            self._say(not_digits())

    def _width(self) -> int:
        return usable(_columns(self._output))

    @staticmethod
    def _head(text: str, help_text: str, width: int) -> list[str]:
        return wrap(text, width) + (wrap(help_text, width) if help_text.strip() else [])

    def _write(self, text: str) -> None:
        self._output.write(text)
        self._output.flush()

    def _say(self, text: str) -> None:
        self._write("\n".join(wrap(text, self._width())) + "\n")

    def _read(self, ask: str) -> str:
        """One line typed after `ask`; the end of input (Ctrl-D) raises EOFError, Ctrl-C passes through."""
        self._write("\n".join(wrap(ask, self._width())) + " ")
        try:
            line = self._input.readline()
        except KeyboardInterrupt:
            self._write("\n")  # the goodbye goes on a line of its own, not after "^C"
            raise
        if not line:
            self._write("\n")
            raise EOFError
        return line.rstrip("\r\n")
