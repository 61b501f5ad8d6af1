"""Located YAML nodes -> checked texts, ids and shapes, every problem collected; and graph checks.

The reader refuses texts that hold control characters (they would reach the terminal as escape
sequences) and reports each problem at PATH:LINE:COLUMN; loader.py builds the rule set with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .errors import Problem
from .model import Ask, Check, Outcome
from .safeyaml import YNode

ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")
# Characters a text may never hold: they would reach the terminal as control sequences (C0 and C1
# controls, DEL) or turn the text around (bidi overrides and isolates). Tab and newline are allowed
# where a text may span lines.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# ---------------------------------------------------------------------------------------------
# YAML events -> located nodes


Entry = tuple[str, YNode, YNode]  # (key, key node, value node) of a mapping


class Reader:
    """Checks shapes and collects every problem instead of stopping at the first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.good_ids: set[str] = set()

    def error(self, node: YNode, message: str) -> None:
        self.problems.append(Problem(self.path, node.line, node.column, message))

    def text(self, node: YNode, what: str, *, one_line: bool = False) -> str | None:
        if node.kind == "str":
            if not node.text.strip():
                self.error(node, f"{what} is empty")
                return None
            bad = _CONTROL.search(node.text) or (one_line and re.search("[\n\t]", node.text))
            if bad:
                char = bad.group(0)
                self.error(
                    node,
                    f"{what} holds the control character U+{ord(char):04X} "
                    f"(at character {bad.start() + 1}): remove it",
                )
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

    def mapping(self, node: YNode, what: str) -> list[Entry]:
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

    def field_text(
        self, found: dict[str, YNode], key: str, what: str, *, one_line: bool = False
    ) -> str | None:
        """The text under `key` of a mapping read with fields(), or None (absent, or reported)."""
        return self.text(found[key], what, one_line=one_line) if key in found else None

    def items(self, node: YNode, what: str) -> list[YNode]:
        if not isinstance(node.items, list):
            self.error(node, f"{what} must be a list, not {node.describe()}")
            return []
        return node.items

    def texts(self, node: YNode, what: str) -> list[tuple[str, YNode]]:
        """The texts of a non-empty list of texts, each with its node."""
        items = self.items(node, what)
        if node.kind == "seq" and not items:
            self.error(node, f"{what} is an empty list")
        result = []
        for index, item in enumerate(items, 1):
            value = self.text(item, f"item {index} of {what}")
            if value is not None:
                result.append((value, item))
        return result


def answers_on_paths(
    start: str, steps: list[Ask | Check], outcomes: list[Outcome], facts: set[str]
) -> tuple[dict[str, frozenset[str]], dict[str, dict[str, set[str]]]]:
    """For each node: which of `facts` every path to it answers, and the values some path gives."""
    nodes: dict[str, Ask | Check | Outcome] = {n.id: n for n in (*steps, *outcomes)}

    def edges(node: Ask | Check | Outcome) -> list[tuple[str, str | None]]:  # (target, value)
        if isinstance(node, Ask):
            return [(target, value) for value, target in node.answers]
        if isinstance(node, Check):
            return [(node.passed, None), (node.otherwise, None)]
        return []

    incoming: dict[str, int] = {}
    todo = [start]
    seen = {start}
    while todo:
        for target, _ in edges(nodes[todo.pop()]):
            incoming[target] = incoming.get(target, 0) + 1
            if target not in seen:
                seen.add(target)
                todo.append(target)
    must: dict[str, frozenset[str]] = {start: frozenset()}
    possible: dict[str, dict[str, set[str]]] = {start: {}}
    ready = [start]
    while ready:
        node_id = ready.pop()
        node = nodes[node_id]
        for target, value in edges(node):
            carried = must[node_id]
            values = {fact: set(found) for fact, found in possible[node_id].items()}
            if isinstance(node, Ask) and node.fact in facts and value is not None:
                carried = carried | {node.fact}
                values.setdefault(node.fact, set()).add(value)
            must[target] = must[target] & carried if target in must else carried
            merged = possible.setdefault(target, {})
            for fact, found in values.items():
                merged.setdefault(fact, set()).update(found)
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return must, possible


def find_cycle(links: dict[str, list[tuple[str, YNode]]]) -> list[str]:
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


def reachable(start: str, links: dict[str, list[tuple[str, YNode]]]) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for child, _ in links.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen
