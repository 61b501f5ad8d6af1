"""YAML bytes -> located nodes, refusing anything unsafe; nothing in the text is ever executed.

The YAML is read as a stream of parser events and built by hand: no tags, no anchors or aliases
(a few lines of them expand to billions of nodes), no duplicate keys, a bounded depth and size.
Every refusal is a RuleFileError at PATH:LINE:COLUMN.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Problem, RuleFileError

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 32
MAX_CONTAINERS = 1_000_000
# Control characters written raw in the file (tab, newline and carriage return are YAML's own).
_RAW_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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
    control = _RAW_CONTROL.search(text)
    if control is not None:
        offset = control.start()
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        code = f"U+{ord(control.group()):04X}"
        raise RuleFileError([Problem(path, line, column, f"the control character {code}: remove it")])
    if not text.strip():
        raise RuleFileError([Problem(path, 1, 1, "the file is empty: a rule file is a YAML mapping")])
    return text


class _Frame:
    """An open mapping or list while the events are read: its node, and for a mapping the pending key."""

    __slots__ = ("is_map", "key", "node", "seen")

    def __init__(self, node: YNode) -> None:
        self.node = node
        self.is_map = node.kind == "map"
        self.key: YNode | None = None  # a mapping's key waiting for its value
        self.seen: set[tuple[str, str]] = set()  # the keys of a mapping so far


class _Builder:
    """Builds located nodes from PyYAML's parser events, refusing what a rule file may not hold."""

    def __init__(self, path: str) -> None:
        from yaml.resolver import Resolver

        self.path = path
        self.root: YNode | None = None
        self.frames: list[_Frame] = []
        self.frame: _Frame | None = None  # the innermost open container
        self.containers = 0
        self.documents = 0
        self.resolver = Resolver()
        self.kinds: dict[str, str] = {}  # plain scalar -> its YAML 1.1 type; keys repeat, resolving is slow

    def fail(self, mark: Any, message: str) -> RuleFileError:
        return RuleFileError([Problem(self.path, mark.line + 1, mark.column + 1, message)])

    def refuse_tags_and_anchors(self, event: Any) -> None:
        if event.anchor or (event.tag is not None and event.tag != "!"):
            what = "anchors (&name)" if event.anchor else f"tags like {event.tag!r}"
            raise self.fail(event.start_mark, f"{what} are not allowed in rule files: write the text out")

    def attach(self, node: YNode) -> None:
        """Put a finished node where it belongs: the root, a list item, a key, or a key's value."""
        frame = self.frame
        if frame is None:
            self.root = node
        elif not frame.is_map:
            frame.node.items.append(node)  # type: ignore[union-attr]
        elif frame.key is None:
            frame.key = node
        else:
            key = frame.key
            if key.kind not in {"map", "seq"}:
                identity = (key.kind, key.text)
                if identity in frame.seen:
                    message = f"duplicate key {key.text!r}: each key may appear once"
                    raise RuleFileError([Problem(self.path, key.line, key.column, message)])
                frame.seen.add(identity)
            frame.node.pairs.append((key, node))  # type: ignore[union-attr]
            frame.key = None

    def scalar(self, event: Any) -> None:
        import yaml

        self.refuse_tags_and_anchors(event)
        value = event.value
        if event.style or event.tag is not None:
            kind = "str"
        else:
            kind = self.kinds.get(value, "")
            if not kind:
                resolved = self.resolver.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
                kind = self.kinds[value] = _SCALAR_KINDS.get(resolved, "other")
        leaf = YNode(kind, event.start_mark, value)
        frame = self.frame
        if frame is not None and frame.is_map and frame.key is None:
            frame.key = leaf  # the common case, inline: a key of a mapping
        else:
            self.attach(leaf)

    def open(self, event: Any, kind: str) -> None:
        self.refuse_tags_and_anchors(event)
        mark = event.start_mark
        self.containers += 1
        if self.containers > MAX_CONTAINERS:
            raise self.fail(mark, f"too many YAML mappings and lists (over {MAX_CONTAINERS:,})")
        if len(self.frames) >= MAX_DEPTH:
            raise self.fail(mark, f"nested more than {MAX_DEPTH} levels deep")
        node = YNode(kind, mark)
        self.attach(node)
        self.frame = _Frame(node)
        self.frames.append(self.frame)

    def close(self) -> None:
        self.frames.pop()
        self.frame = self.frames[-1] if self.frames else None

    def other(self, event: Any) -> None:
        import yaml

        if isinstance(event, yaml.AliasEvent):
            raise self.fail(
                event.start_mark, "aliases (*name) are not allowed in rule files: write the text out"
            )
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self.fail(event.start_mark, "more than one YAML document: a rule file holds one")


def parse_yaml(data: bytes, path: str) -> YNode:
    """Build the located node tree of one YAML document, or raise RuleFileError."""
    import yaml

    text = _decode(data, path)
    builder = _Builder(path)
    scalar, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    check_event, get_event = loader.check_event, loader.get_event
    try:
        while check_event():
            event = get_event()
            cls = event.__class__
            if cls is scalar:
                builder.scalar(event)
            elif cls is mapping_start:
                builder.open(event, "map")
            elif cls is sequence_start:
                builder.open(event, "seq")
            elif cls is mapping_end or cls is sequence_end:
                builder.close()
            else:
                builder.other(event)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"YAML syntax: {error.problem or error.context}"
        if mark is None:
            raise RuleFileError([Problem(path, 1, 1, message)]) from None
        raise builder.fail(mark, message) from None
    except yaml.YAMLError as error:
        raise RuleFileError([Problem(path, 1, 1, f"YAML: {error}")]) from None
    finally:
        loader.dispose()
    if builder.root is None:
        raise RuleFileError(
            [Problem(path, 1, 1, "the file holds no YAML document: a rule file is a mapping")]
        )
    return builder.root


# ---------------------------------------------------------------------------------------------
# located nodes -> RuleSet


def read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise RuleFileError([Problem(path, 0, 0, "this is a folder, not a rule file")]) from None
    except FileNotFoundError:
        raise RuleFileError([Problem(path, 0, 0, "no such file: check the path")]) from None
    except OSError as error:
        raise RuleFileError([Problem(path, 0, 0, f"cannot read it: {error.strerror or error}")]) from None
    return data
