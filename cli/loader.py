"""Located YAML nodes -> RuleSet, checked against the rule-file format: every problem at once.

safeyaml.py reads the YAML safely, rulefile.py checks texts and shapes, and this module builds the
rule set section by section, links, loops and notes that can never show included. rulestore.py
finds rule files and keeps the compiled cache; its functions are re-exported here.
"""

from __future__ import annotations

import re

from .errors import RuleFileError
from .facts import DATES
from .model import (
    ACTIONS,
    MESSAGE_ACTIONS,
    UNKNOWN,
    Alternative,
    Ask,
    Check,
    Choice,
    Deadline,
    Message,
    Note,
    Outcome,
    Question,
    RuleSet,
)
from .rulefile import ID, Entry, Reader, answers_on_paths, find_cycle, reachable
from .rulestore import builtin_path, check_file, load_rules
from .safeyaml import YNode, parse_yaml

__all__ = ["build", "builtin_path", "check_file", "load_bytes", "load_rules"]

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _default_title(action: str) -> str:
    return action.replace("-", " ").capitalize()


def build(root: YNode, path: str) -> RuleSet:
    """Check a node tree against the rule-file format; raise RuleFileError with every problem."""
    return _Builder(Reader(path)).build(root)


class _Builder:
    """Reads the sections of a rule file in order; each later one checks its links to the earlier."""

    def __init__(self, reader: Reader) -> None:
        self.r = reader
        self.deadlines: dict[str, Deadline] = {}
        self.questions: dict[str, Question] = {}
        self.question_nodes: dict[str, YNode] = {}  # every question key, usable or not
        self.places: dict[str, YNode] = {}  # every step and outcome id, where it is defined
        self.links: dict[str, list[tuple[str, YNode]]] = {}  # node id -> [(target id, place)]
        self.asked: set[str] = set()
        self.notes: dict[str, Note] = {}
        self.note_nodes: dict[str, YNode] = {}  # every note id, usable or not
        self.message_kinds: set[str] = set()
        self.outcome_notes: dict[str, list[tuple[Note, YNode]]] = {}  # outcome id -> its notes
        self.used_notes: set[str] = set()

    def build(self, root: YNode) -> RuleSet:
        r = self.r
        required = ("title", "start", "questions", "tree", "outcomes")
        optional = ("actions", "deadlines", "notes", "messages")
        top = r.fields(root, "the rule file", required, optional)
        title = r.field_text(top, "title", "title", one_line=True)
        action_titles = self.actions(top["actions"]) if "actions" in top else {}
        if "deadlines" in top:
            self.read_deadlines(top["deadlines"])
        if "questions" in top:
            self.read_questions(top["questions"])
        if "notes" in top:
            self.read_notes(top["notes"])
        messages = self.read_messages(top["messages"]) if "messages" in top else []
        step_entries = r.mapping(top["tree"], "tree") if "tree" in top else []
        outcome_entries = r.mapping(top["outcomes"], "outcomes") if "outcomes" in top else []
        if "outcomes" in top and top["outcomes"].kind == "map" and not top["outcomes"].pairs:
            r.error(top["outcomes"], "outcomes is empty")
        for key, key_node, _ in (*step_entries, *outcome_entries):  # ids first: links may point ahead
            if key in self.places:
                r.error(key_node, f"{key!r} names both a step of the tree and an outcome: ids must differ")
            self.places.setdefault(key, key_node)
        steps = [step for key, _, value in step_entries if (step := self.step(key, value)) is not None]
        outcomes = [o for key, _, value in outcome_entries if (o := self.outcome(key, value)) is not None]
        start = r.ident(top["start"], "start") if "start" in top else None
        if start is not None and start not in self.places:
            r.error(top["start"], f"start names {start!r}, which is neither a step nor an outcome")
            start = None
        self.check_graph(start, step_entries, outcome_entries)
        if start is not None and not r.problems:
            self.check_notes(start, steps, outcomes)
        if r.problems or title is None or start is None:
            if not r.problems:  # pragma: no cover - every None above comes with a problem
                r.error(root, "the rule file is incomplete")
            raise RuleFileError(r.problems)
        return RuleSet(
            title=title,
            start=start,
            actions=tuple((a, action_titles.get(a) or _default_title(a)) for a in ACTIONS),
            questions=tuple(self.questions.values()),
            deadlines=tuple(self.deadlines.values()),
            steps=tuple(steps),
            outcomes=tuple(outcomes),
            messages=tuple(messages),
        )

    def actions(self, node: YNode) -> dict[str, str]:
        """Titles for the contract's action ids."""
        titles = {}
        for key, key_node, value in self.r.mapping(node, "actions"):
            if key not in ACTIONS:
                self.r.error(key_node, f"unknown action {key!r} (known: {', '.join(ACTIONS)})")
            text = self.r.text(value, f"the title of action {key!r}", one_line=True)
            if text is not None:
                titles[key] = text
        return titles

    def read_notes(self, node: YNode) -> None:
        """The notes section: each note written once, by id, with its `when:`."""
        for key, _, value in self.r.mapping(node, "notes"):
            self.note_nodes[key] = value
            note = self.note(value, f"note {key!r}")
            if note is not None:
                self.notes[key] = note

    def read_messages(self, node: YNode) -> list[Message]:
        """The drafts: what each is for, and its paragraphs (each shown by its `when:`)."""
        r = self.r
        messages = []
        for key, _, value in r.mapping(node, "messages"):
            what = f"message {key!r}"
            f = r.fields(value, what, ("about", "parts"))
            about = r.field_text(f, "about", f"'about' of {what}", one_line=True)
            parts = [
                part
                for index, item in enumerate(
                    r.items(f["parts"], f"the parts of {what}") if "parts" in f else [], 1
                )
                if (part := self.note(item, f"part {index} of {what}", message=True)) is not None
            ]
            self.message_kinds.add(key)
            if about is not None and parts:
                messages.append(Message(key, about, tuple(parts)))
        return messages

    def read_deadlines(self, node: YNode) -> None:
        r = self.r
        units = {"hours": 1, "days": 24, "days-before": -24, "working-days": 0}
        for key, _, value in r.mapping(node, "deadlines"):
            what = f"deadline {key!r}"
            f = r.fields(value, what, ("label", "from"), tuple(units))
            label = r.field_text(f, "label", f"the label of {what}", one_line=True)
            moment = r.field_text(f, "from", f"'from' of {what}")
            if moment is not None and moment not in DATES:
                r.error(f["from"], f"{what} counts from {moment!r}, which is not one of {', '.join(DATES)}")
                moment = None
            spans = {}
            for unit in units:
                if unit in f:
                    number = f[unit]
                    if number.kind != "int" or not number.text.isdigit() or int(number.text) > 10_000:
                        r.error(number, f"{unit} of {what} must be a whole number from 0 to 10000")
                    else:
                        spans[unit] = int(number.text)
            if len(spans) > 1:
                r.error(value, f"{what} has more than one of {', '.join(units)}: give one")
            if label is not None and moment is not None:
                unit, count = next(iter(spans.items()), ("hours", 0))
                working = count if unit == "working-days" else 0
                hours = count * units[unit]
                self.deadlines[key] = Deadline(key, label, moment, hours, working, unit.startswith("days"))

    def expand(self, value: str, node: YNode, what: str, *, allow_order: bool = False) -> str:
        """Put each {deadline} quoted in a text as its span in words ("72 hours")."""
        if "{" not in value:
            return value

        def replace(match: re.Match[str]) -> str:
            if match.group(1) == "order" and allow_order:
                return match.group(0)
            deadline = self.deadlines.get(match.group(1))
            if deadline is None or not (deadline.hours or deadline.working_days):
                known = ", ".join(d.id for d in self.deadlines.values() if d.hours or d.working_days)
                message = f"{what} quotes {match.group(0)}, which is not a deadline with a span"
                self.r.error(node, f"{message} (known: {known or 'none'})")
                return match.group(0)
            return deadline.span()

        return PLACEHOLDER.sub(replace, value)

    def read_questions(self, node: YNode) -> None:
        r = self.r
        entries = r.mapping(node, "questions")
        if node.kind == "map" and not node.pairs:
            r.error(node, "questions is empty")
        for key, key_node, value in entries:
            self.question_nodes[key] = key_node
            what = f"question {key!r}"
            f = r.fields(value, what, ("text", "help", "choices"))
            text = r.field_text(f, "text", f"the text of {what}", one_line=True)
            help_text = r.field_text(f, "help", f"the help of {what}")
            choices = []
            if "choices" in f:
                choice_entries = r.mapping(f["choices"], f"the choices of {what}")
                if f["choices"].kind == "map" and not f["choices"].pairs:
                    r.error(f["choices"], f"{what} has no choices")
                for value_id, _, label_node in choice_entries:
                    label = r.text(label_node, f"the label of choice {value_id!r} of {what}", one_line=True)
                    if label is not None:
                        label = self.expand(label, label_node, f"the label of {value_id!r}")
                        choices.append(Choice(value_id, label))
            if text is not None and help_text is not None and choices:
                text = self.expand(text, f["text"], f"the text of {what}")
                help_text = self.expand(help_text, f["help"], f"the help of {what}")
                self.questions[key] = Question(key, text, help_text, tuple(choices))

    def link(self, source: str, target_node: YNode, what: str) -> str | None:
        target = self.r.ident(target_node, what)
        if target is None:
            return None
        if target not in self.places:
            self.r.error(target_node, f"{what} leads to {target!r}, which is neither a step nor an outcome")
            return None
        self.links.setdefault(source, []).append((target, target_node))
        return target

    def step(self, key: str, value: YNode) -> Ask | Check | None:
        r = self.r
        what = f"step {key!r}"
        if value.kind == "map" and any(k.text == "check" for k, _ in value.pairs):
            f = r.fields(value, what, ("check", "passed", "otherwise"))
            deadline_id = r.ident(f["check"], f"'check' of {what}") if "check" in f else None
            if deadline_id is not None and deadline_id not in self.deadlines:
                r.error(f["check"], f"{what} checks {deadline_id!r}, which is not a deadline")
            passed = self.link(key, f["passed"], f"'passed' of {what}") if "passed" in f else None
            otherwise = self.link(key, f["otherwise"], f"'otherwise' of {what}") if "otherwise" in f else None
            if deadline_id and passed and otherwise:
                return Check(key, deadline_id, passed, otherwise)
            return None
        f = r.fields(value, what, ("ask", "answers"))
        fact = r.ident(f["ask"], f"'ask' of {what}") if "ask" in f else None
        question = self.questions.get(fact) if fact else None
        choice_values = question.values() if question is not None else ()
        if fact is not None:
            self.asked.add(fact)
            if fact not in self.question_nodes:
                r.error(f["ask"], f"{what} asks {fact!r}, which is not a question")
        answers: dict[str, str] = {}
        if "answers" in f:
            answer_entries = r.mapping(f["answers"], f"the answers of {what}")
            for value_id, value_node, target_node in answer_entries:
                if question is not None and value_id not in choice_values:
                    choices = ", ".join(choice_values)
                    r.error(
                        value_node, f"{what}: {value_id!r} is not a choice of question {fact!r} ({choices})"
                    )
                    continue
                target = self.link(key, target_node, f"answer {value_id!r} of {what}")
                if target is not None:
                    answers[value_id] = target
            present = {value_id for value_id, _, _ in answer_entries}
            if question is not None and f["answers"].kind == "map":
                for choice in choice_values:
                    if choice not in present:
                        r.error(f["answers"], f"{what}: choice {choice!r} of question {fact!r} leads nowhere")
        if fact is not None and question is not None and len(answers) == len(question.choices):
            return Ask(key, fact, tuple((v, answers[v]) for v in choice_values))
        return None

    def action(self, node: YNode, what: str) -> str | None:
        action = self.r.text(node, f"the action of {what}")
        if action is not None and action not in ACTIONS:
            self.r.error(node, f"unknown action {action!r} in {what} (known: {', '.join(ACTIONS)})")
            return None
        return action

    def outcome(self, key: str, value: YNode) -> Outcome | None:
        r = self.r
        what = f"outcome {key!r}"
        f = r.fields(
            value, what, ("action", "title", "steps", "sources"), ("notes", "alternatives", "message")
        )
        action = self.action(f["action"], what) if "action" in f else None
        title = r.field_text(f, "title", f"the title of {what}", one_line=True)
        steps = [
            self.expand(text, node, f"a step of {what}")
            for text, node in (r.texts(f["steps"], f"the steps of {what}") if "steps" in f else [])
        ]
        sources = (
            [text for text, _ in r.texts(f["sources"], f"the sources of {what}")] if "sources" in f else []
        )
        notes = self.outcome_note_list(key, f["notes"], what) if "notes" in f else []
        alternatives = [
            alternative
            for index, item in enumerate(
                r.items(f["alternatives"], f"the alternatives of {what}") if "alternatives" in f else [], 1
            )
            if (alternative := self.alternative(item, f"alternative {index} of {what}")) is not None
        ]
        message = self.message_of(f, value, what, action)
        if action is None or title is None or not steps or not sources:
            return None
        title = self.expand(title, f["title"], f"the title of {what}")
        return Outcome(
            key, action, title, tuple(steps), tuple(notes), tuple(alternatives), tuple(sources), message
        )

    def message_of(self, f: dict[str, YNode], value: YNode, what: str, action: str | None) -> str | None:
        """The message kind an outcome offers: only contact-seller and open-dispute offer one."""
        r = self.r
        kinds = ", ".join(sorted(self.message_kinds)) or "none: add a messages section"
        message = r.field_text(f, "message", f"the message of {what}")
        if message is not None and message not in self.message_kinds:
            r.error(f["message"], f"unknown message kind {message!r} (known: {kinds})")
            return None
        if message is not None and action is not None and action not in MESSAGE_ACTIONS:
            r.error(f["message"], f"{what} offers a message, but only {' and '.join(MESSAGE_ACTIONS)} may")
            return None
        if "message" not in f and action in MESSAGE_ACTIONS:
            r.error(value, f"{what} is {action} but names no message kind ({kinds})")
        return message

    def outcome_note_list(self, key: str, node: YNode, what: str) -> list[Note]:
        """An outcome's notes: ids of the notes section, or notes written in place."""
        notes: list[Note] = []
        for index, item in enumerate(self.r.items(node, f"the notes of {what}"), 1):
            if item.kind == "str" and ID.match(item.text):
                if item.text not in self.note_nodes:
                    known = ", ".join(self.note_nodes) or "none"
                    self.r.error(
                        item, f"{what} lists the note {item.text!r}, which does not exist (known: {known})"
                    )
                    continue
                note = self.notes.get(item.text)
                self.used_notes.add(item.text)
            else:
                note = self.note(item, f"note {index} of {what}")
            if note is not None:
                notes.append(note)
                self.outcome_notes.setdefault(key, []).append((note, item))
        return notes

    def note(self, item: YNode, what: str, *, message: bool = False) -> Note | None:
        """A note: plain text, or {text, when: {fact: [values]}} to show it only for those answers.

        A value "?" in `when` stands for "not answered"; `{order}` is allowed in a message only.
        """
        r = self.r
        if item.kind != "map":
            text = r.text(item, what)
            return Note(self.expand(text, item, what, allow_order=message)) if text is not None else None
        f = r.fields(item, what, ("text",), ("when", "quiet"))
        quiet = (
            "quiet" in f and f["quiet"].kind == "bool" and f["quiet"].text.lower() in ("true", "yes", "on")
        )
        if "quiet" in f and f["quiet"].kind != "bool":
            r.error(f["quiet"], f"'quiet' of {what} must be true or false")
        text = r.field_text(f, "text", f"the text of {what}")
        when: list[tuple[str, tuple[str, ...]]] = []
        for fact, fact_node, values_node in r.mapping(f["when"], f"'when' of {what}") if "when" in f else []:
            if fact not in self.question_nodes:
                r.error(fact_node, f"{what} depends on {fact!r}, which is not a question")
            if not message and "quiet" not in f:
                self.asked.add(fact)  # a note asks the facts it needs where it can show
            values = [text for text, _ in r.texts(values_node, f"the values of {fact!r} in {what}")]
            question = self.questions.get(fact)
            for wanted in values:
                if question is not None and wanted not in question.values() and wanted != UNKNOWN:
                    r.error(values_node, f"{what}: {wanted!r} is not a choice of {fact!r} (nor {UNKNOWN!r})")
            when.append((fact, tuple(values)))
        if text is None:
            return None
        return Note(self.expand(text, f["text"], what, allow_order=message), tuple(when), quiet)

    def alternative(self, item: YNode, what: str) -> Alternative | None:
        f = self.r.fields(item, what, ("action", "why"))
        action = self.action(f["action"], what) if "action" in f else None
        why = self.r.field_text(f, "why", f"'why' of {what}")
        if action is None or why is None:
            return None
        return Alternative(action, self.expand(why, f["why"], what))

    def check_notes(self, start: str, steps: list[Ask | Check], outcomes: list[Outcome]) -> None:
        """Report notes that can never show: listed by no outcome, or ruled out on every path."""
        for key, node in self.note_nodes.items():
            if key not in self.used_notes:
                self.r.error(node, f"note {key!r} is listed by no outcome, so it never shows")
        facts = {fact for notes in self.outcome_notes.values() for note, _ in notes for fact, _ in note.when}
        if not facts:
            return
        must, possible = answers_on_paths(start, steps, outcomes, facts)
        for outcome_id, notes in self.outcome_notes.items():
            for note, item in notes:
                for fact, values in note.when:
                    if fact in must.get(outcome_id, ()) and not possible[outcome_id].get(fact, set()) & set(
                        values
                    ):
                        answers = ", ".join(sorted(possible[outcome_id].get(fact, set())))
                        self.r.error(
                            item,
                            f"a note of outcome {outcome_id!r} can never show: every path there answers "
                            f"{fact!r} with {answers}, never {', '.join(values)}",
                        )
                        break

    def check_graph(self, start: str | None, steps: list[Entry], outcomes: list[Entry]) -> None:
        """Loops first (naming the cycle); then what the start never reaches, and unasked questions."""
        r = self.r
        cycle = find_cycle(self.links)
        if cycle:
            r.error(self.places[cycle[0]], "a loop: " + " -> ".join(cycle))
        if start is None or cycle:
            return
        reached = reachable(start, self.links)
        for kind, entries in (("step", steps), ("outcome", outcomes)):
            for key, key_node, _ in entries:
                if key not in reached:
                    r.error(key_node, f"{kind} {key!r} is never reached from start {start!r}")
        for key, node in self.question_nodes.items():
            if key not in self.asked:
                r.error(node, f"question {key!r} is never asked by any step")


def load_bytes(data: bytes, path: str) -> RuleSet:
    """Parse and check a rule file's bytes; raise RuleFileError naming `path`."""
    import gc

    # A big file makes hundreds of thousands of objects that all stay alive: the cyclic garbage
    # collector would walk them again and again (about 3x the parse time), to find nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return build(parse_yaml(data, path), path)
    finally:
        if enabled:
            gc.enable()
