"""YAML text -> RuleSet, refusing anything unsafe or malformed with PATH:LINE:COLUMN problems.

The YAML is read as a stream of parser events and built by hand: no tags, no anchors or aliases,
no duplicate keys, a bounded depth and size. Nothing in a rule file is ever executed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .errors import Problem, RuleFileError
from .model import (
    ACTIONS,
    MESSAGE_KINDS,
    MOMENTS,
    Alternative,
    Ask,
    Check,
    Choice,
    Deadline,
    Note,
    Outcome,
    Question,
    RuleSet,
)

MAX_BYTES = 8 * 1024 * 1024
CACHE_FORMAT = "ali-cancel rules 1"
MAX_DEPTH = 32
MAX_CONTAINERS = 1_000_000
ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

DEFAULT_ACTION_TITLES = {
    "cancel-order": "Cancel the order",
    "request-cancellation": "Request the cancellation",
    "contact-seller": "Contact the seller",
    "open-dispute": "Open a dispute",
    "wait": "Wait",
    "place-order-again": "Place the order again",
    "verify-payment": "Verify your payment",
    "contact-support": "Contact AliExpress support",
}


# ---------------------------------------------------------------------------------------------
# YAML events -> located nodes


class YNode:
    """A YAML node with its place: kind is map, seq, str, bool, int, float, null or other."""

    __slots__ = ("items", "kind", "mark", "pairs", "text")

    def __init__(self, kind: str, mark: Any, text: str = "") -> None:
        self.kind = kind
        self.mark = mark  # the parser's mark; line and column are worked out only when asked
        self.text = text
        # children: only a container gets lists of its own (a big file is mostly scalars)
        self.items: list[YNode] | tuple[()] = [] if kind == "seq" else ()
        self.pairs: list[tuple[YNode, YNode]] | tuple[()] = [] if kind == "map" else ()

    @property
    def line(self) -> int:
        return int(self.mark.line) + 1

    @property
    def column(self) -> int:
        return int(self.mark.column) + 1

    def describe(self) -> str:
        if self.kind in ("map", "seq"):
            return "a mapping" if self.kind == "map" else "a list"
        if self.kind == "str":
            return f"the text {self.text!r}"
        names = {"bool": "a boolean", "int": "a number", "float": "a number", "null": "nothing"}
        return f"{names.get(self.kind, 'a ' + self.kind)} ({self.text or 'empty'})"


_SCALAR_KINDS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:null": "null",
}


def _decode(data: bytes, path: str) -> str:
    if len(data) > MAX_BYTES:
        raise RuleFileError(
            [
                Problem(
                    path, 1, 1, f"the file is {len(data):,} bytes; a rule file may have {MAX_BYTES:,} at most"
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise RuleFileError(
            [Problem(path, line, column, "not UTF-8 text: a rule file must be UTF-8")]
        ) from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise RuleFileError([Problem(path, line, 1, "a NUL character: this is not a text file")])
    if not text.strip():
        raise RuleFileError([Problem(path, 1, 1, "the file is empty: a rule file is a YAML mapping")])
    return text


def parse_yaml(data: bytes, path: str) -> YNode:
    """Build the located node tree of one YAML document, or raise RuleFileError."""
    import yaml
    from yaml.resolver import Resolver

    text = _decode(data, path)
    resolver = Resolver()
    root: YNode | None = None
    documents = 0

    def fail(mark: Any, message: str) -> RuleFileError:
        return RuleFileError([Problem(path, mark.line + 1, mark.column + 1, message)])

    # The open containers, innermost last: [node, is a mapping, pending key or None, keys seen].
    frames: list[list[Any]] = []
    frame: list[Any] | None = None

    def attach(node: YNode) -> None:
        """Put a finished node where it belongs: the root, a list item, a key, or a key's value."""
        nonlocal root
        if frame is None:
            root = node
        elif not frame[1]:
            frame[0].items.append(node)
        elif frame[2] is None:
            frame[2] = node
        else:
            key = frame[2]
            if key.kind not in {"map", "seq"}:
                identity = (key.kind, key.text)
                if identity in frame[3]:
                    message = f"duplicate key {key.text!r}: each key may appear once"
                    raise RuleFileError([Problem(path, key.line, key.column, message)])
                frame[3].add(identity)
            frame[0].pairs.append((key, node))
            frame[2] = None

    scalar, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    kinds: dict[str, str] = {}  # plain scalar -> its YAML 1.1 type; keys repeat, resolving is slow
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    check_event, get_event = loader.check_event, loader.get_event
    count = 0
    try:
        while check_event():
            event = get_event()
            cls = event.__class__
            if cls is scalar:
                if event.anchor or (event.tag is not None and event.tag != "!"):
                    what = "anchors (&name)" if event.anchor else f"tags like {event.tag!r}"
                    raise fail(event.start_mark, f"{what} are not allowed in rule files: write the text out")
                value = event.value
                if event.style or event.tag is not None:
                    kind = "str"
                else:
                    kind = kinds.get(value, "")
                    if not kind:
                        resolved = resolver.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
                        kind = kinds[value] = _SCALAR_KINDS.get(resolved, "other")
                leaf = YNode(kind, event.start_mark, value)
                if frame is not None and frame[1] and frame[2] is None:
                    frame[2] = leaf  # the common case, inline: a key of a mapping
                else:
                    attach(leaf)
            elif cls is mapping_start or cls is sequence_start:
                mark = event.start_mark
                if event.anchor or (event.tag is not None and event.tag != "!"):
                    what = "anchors (&name)" if event.anchor else f"tags like {event.tag!r}"
                    raise fail(mark, f"{what} are not allowed in rule files: write the text out")
                count += 1
                if count > MAX_CONTAINERS:
                    raise fail(mark, f"too many YAML mappings and lists (over {MAX_CONTAINERS:,})")
                if len(frames) >= MAX_DEPTH:
                    raise fail(mark, f"nested more than {MAX_DEPTH} levels deep")
                node = YNode("map" if cls is mapping_start else "seq", mark)
                attach(node)
                frame = [node, cls is mapping_start, None, set()]
                frames.append(frame)
            elif cls is mapping_end or cls is sequence_end:
                frames.pop()
                frame = frames[-1] if frames else None
            elif cls is yaml.AliasEvent:
                raise fail(
                    event.start_mark, "aliases (*name) are not allowed in rule files: write the text out"
                )
            elif cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise fail(event.start_mark, "more than one YAML document: a rule file holds one")
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"YAML syntax: {error.problem or error.context}"
        if mark is None:
            raise RuleFileError([Problem(path, 1, 1, message)]) from None
        raise fail(mark, message) from None
    except yaml.YAMLError as error:
        raise RuleFileError([Problem(path, 1, 1, f"YAML: {error}")]) from None
    finally:
        loader.dispose()
    if root is None:
        raise RuleFileError(
            [Problem(path, 1, 1, "the file holds no YAML document: a rule file is a mapping")]
        )
    return root


# ---------------------------------------------------------------------------------------------
# located nodes -> RuleSet


class _Reader:
    """Checks shapes and collects every problem instead of stopping at the first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.good_ids: set[str] = set()

    def error(self, node: YNode, message: str) -> None:
        self.problems.append(Problem(self.path, node.line, node.column, message))

    def text(self, node: YNode, what: str) -> str | None:
        if node.kind == "str":
            if not node.text.strip():
                self.error(node, f"{what} is empty")
                return None
            return node.text
        if node.kind == "bool":
            self.error(
                node, f"{what} must be text, but YAML reads the bare {node.text!r} as a boolean: quote it"
            )
        elif node.kind in ("int", "float", "null", "other"):
            self.error(node, f"{what} must be text, not {node.describe()}: quote it")
        else:
            self.error(node, f"{what} must be text, not {node.describe()}")
        return None

    def ident(self, node: YNode, what: str) -> str | None:
        if node.kind == "str" and node.text in self.good_ids:  # ids repeat: keys and links
            return node.text
        value = self.text(node, what)
        if value is not None and not ID.match(value):
            self.error(node, f"{what} {value!r} is not a valid id: use a-z, 0-9 and '-' (at most 64)")
            return None
        if value is not None:
            self.good_ids.add(value)
        return value

    def mapping(self, node: YNode, what: str) -> list[tuple[str, YNode, YNode]]:
        """The (key, key node, value node) entries of a mapping whose keys are valid ids."""
        if node.kind != "map":
            self.error(node, f"{what} must be a mapping, not {node.describe()}")
            return []
        entries = []
        for key_node, value in node.pairs:
            if key_node.kind == "bool":
                self.error(
                    key_node, f'the key {key_node.text!r} is read as a boolean: quote it ("{key_node.text}")'
                )
                continue
            key = self.ident(key_node, f"a key of {what}")
            if key is not None:
                entries.append((key, key_node, value))
        return entries

    def fields(
        self, node: YNode, what: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, YNode]:
        found: dict[str, YNode] = {}
        for key, key_node, value in self.mapping(node, what):
            if key not in required and key not in optional:
                known = ", ".join((*required, *optional))
                self.error(key_node, f"unknown key {key!r} in {what} (known: {known})")
                continue
            found[key] = value
        if node.kind == "map":
            for key in required:
                if key not in found:
                    self.error(node, f"{what} is missing the key {key!r}")
        return found

    def texts(self, node: YNode, what: str, *, allow_empty: bool = False) -> list[tuple[str, YNode]]:
        if node.kind != "seq":
            self.error(node, f"{what} must be a list, not {node.describe()}")
            return []
        if not node.items and not allow_empty:
            self.error(node, f"{what} is an empty list")
        result = []
        for index, item in enumerate(node.items, 1):
            value = self.text(item, f"item {index} of {what}")
            if value is not None:
                result.append((value, item))
        return result


def build(root: YNode, path: str) -> RuleSet:
    """Check a node tree against the rule-file format; raise RuleFileError with every problem."""
    r = _Reader(path)
    top = r.fields(
        root, "the rule file", ("title", "start", "questions", "tree", "outcomes"), ("actions", "deadlines")
    )
    title = r.text(top["title"], "title") if "title" in top else None

    # actions: titles for the contract's action ids
    action_titles = dict(DEFAULT_ACTION_TITLES)
    if "actions" in top:
        for key, key_node, value in r.mapping(top["actions"], "actions"):
            if key not in ACTIONS:
                r.error(key_node, f"unknown action {key!r} (known: {', '.join(ACTIONS)})")
            text = r.text(value, f"the title of action {key!r}")
            if text is not None:
                action_titles[key] = text

    # deadlines
    deadlines: dict[str, Deadline] = {}
    if "deadlines" in top:
        for key, _, value in r.mapping(top["deadlines"], "deadlines"):
            what = f"deadline {key!r}"
            f = r.fields(value, what, ("label", "from"), ("hours", "working-days"))
            label = r.text(f["label"], f"the label of {what}") if "label" in f else None
            moment = r.text(f["from"], f"'from' of {what}") if "from" in f else None
            if moment is not None and moment not in MOMENTS:
                r.error(f["from"], f"{what} counts from {moment!r}, which is not one of {', '.join(MOMENTS)}")
                moment = None
            spans = {}
            for unit in ("hours", "working-days"):
                if unit in f:
                    node = f[unit]
                    if node.kind != "int" or not node.text.isdigit() or int(node.text) > 10_000:
                        r.error(node, f"{unit} of {what} must be a whole number from 0 to 10000")
                    else:
                        spans[unit] = int(node.text)
            if len(spans) > 1:
                r.error(value, f"{what} has both hours and working-days: give one")
            if label is not None and moment is not None:
                deadlines[key] = Deadline(
                    key, label, moment, spans.get("hours", 0), spans.get("working-days", 0)
                )

    def expand(value: str, node: YNode, what: str) -> str:
        if "{" not in value:
            return value

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            deadline = deadlines.get(name)
            if deadline is None or not (deadline.hours or deadline.working_days):
                spans = ", ".join(d for d, v in deadlines.items() if v.hours or v.working_days) or "none"
                r.error(
                    node, f"{what} quotes {{{name}}}, which is not a deadline with a span (known: {spans})"
                )
                return match.group(0)
            return deadline.span()

        return PLACEHOLDER.sub(replace, value)

    # questions
    questions: dict[str, Question] = {}
    question_nodes: dict[str, YNode] = {}
    if "questions" in top:
        entries = r.mapping(top["questions"], "questions")
        if top["questions"].kind == "map" and not entries and not top["questions"].pairs:
            r.error(top["questions"], "questions is empty")
        for key, key_node, value in entries:
            what = f"question {key!r}"
            f = r.fields(value, what, ("text", "help", "choices"))
            text = r.text(f["text"], f"the text of {what}") if "text" in f else None
            help_text = r.text(f["help"], f"the help of {what}") if "help" in f else None
            choices = []
            if "choices" in f:
                choice_entries = r.mapping(f["choices"], f"the choices of {what}")
                if f["choices"].kind == "map" and not f["choices"].pairs:
                    r.error(f["choices"], f"{what} has no choices")
                for value_id, _, label_node in choice_entries:
                    label = r.text(label_node, f"the label of choice {value_id!r} of {what}")
                    if label is not None:
                        choices.append(
                            Choice(value_id, expand(label, label_node, f"the label of {value_id!r}"))
                        )
            if text is not None and help_text is not None and choices:
                text = expand(text, f["text"], f"the text of {what}")
                help_text = expand(help_text, f["help"], f"the help of {what}")
                questions[key] = Question(key, text, help_text, tuple(choices))
            question_nodes[key] = key_node

    # tree steps and outcomes: first collect ids, then check links
    step_entries = r.mapping(top["tree"], "tree") if "tree" in top else []
    outcome_entries = r.mapping(top["outcomes"], "outcomes") if "outcomes" in top else []
    node_places: dict[str, YNode] = {}
    for key, key_node, _ in (*step_entries, *outcome_entries):
        if key in node_places:
            r.error(key_node, f"{key!r} names both a step of the tree and an outcome: ids must differ")
        node_places.setdefault(key, key_node)
    if "outcomes" in top and top["outcomes"].kind == "map" and not top["outcomes"].pairs:
        r.error(top["outcomes"], "outcomes is empty")

    links: dict[str, list[tuple[str, YNode]]] = {}  # node id -> [(target id, place)]

    def link(source: str, target_node: YNode, what: str) -> str | None:
        target = r.ident(target_node, what)
        if target is None:
            return None
        if target not in node_places:
            r.error(target_node, f"{what} leads to {target!r}, which is neither a step nor an outcome")
            return None
        links.setdefault(source, []).append((target, target_node))
        return target

    steps: list[Ask | Check] = []
    asked: set[str] = set()
    for key, _key_node, value in step_entries:
        what = f"step {key!r}"
        if value.kind == "map" and any(k.text == "check" for k, _ in value.pairs):
            f = r.fields(value, what, ("check", "passed", "otherwise"))
            deadline_id = r.ident(f["check"], f"'check' of {what}") if "check" in f else None
            if deadline_id is not None and deadline_id not in deadlines:
                r.error(f["check"], f"{what} checks {deadline_id!r}, which is not a deadline")
            passed = link(key, f["passed"], f"'passed' of {what}") if "passed" in f else None
            otherwise = link(key, f["otherwise"], f"'otherwise' of {what}") if "otherwise" in f else None
            if deadline_id and passed and otherwise:
                steps.append(Check(key, deadline_id, passed, otherwise))
            continue
        f = r.fields(value, what, ("ask", "answers"))
        fact = r.ident(f["ask"], f"'ask' of {what}") if "ask" in f else None
        question = questions.get(fact) if fact else None
        choice_values = question.values() if question is not None else ()
        if fact is not None:
            asked.add(fact)
            if fact not in question_nodes:
                r.error(f["ask"], f"{what} asks {fact!r}, which is not a question")
        answers: dict[str, str] = {}
        if "answers" in f:
            answer_entries = r.mapping(f["answers"], f"the answers of {what}")
            for value_id, value_node, target_node in answer_entries:
                if question is not None and value_id not in choice_values:
                    r.error(
                        value_node,
                        f"{what}: {value_id!r} is not a choice of question {fact!r} "
                        f"(choices: {', '.join(choice_values)})",
                    )
                    continue
                target = link(key, target_node, f"answer {value_id!r} of {what}")
                if target is not None:
                    answers[value_id] = target
            present = {value_id for value_id, _, _ in answer_entries}
            if question is not None and f["answers"].kind == "map":
                for choice in choice_values:
                    if choice not in present:
                        r.error(f["answers"], f"{what}: choice {choice!r} of question {fact!r} leads nowhere")
        if fact is not None and question is not None and len(answers) == len(question.choices):
            steps.append(Ask(key, fact, tuple((v, answers[v]) for v in choice_values)))

    outcomes: list[Outcome] = []
    for key, _key_node, value in outcome_entries:
        what = f"outcome {key!r}"
        f = r.fields(
            value, what, ("action", "title", "steps", "sources"), ("notes", "alternatives", "message")
        )
        action = r.text(f["action"], f"the action of {what}") if "action" in f else None
        if action is not None and action not in ACTIONS:
            r.error(f["action"], f"unknown action {action!r} in {what} (known: {', '.join(ACTIONS)})")
            action = None
        outcome_title = r.text(f["title"], f"the title of {what}") if "title" in f else None
        step_texts = (
            [expand(t, n, f"a step of {what}") for t, n in r.texts(f["steps"], f"the steps of {what}")]
            if "steps" in f
            else []
        )
        sources = [t for t, _ in r.texts(f["sources"], f"the sources of {what}")] if "sources" in f else []
        notes: list[Note] = []
        if "notes" in f:
            notes_node = f["notes"]
            if notes_node.kind != "seq":
                r.error(notes_node, f"the notes of {what} must be a list, not {notes_node.describe()}")
            for index, item in enumerate(notes_node.items if notes_node.kind == "seq" else [], 1):
                note_what = f"note {index} of {what}"
                if item.kind == "map":
                    nf = r.fields(item, note_what, ("text", "when"))
                    note_text = r.text(nf["text"], f"the text of {note_what}") if "text" in nf else None
                    when: list[tuple[str, tuple[str, ...]]] = []
                    if "when" in nf:
                        for fact_id, fact_node, values_node in r.mapping(
                            nf["when"], f"'when' of {note_what}"
                        ):
                            condition_question = questions.get(fact_id)
                            if fact_id not in question_nodes:
                                r.error(
                                    fact_node, f"{note_what} depends on {fact_id!r}, which is not a question"
                                )
                            values = [
                                t
                                for t, _ in r.texts(values_node, f"the values of {fact_id!r} in {note_what}")
                            ]
                            for wanted in values:
                                if (
                                    condition_question is not None
                                    and wanted not in condition_question.values()
                                ):
                                    r.error(
                                        values_node, f"{note_what}: {wanted!r} is not a choice of {fact_id!r}"
                                    )
                            when.append((fact_id, tuple(values)))
                    if note_text is not None:
                        notes.append(Note(expand(note_text, nf["text"], note_what), tuple(when)))
                else:
                    note_text = r.text(item, note_what)
                    if note_text is not None:
                        notes.append(Note(expand(note_text, item, note_what)))
        alternatives: list[Alternative] = []
        if "alternatives" in f:
            alt_node = f["alternatives"]
            if alt_node.kind != "seq":
                r.error(alt_node, f"the alternatives of {what} must be a list, not {alt_node.describe()}")
            for index, item in enumerate(alt_node.items if alt_node.kind == "seq" else [], 1):
                alt_what = f"alternative {index} of {what}"
                af = r.fields(item, alt_what, ("action", "why"))
                alt_action = r.text(af["action"], f"the action of {alt_what}") if "action" in af else None
                if alt_action is not None and alt_action not in ACTIONS:
                    r.error(
                        af["action"],
                        f"unknown action {alt_action!r} in {alt_what} (known: {', '.join(ACTIONS)})",
                    )
                    alt_action = None
                why = r.text(af["why"], f"'why' of {alt_what}") if "why" in af else None
                if alt_action is not None and why is not None:
                    alternatives.append(Alternative(alt_action, expand(why, af["why"], alt_what)))
        message = None
        if "message" in f:
            message = r.text(f["message"], f"the message of {what}")
            if message is not None and message not in MESSAGE_KINDS:
                r.error(f["message"], f"unknown message kind {message!r} (known: {', '.join(MESSAGE_KINDS)})")
                message = None
            elif message is not None and action is not None and action != "contact-seller":
                r.error(f["message"], f"{what} offers a message, but only a contact-seller outcome may")
        elif action == "contact-seller":
            r.error(
                value, f"{what} contacts the seller but names no message kind ({', '.join(MESSAGE_KINDS)})"
            )
        if action is not None and outcome_title is not None and step_texts and sources:
            outcomes.append(
                Outcome(
                    key,
                    action,
                    expand(outcome_title, f["title"], f"the title of {what}"),
                    tuple(step_texts),
                    tuple(notes),
                    tuple(alternatives),
                    tuple(sources),
                    message,
                )
            )

    start = r.ident(top["start"], "start") if "start" in top else None
    if start is not None and start not in node_places:
        r.error(top["start"], f"start names {start!r}, which is neither a step nor an outcome")
        start = None

    # graph checks: loops, then what the start never reaches
    cycle = _find_cycle(links)
    if cycle:
        r.error(node_places[cycle[0]], "a loop: " + " -> ".join(cycle))
    if start is not None and not cycle:
        reached = _reachable(start, links)
        for key, key_node, _ in step_entries:
            if key not in reached:
                r.error(key_node, f"step {key!r} is never reached from start {start!r}")
        for key, key_node, _ in outcome_entries:
            if key not in reached:
                r.error(key_node, f"outcome {key!r} is never reached from start {start!r}")
        for key, node in question_nodes.items():
            if key not in asked:
                r.error(node, f"question {key!r} is never asked by any step")
    if r.problems or title is None or start is None:
        if not r.problems:  # pragma: no cover - every None above comes with a problem
            r.error(root, "the rule file is incomplete")
        raise RuleFileError(r.problems)
    return RuleSet(
        title=title,
        start=start,
        actions=tuple((a, action_titles[a]) for a in ACTIONS),
        questions=tuple(questions.values()),
        deadlines=tuple(deadlines.values()),
        steps=tuple(steps),
        outcomes=tuple(outcomes),
    )


def _find_cycle(links: dict[str, list[tuple[str, YNode]]]) -> list[str]:
    """One loop in the link graph as [a, b, ..., a], or [] (iterative: trees may be deep)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for root in links:
        if root in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[tuple[str, YNode]]]] = [(root, iter(links.get(root, [])))]
        state[root] = 1
        path.append(root)
        while stack:
            node, children = stack[-1]
            for child, _ in children:
                if state.get(child) == 1:
                    return [*path[path.index(child) :], child]
                if child not in state:
                    state[child] = 1
                    path.append(child)
                    stack.append((child, iter(links.get(child, []))))
                    break
            else:
                state[node] = 2
                path.pop()
                stack.pop()
    return []


def _reachable(start: str, links: dict[str, list[tuple[str, YNode]]]) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for child, _ in links.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


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


def read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise RuleFileError([Problem(path, 1, 1, "this is a folder, not a rule file")]) from None
    except FileNotFoundError:
        raise RuleFileError([Problem(path, 1, 1, "no such file")]) from None
    except OSError as error:
        raise RuleFileError([Problem(path, 1, 1, f"cannot read it: {error.strerror or error}")]) from None
    return data


# ---------------------------------------------------------------------------------------------
# finding the rules, and the compiled cache that keeps YAML parsing off the hot path


def builtin_path() -> str:
    """The path of the built-in rule file, shipped in the package as ali_cancel.rules."""
    import os

    beside = os.path.join(os.path.dirname(__file__), "rules", "aliexpress.yaml")
    if os.path.isfile(beside):  # the usual install: skips importing importlib.resources
        return beside
    from importlib.resources import files

    return str(files("ali_cancel.rules").joinpath("aliexpress.yaml"))


def _cache_dir() -> str | None:
    import os

    configured = os.environ.get("ALI_CANCEL_CACHE_DIR")
    if configured is not None:
        return configured or None  # set but empty: no cache
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not base:
        home = os.path.expanduser("~")
        if home == "~":
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "ali-cancel")


def _code_version() -> str:
    """This loader's and the model's code: a change to either invalidates every cache entry."""
    import os

    parts = []
    for name in ("loader.py", "model.py"):
        try:
            stat = os.stat(os.path.join(os.path.dirname(__file__), name))
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:?")
    return ";".join(parts)


def _cache_name(source: str) -> str:
    """A file name for the entry of `source` (FNV-1a of its absolute path; hashlib costs start-up)."""
    import os

    value = 0xCBF29CE484222325
    for byte in os.path.abspath(source).encode("utf-8", "surrogateescape"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"rules-{value:016x}.marshal"


def load_rules(path: str | None) -> RuleSet:
    """The rules at `path` (None: the built-in file), from the compiled cache when it is current.

    An entry is used only when it holds exactly these bytes of YAML and was made by this code, so
    it is never stale. The cache is never fatal: unreadable, corrupt or unwritable, the YAML is
    parsed and used.
    """
    import marshal  # built in: no import cost, and the fastest load of plain data
    import os

    from .model import from_plain, to_plain

    source = path or builtin_path()
    data = read_file(source)
    version = _code_version()
    directory = _cache_dir()
    cached = os.path.join(directory, _cache_name(source)) if directory else None
    if cached:
        try:
            with open(cached, "rb") as handle:
                # our own file in the user's own cache: loading data runs nothing; anything odd -> parse
                stored = marshal.loads(handle.read())  # noqa: S302
            if stored["format"] == CACHE_FORMAT and stored["source"] == data and stored["code"] == version:
                return from_plain(stored["rules"])
        except Exception:  # noqa: S110 - any trouble with the cache means: parse the YAML
            pass
    rules = load_bytes(data, source)
    if cached and directory:
        entry = {"format": CACHE_FORMAT, "code": version, "source": data, "rules": to_plain(rules)}
        try:
            os.makedirs(directory, exist_ok=True)
            temporary = f"{cached}.{os.getpid()}.tmp"
            with open(temporary, "wb") as handle:
                handle.write(marshal.dumps(entry))
            os.replace(temporary, cached)
        except (OSError, ValueError):
            pass
    return rules
