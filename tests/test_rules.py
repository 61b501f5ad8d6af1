"""The built-in rule file: the contract's facts, every guide section covered, own words, its schema."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from ali_cancel.errors import RuleFileError
from ali_cancel.facts import FACTS
from ali_cancel.loader import load_bytes
from ali_cancel.model import ACTIONS, RuleSet

from .helpers import BROKEN, BUILTIN, ROOT, SMALL, guide_text, reachable_outcomes

# Every advice-giving section of the guide -> the outcomes that carry its advice.
GUIDE_SECTIONS = {
    "Scenario 1: Order Not Paid or Payment Not Verified": {"cancel-unpaid", "cancel-unverified"},
    "Scenario 2: Order Paid and Not Shipped (Awaiting Shipment)": {
        "request-cancellation",
        "request-other-reasons",
    },
    "Important Notes": {
        "wait-for-seller",
        "refund-after-silence",
        "refund-after-cancellation",
        "ask-for-return",
        "track-parcel",
    },
    "Seller Cancelled Order on AliExpress": {
        "refund-after-auto-close",
        "request-after-ship-by",
        "urge-seller-late",
    },
    "What about redeeming discount codes?": {
        "urge-seller",
        "request-cancellation",
        "refund-after-auto-close",
        "cancel-unverified",
    },
    "When the order is cancelled by the seller": {"request-other-reasons"},
    "When the order is cancelled for security reasons": {"reused-coupon", "payment-check"},
    "Reused coupon code": {"reused-coupon"},
    "Fraud of payment": {"payment-check"},
    "What to Do When you Receive a Message About the Cancellation?": {
        "ask-what-happened",
        "dispute-cancelled-shipment",
    },
    "How to Contact the Seller for a Cancelled Order?": {
        "keep-waiting",
        "wait-for-reply",
        "ask-what-happened",
        "urge-seller",
    },
    "Things to Remember": {"dispute-before-protection-ends", "wait-for-reply", "follow-agreement"},
}
# Headings of the guide that give no advice of their own: its title, and links to other articles.
NOT_ADVICE = (
    "How to Cancel an Order on AliExpress in 2024",
    "Steps How to Cancel an Order on AliExpress : A Step-by-Step Guide",
    "Are Aliexpress Reviews Real? How to identify fake Reviews on Aliexpress",
    "AliExpress Customs : A Complete Guide",
    "Best Payment Methods on AliExpress | Safest Aliexpress Payment Methods!",
    "Related Posts",
)
SKIPPED_LINES = ("by ", "Also Read:", "See also", "/*", "You cannot copy")


def test_each_fact_is_the_rule_files_question_value_for_value(rules: RuleSet) -> None:
    asked = {q.id: q.values() for q in rules.questions}
    assert set(asked) <= set(FACTS), "the rule file asks a fact the contract (facts.FACTS) lacks"
    for fact, spec in FACTS.items():
        assert asked.get(fact) == spec.values, fact


def test_every_guide_section_maps_to_reachable_outcomes_that_cite_it(rules: RuleSet) -> None:
    guide = guide_text()
    outcomes = {o.id: o for o in rules.outcomes}
    reachable = reachable_outcomes(rules)
    for heading, outcome_ids in GUIDE_SECTIONS.items():
        assert heading in guide, f"not a heading of the guide: {heading!r}"
        for outcome_id in outcome_ids:
            assert heading in outcomes[outcome_id].sources, (heading, outcome_id)
            assert outcome_id in reachable, outcome_id


def test_every_advice_giving_heading_of_the_guide_is_mapped() -> None:
    lines = [line.rstrip() for line in guide_text().splitlines() if not line[:1].isspace()]  # no list items
    headings = [
        line.rstrip(":") for line in lines if 0 < len(line) < 90 and not line.startswith(SKIPPED_LINES)
    ]
    assert headings, "no headings found in the guide"
    for heading in headings:
        assert heading in GUIDE_SECTIONS or heading in NOT_ADVICE, f"guide heading not mapped: {heading!r}"


def test_every_source_is_a_guide_heading_or_says_it_is_beyond_the_guide(rules: RuleSet) -> None:
    guide_lines = {line.strip() for line in guide_text().splitlines()}
    for outcome in rules.outcomes:
        for source in outcome.sources:
            cited = source in guide_lines or f"{source}:" in guide_lines
            assert cited or source.startswith("Beyond the guide:"), (outcome.id, source)


def test_every_action_of_the_contract_is_advised_somewhere(rules: RuleSet) -> None:
    assert {o.action for o in rules.outcomes} == set(ACTIONS)


def _rule_texts(rules: RuleSet) -> list[str]:
    texts = [q.text for q in rules.questions] + [q.help for q in rules.questions]
    for outcome in rules.outcomes:
        texts += [
            outcome.title,
            *outcome.steps,
            *(n.text for n in outcome.notes),
            *(a.why for a in outcome.alternatives),
        ]
    texts += [part.text for message in rules.messages for part in message.parts]
    return texts


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def test_advice_is_in_our_own_words(rules: RuleSet) -> None:
    guide = _words(guide_text())
    copied = {" ".join(guide[i : i + 8]) for i in range(len(guide) - 7)}
    for text in _rule_texts(rules):
        words = _words(text)
        runs = {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}
        assert not runs & copied, f"copied from the guide: {text!r}"


def test_notes_the_guide_requires_are_present(rules: RuleSet) -> None:
    everything = " ".join(_rule_texts(rules))
    for needed in (
        "72 hours",
        "7 working days",
        "15 working days",
        "every item",
        "promo code",
        "other reasons",
        "screenshot",
        "week",
        "buyer protection",
        "payment method you paid with",
    ):
        assert needed in everything, needed


SCHEMA = json.loads((ROOT / "cli" / "rules.schema.json").read_text())


def test_the_builtin_file_names_its_schema_and_passes_it() -> None:
    text = BUILTIN.read_text()
    assert text.startswith("# yaml-language-server: $schema=../cli/rules.schema.json")
    jsonschema.validate(yaml.safe_load(text), SCHEMA)


SCHEMA_CASES = [
    b
    for b in BROKEN
    if b[0]
    not in (
        "syntax",
        "duplicate key",
        "unquoted yes",
        "boolean key",
        "number as text",
        "link to nothing",
        "choice leads nowhere",
        "unknown placeholder",
        "start to nothing",
    )
]


@pytest.mark.parametrize("case", SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES])
def test_schema_and_loader_agree_on_broken_files(case: tuple[str, str, str, str]) -> None:
    text = case[1]
    with pytest.raises(RuleFileError):
        load_bytes(text.encode(), "bad.yaml")
    data: Any = yaml.safe_load(text)
    assert not jsonschema.Draft202012Validator(SCHEMA).is_valid(data)


def test_schema_accepts_the_small_file() -> None:
    jsonschema.validate(yaml.safe_load(SMALL), SCHEMA)


def test_readme_diagram_is_what_rules_graph_prints_now() -> None:
    from ali_cancel.graph import mermaid

    readme = (ROOT / "README.md").read_text()
    match = re.search(r"```mermaid\n(.*?)```", readme, re.S)
    assert match, "the README has no mermaid block"
    current = mermaid(load_bytes(BUILTIN.read_bytes(), str(BUILTIN)))
    assert match.group(1) == current, "README diagram is stale: ali-cancel rules graph --format mermaid"


def test_the_schema_ships_with_the_package() -> None:
    from importlib.resources import files

    assert files("ali_cancel").joinpath("rules.schema.json").is_file()
    assert Path(str(files("ali_cancel.rules").joinpath("aliexpress.yaml"))).is_file()


def test_choice_labels_fit_a_60_column_terminal(rules: RuleSet) -> None:
    for question in rules.questions:
        for choice in question.choices:
            assert len(choice.label) <= 56, choice.label  # "» " + label, with room to spare


# --- The code: small modules and functions, and data said once (STYLE.md, "Data said once")

CLI = sorted((ROOT / "cli").glob("*.py"))


def _strings(path: Path) -> list[str]:
    """The string literals of a module's code; docstrings, which only talk about the code, left out."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_module_passes_450_lines_and_no_function_body_60() -> None:
    too_long = [f"{p.name}: {n} lines" for p in CLI if (n := len(p.read_text().splitlines())) > 450]
    for path in CLI:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
                body = node.end_lineno - node.body[0].lineno + 1
                if body > 60:
                    too_long.append(f"{path.name}:{node.lineno} {node.name}(): a body of {body} lines")
    assert not too_long, too_long


def test_each_fact_id_is_written_at_most_twice_in_the_code() -> None:
    counts = {fact: sum(_strings(path).count(fact) for path in CLI) for fact in FACTS}
    assert {fact: n for fact, n in counts.items() if n > 2} == {}


def _names(text: str, name: str) -> bool:
    """`text` is `name`, or holds it as a word (only for a hyphenated id: "wait" is also English)."""
    return text == name or ("-" in name and re.search(rf"(?<![\w-]){name}(?![\w-])", text) is not None)


def test_each_action_and_message_kind_is_named_in_at_most_one_module(rules: RuleSet) -> None:
    ids = [*ACTIONS, *(message.kind for message in rules.messages)]
    values = {value for spec in FACTS.values() for value in spec.values}  # shipment-cancelled is both
    where = {
        name: [p.name for p in CLI if any(_names(s, name) for s in _strings(p))]
        for name in ids
        if name not in values
    }
    where |= {
        name: [p.name for p in CLI if p.name != "facts.py" and any(_names(s, name) for s in _strings(p))]
        for name in ids
        if name in values
    }
    assert {name: modules for name, modules in where.items() if len(modules) > 1} == {}


def test_every_step_of_the_builtin_tree_branches(rules: RuleSet) -> None:
    """A question is asked where its answer changes the way; a fact only a note needs is asked by the note."""
    from ali_cancel.model import Ask

    still = [
        step.id for step in rules.steps if isinstance(step, Ask) and len({t for _, t in step.answers}) == 1
    ]
    assert still == []
