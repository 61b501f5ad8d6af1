"""A rule set as Mermaid flowchart text or a Graphviz digraph, with every label escaped; pure."""

from __future__ import annotations

from .model import Ask, Check, Outcome, RuleSet


def _ids(rules: RuleSet) -> dict[str, str]:
    # generated ids: a node named "end" (or anything odd) cannot break either language
    return {node.id: f"n{index}" for index, node in enumerate((*rules.steps, *rules.outcomes))}


def _mermaid_text(text: str) -> str:
    replacements = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "\n": " "}
    return "".join(replacements.get(char, char) for char in text)


def _labels(rules: RuleSet, node_id: str) -> str:
    node = rules.node(node_id)
    if isinstance(node, Outcome):
        return f"{rules.action_title(node.action)}: {node.title}"
    if isinstance(node, Check):
        return f"{rules.deadline(node.deadline).label}?"
    return rules.question(node.fact).text


def _edges(rules: RuleSet) -> list[tuple[str, str, str]]:
    edges = []
    for node in rules.steps:
        if isinstance(node, Ask):
            question = rules.question(node.fact)
            edges += [(node.id, question.label(value), target) for value, target in node.answers]
        else:
            edges += [(node.id, "passed", node.passed), (node.id, "not passed", node.otherwise)]
    return edges


def mermaid(rules: RuleSet) -> str:
    ids = _ids(rules)
    lines = ["flowchart TD"]
    for node in (*rules.steps, *rules.outcomes):
        label = _mermaid_text(_labels(rules, node.id))
        if isinstance(node, Ask):
            lines.append(f'    {ids[node.id]}{{"{label}"}}')
        elif isinstance(node, Check):
            lines.append(f'    {ids[node.id]}{{{{"{label}"}}}}')
        else:
            lines.append(f'    {ids[node.id]}(["{label}"])')
    for source, label, target in _edges(rules):
        lines.append(f'    {ids[source]} -->|"{_mermaid_text(label)}"| {ids[target]}')
    lines.append("    classDef outcome fill:#e8f5e9,stroke:#2e7d32")
    lines.append(f"    class {','.join(ids[o.id] for o in rules.outcomes)} outcome")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def dot(rules: RuleSet) -> str:
    ids = _ids(rules)
    lines = [
        "digraph rules {",
        "    rankdir=TB;",
        '    node [fontname="Helvetica", fontsize=10];',
        '    edge [fontname="Helvetica", fontsize=9];',
    ]
    for node in (*rules.steps, *rules.outcomes):
        shape = (
            "box, style=rounded"
            if isinstance(node, Outcome)
            else ("hexagon" if isinstance(node, Check) else "diamond")
        )
        lines.append(f'    {ids[node.id]} [label="{_dot_text(_labels(rules, node.id))}", shape={shape}];')
    for source, label, target in _edges(rules):
        lines.append(f'    {ids[source]} -> {ids[target]} [label="{_dot_text(label)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
