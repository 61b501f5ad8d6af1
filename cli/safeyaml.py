"""YAML bytes -> located nodes, refusing anything unsafe; nothing in the text is ever executed.

The YAML is read as a stream of parser events and built by hand: no tags, no anchors or aliases
(a few lines of them expand to billions of nodes), no duplicate keys, a bounded depth and size.
Every refusal is a RuleFileError at PATH:LINE:COLUMN.
"""

from __future__ import annotations

from typing import Any

from .errors import Problem, RuleFileError

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 32
MAX_CONTAINERS = 1_000_000


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
