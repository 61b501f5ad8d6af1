"""The rule tree as frozen dataclasses, and its plain-data form for the compiled cache; no I/O."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

#: The action that asks nothing of the buyer yet (`orders due` leaves such orders out).
WAIT = "wait"

CONTACT_SELLER = "contact-seller"
OPEN_DISPUTE = "open-dispute"
#: The actions whose outcome offers a draft (to the seller, or for the dispute form).
MESSAGE_ACTIONS = (CONTACT_SELLER, OPEN_DISPUTE)

#: The actions the contract knows; a rule file may use no other.
ACTIONS = (
    "cancel-order",
    "request-cancellation",
    CONTACT_SELLER,
    OPEN_DISPUTE,
    WAIT,
    "place-order-again",
    "verify-payment",
    "contact-support",
)

#: The value in a note's `when` that stands for "not answered": such a note never asks.
UNKNOWN = "?"


class Choice(NamedTuple):
    """One answer to a question: its value (the flag's value) and the label a person reads."""

    value: str
    label: str


class Question(NamedTuple):
    """A fact the tree may need, asked with a text, a one-line help and labelled choices."""

    id: str
    text: str
    help: str
    choices: tuple[Choice, ...]

    def values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

    def label(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return value


class Ask(NamedTuple):
    """A step of the tree that needs one fact and branches on its value."""

    id: str
    fact: str
    answers: tuple[tuple[str, str], ...]  # (value, next node id), in the question's order

    def next_for(self, value: str) -> str | None:
        for answer, target in self.answers:
            if answer == value:
                return target
        return None


class Check(NamedTuple):
    """A step that branches on the clock: has a deadline passed (unknown counts as not)."""

    id: str
    deadline: str
    passed: str
    otherwise: str


class Note(NamedTuple):
    """A text shown only when every fact it names has one of its values (UNKNOWN: not answered)."""

    text: str
    when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    quiet: bool = False  # never asks: a fact not answered hides it

    def applies(self, answers: Mapping[str, str]) -> bool:
        """Whether it shows for these answers, asking nothing: an unknown fact is UNKNOWN."""
        return all(answers.get(fact, UNKNOWN) in values for fact, values in self.when)


class Message(NamedTuple):
    """A draft to the seller (or for the dispute form): paragraphs, each shown by its `when`."""

    kind: str
    about: str
    parts: tuple[Note, ...]

    def text(self, answers: Mapping[str, str], order: str) -> str:
        return "\n\n".join(p.text.replace("{order}", order) for p in self.parts if p.applies(answers))


class Alternative(NamedTuple):
    action: str
    why: str


class Outcome(NamedTuple):
    """A leaf of the tree: the one recommended action and everything a buyer needs to carry it out."""

    id: str
    action: str
    title: str
    steps: tuple[str, ...]
    notes: tuple[Note, ...]
    alternatives: tuple[Alternative, ...]
    sources: tuple[str, ...]
    message: str | None = None


class Deadline(NamedTuple):
    """A date given as an option, plus a span: hours, days (negative: before), or working days."""

    id: str
    label: str
    moment: str
    hours: int = 0
    working_days: int = 0
    in_days: bool = False  # the span was written in days: quote it in days

    def span(self) -> str:
        """The span in words, as the rule texts quote it ("72 hours", "7 days", "7 working days")."""
        if self.working_days:
            return _count(self.working_days, "working day")
        if self.in_days:
            return _count(abs(self.hours) // 24, "day")
        return _count(abs(self.hours), "hour")


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


Node = Ask | Check | Outcome


class RuleSet:
    """A whole, validated rule file, with its steps, outcomes and messages indexed by id."""

    __slots__ = (
        "_messages",
        "_nodes",
        "_questions",
        "actions",
        "deadlines",
        "messages",
        "outcomes",
        "question_order",
        "questions",
        "start",
        "steps",
        "title",
    )

    def __init__(
        self,
        *,
        title: str,
        start: str,
        actions: tuple[tuple[str, str], ...],  # (action id, title)
        questions: tuple[Question, ...],
        deadlines: tuple[Deadline, ...],
        steps: tuple[Ask | Check, ...],
        outcomes: tuple[Outcome, ...],
        messages: tuple[Message, ...] = (),
    ) -> None:
        self.title = title
        self.start = start
        self.actions = actions
        self.questions = questions
        self.deadlines = deadlines
        self.steps = steps
        self.outcomes = outcomes
        self.messages = messages
        self._questions = {question.id: question for question in questions}
        self.question_order = {question.id: index for index, question in enumerate(questions)}
        self._nodes: dict[str, Node] = {node.id: node for node in (*steps, *outcomes)}
        self._messages = {message.kind: message for message in messages}

    def _key(self) -> tuple[object, ...]:
        return (
            self.title,
            self.start,
            self.actions,
            self.questions,
            self.deadlines,
            self.steps,
            self.outcomes,
            self.messages,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuleSet) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"RuleSet(title={self.title!r}, questions={len(self.questions)}, outcomes={len(self.outcomes)})"
        )

    def question(self, fact: str) -> Question:
        return self._questions[fact]

    def has_question(self, fact: str) -> bool:
        return fact in self._questions

    def node(self, node_id: str) -> Node:
        return self._nodes[node_id]

    def action_title(self, action: str) -> str:
        return dict(self.actions).get(action, action)

    def message(self, kind: str) -> Message:
        return self._messages[kind]

    def translated(self, translate: Callable[[str], str]) -> RuleSet:
        """The same rules with every text a buyer reads put through `translate`.

        Ids, values, sources (the guide's own headings) and the drafts' paragraphs (which stay
        English for the seller) are kept; what each draft is for is translated.
        """
        t = translate
        return RuleSet(
            title=t(self.title),
            start=self.start,
            actions=tuple((action, t(title)) for action, title in self.actions),
            questions=tuple(
                q._replace(
                    text=t(q.text),
                    help=t(q.help),
                    choices=tuple(c._replace(label=t(c.label)) for c in q.choices),
                )
                for q in self.questions
            ),
            deadlines=tuple(d._replace(label=t(d.label)) for d in self.deadlines),
            steps=self.steps,
            outcomes=tuple(
                o._replace(
                    title=t(o.title),
                    steps=tuple(t(step) for step in o.steps),
                    notes=tuple(n._replace(text=t(n.text)) for n in o.notes),
                    alternatives=tuple(a._replace(why=t(a.why)) for a in o.alternatives),
                )
                for o in self.outcomes
            ),
            messages=tuple(m._replace(about=t(m.about)) for m in self.messages),
        )

    def deadline(self, deadline_id: str) -> Deadline:
        for deadline in self.deadlines:
            if deadline.id == deadline_id:
                return deadline
        raise KeyError(deadline_id)


# The compiled cache stores a RuleSet as JSON-able plain data; these two functions are inverses.


def _plain_note(note: Note) -> list[Any]:
    return [note.text, [[fact, list(values)] for fact, values in note.when], note.quiet]


def _note(item: list[Any]) -> Note:
    text, when, quiet = item
    return Note(str(text), tuple((str(f), tuple(str(v) for v in vs)) for f, vs in when), bool(quiet))


def to_plain(rules: RuleSet) -> dict[str, Any]:
    def step(node: Ask | Check) -> dict[str, Any]:
        if isinstance(node, Ask):
            return {"id": node.id, "ask": node.fact, "answers": [list(a) for a in node.answers]}
        return {"id": node.id, "check": node.deadline, "passed": node.passed, "otherwise": node.otherwise}

    return {
        "title": rules.title,
        "start": rules.start,
        "actions": [list(a) for a in rules.actions],
        "questions": [
            {"id": q.id, "text": q.text, "help": q.help, "choices": [[c.value, c.label] for c in q.choices]}
            for q in rules.questions
        ],
        "deadlines": [list(d) for d in rules.deadlines],
        "steps": [step(node) for node in rules.steps],
        "outcomes": [
            {
                "id": o.id,
                "action": o.action,
                "title": o.title,
                "steps": list(o.steps),
                "notes": [_plain_note(n) for n in o.notes],
                "alternatives": [[a.action, a.why] for a in o.alternatives],
                "sources": list(o.sources),
                "message": o.message,
            }
            for o in rules.outcomes
        ],
        "messages": [[m.kind, m.about, [_plain_note(p) for p in m.parts]] for m in rules.messages],
    }


def from_plain(data: dict[str, Any]) -> RuleSet:
    """Rebuild a RuleSet; raises (KeyError, TypeError, ValueError) on data of the wrong shape."""

    def step(item: dict[str, Any]) -> Ask | Check:
        if "ask" in item:
            return Ask(str(item["id"]), str(item["ask"]), tuple((str(v), str(t)) for v, t in item["answers"]))
        return Check(str(item["id"]), str(item["check"]), str(item["passed"]), str(item["otherwise"]))

    return RuleSet(
        title=str(data["title"]),
        start=str(data["start"]),
        actions=tuple((str(a), str(t)) for a, t in data["actions"]),
        questions=tuple(
            Question(
                str(q["id"]),
                str(q["text"]),
                str(q["help"]),
                tuple(Choice(str(v), str(label)) for v, label in q["choices"]),
            )
            for q in data["questions"]
        ),
        deadlines=tuple(
            Deadline(str(i), str(label), str(m), int(h), int(w), bool(d))
            for i, label, m, h, w, d in data["deadlines"]
        ),
        steps=tuple(step(item) for item in data["steps"]),
        outcomes=tuple(
            Outcome(
                id=str(o["id"]),
                action=str(o["action"]),
                title=str(o["title"]),
                steps=tuple(str(s) for s in o["steps"]),
                notes=tuple(_note(n) for n in o["notes"]),
                alternatives=tuple(Alternative(str(a), str(w)) for a, w in o["alternatives"]),
                sources=tuple(str(s) for s in o["sources"]),
                message=None if o["message"] is None else str(o["message"]),
            )
            for o in data["outcomes"]
        ),
        messages=tuple(
            Message(str(kind), str(about), tuple(_note(p) for p in parts))
            for kind, about, parts in data["messages"]
        ),
    )
