"""Shared test data and helpers: rule files, guide scenarios, the CLI runner and the one core call.

Test modules import from here and never from each other (copier's tests/helpers.py pattern).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from ali_cancel import flags as flag_layer
from ali_cancel.core import Decision, decide
from ali_cancel.engine import Advice, walk
from ali_cancel.model import RuleSet
from ali_cancel.safeyaml import MAX_BYTES

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = ROOT / "rules" / "aliexpress.yaml"
SHARED = Path(os.environ.get("ALI_CANCEL_SHARED", ROOT.parent / "shared"))
GUIDE = ("guide", "how-to-cancel-an-order-on-aliexpress.txt")
#: The moment the core tests compute against unless they give their own.
NOW = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)
#: The environment of the in-process command line (STYLE.md, "Tests").
ENV = {"COLUMNS": "80", "NO_COLOR": "1", "TZ": "UTC", "ALI_CANCEL_CACHE_DIR": ""}


def shared_file(*parts: str) -> Path:
    """A file of the guide or the acceptance scenarios, which live outside this repository.

    CI has them and fails without them; a clone on its own skips the few tests that need them.
    """
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = (
            f"{path} is missing: set ALI_CANCEL_SHARED to the folder holding guide/ and acceptance/ "
            f"(the project's shared folder, beside the checkout in CI)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def guide_text() -> str:
    return shared_file(*GUIDE).read_text(encoding="utf-8")


def acceptance() -> list[dict[str, Any]]:
    """The acceptance scenarios, or none when the folder is not there (a test says so)."""
    path = SHARED / "acceptance" / "scenarios.json"
    return json.loads(path.read_text()) if path.exists() else []


def flags(**facts: str) -> list[str]:
    """Flags from keywords: flags(cancel_request="none") == ["--cancel-request", "none"]."""
    return [word for fact, value in facts.items() for word in (f"--{fact.replace('_', '-')}", value)]


def decide_args(rules: RuleSet, args: Sequence[str], now: datetime = NOW) -> Decision:
    """What `advise ARGS` decides: the command layer's flag reading, then the one core call.

    `--now` in ARGS overrides `now`. Raises UsageError as the command would (exit 2).
    """
    pairs = dict(zip(args[::2], args[1::2], strict=True))
    params: dict[str, object] = {flag_layer.param(name[2:]): value for name, value in pairs.items()}
    moment_now = flag_layer.now_from(str(params.pop("now"))) if "now" in params else now
    answers = flag_layer.check_answers(rules, flag_layer.answers_from(params, []))
    return decide(rules, answers, flag_layer.dates_from(params, moment_now), moment_now)


def advice_of(rules: RuleSet, args: Sequence[str], now: datetime = NOW) -> Advice:
    """The advice for ARGS; fails the test when the walk stops for a missing fact."""
    result = decide_args(rules, args, now).result
    assert isinstance(result, Advice), f"stopped, needing {result.missing()}"
    return result


def draft(rules: RuleSet, decision: Decision) -> str | None:
    """The message draft that advice carries (as `advise` fills it), or None."""
    assert isinstance(decision.result, Advice)
    kind = decision.result.outcome.message
    return rules.message(kind).text(decision.answers, "8123") if kind else None


def every_path(
    rules: RuleSet, answers: Mapping[str, str], passed: Mapping[str, bool]
) -> Iterator[tuple[dict[str, str], Advice]]:
    """Every way through the tree from `answers`: each missing fact answered every way it can be."""
    result = walk(rules, answers, passed)
    if isinstance(result, Advice):
        yield dict(answers), result
        return
    assert result.fact not in answers, result
    for value in rules.question(result.fact).values():
        yield from every_path(rules, {**answers, result.fact: value}, passed)


def reachable_outcomes(rules: RuleSet) -> set[str]:
    """The outcomes some answers reach, with no deadline passed, all passed, or any one passed."""
    clocks: list[dict[str, bool]] = [{}, {d.id: True for d in rules.deadlines}]
    clocks += [{d.id: True} for d in rules.deadlines]
    return {advice.outcome.id for passed in clocks for _, advice in every_path(rules, {}, passed)}


PAID_OPEN = flags(payment="paid", closed="no")
NOT_SHIPPED = [*PAID_OPEN, "--shipping", "not-shipped"]
#: A path that ends in contact-seller with the urge-shipping message.
CONTACT = [
    *NOT_SHIPPED,
    *flags(cancel_request="none", coupon="platform", items="all", seller_asked="no", want="item"),
]
SHIPPED = [*PAID_OPEN, "--shipping", "shipped"]

# Guide scenarios beyond shared/acceptance: name, args, action, strings the JSON must hold,
# deadlines (id -> at / passed), and the guide section each comes from.
EXTRA: list[dict[str, Any]] = [
    {
        "name": "payment still being verified",
        "args": [*flags(payment="verifying", closed="no", coupon="none")],
        "action": "cancel-order",
        "contains": ["Cancel Order"],
        "guide": "Scenario 1: Order Not Paid or Payment Not Verified",
    },
    {
        "name": "closed for a payment or card check",
        "args": flags(payment="paid", closed="payment-check"),
        "action": "verify-payment",
        "contains": ["identity", "place the order again"],
        "guide": "Fraud of payment",
    },
    {
        "name": "seller asks the buyer to request the cancellation",
        "args": [*NOT_SHIPPED, *flags(cancel_request="none", coupon="none", seller_asked="yes")],
        "action": "request-cancellation",
        "contains": ["other reasons"],
        "guide": "When the order is cancelled by the seller",
    },
    {
        "name": "seller approved the request",
        "args": [*NOT_SHIPPED, *flags(cancel_request="approved", coupon="none")],
        "action": "wait",
        "contains": ["7 working days", "15 working days"],
        "guide": "Important Notes",
    },
    {
        "name": "seller let 72 hours pass",
        "args": [*NOT_SHIPPED, *flags(cancel_request="no-response", coupon="none")],
        "action": "wait",
        "contains": ["72 hours"],
        "guide": "Important Notes",
    },
    {
        "name": "cancelled shipment, buyer still wants the item",
        "args": [
            *PAID_OPEN,
            *flags(
                shipping="shipment-cancelled", seller_asked="no", want="item", seller_reply="not-contacted"
            ),
        ],
        "action": "contact-seller",
        "contains": ["new tracking number", "screenshot"],
        "guide": "What to Do When you Receive a Message About the Cancellation?",
    },
    {
        "name": "cancelled shipment, buyer wants the money back",
        "args": [*PAID_OPEN, *flags(shipping="shipment-cancelled", seller_asked="no", want="refund")],
        "action": "open-dispute",
        "contains": ["seller's responsibility"],
        "guide": "What to Do When you Receive a Message About the Cancellation?",
    },
    {
        "name": "cancelled shipment, seller out of stock asks to cancel",
        "args": [*PAID_OPEN, *flags(shipping="shipment-cancelled", seller_asked="yes")],
        "action": "open-dispute",
        "guide": "What to Do When you Receive a Message About the Cancellation?",
    },
    {
        "name": "written to the seller about a return, waiting, protection fine",
        "args": [
            *SHIPPED,
            *flags(problem="changed-mind", seller_reply="waiting", protection="plenty-left"),
        ],
        "action": "wait",
        "contains": ["7 days", "reminder"],
        "guide": "How to Contact the Seller for a Cancelled Order?",
    },
    {
        "name": "seller silent for a week, protection fine",
        "args": [*SHIPPED, *flags(problem="damaged", seller_reply="no-reply", protection="plenty-left")],
        "action": "wait",
        "contains": ["reminder"],
        "guide": "Things to Remember",
    },
    {
        "name": "AliExpress coupon on a self-cancelled order",
        "args": [
            *NOT_SHIPPED,
            *flags(cancel_request="none", coupon="platform", items="all", seller_asked="no", want="refund"),
        ],
        "action": "request-cancellation",
        "contains": ["every item", "expired"],
        "guide": "What about redeeming discount codes?",
    },
    {
        "name": "seller promo code on an order AliExpress closed",
        "args": flags(payment="paid", closed="seller-timeout", coupon="seller"),
        "action": "wait",
        "contains": ["promo code is gone for good"],
        "guide": "What about redeeming discount codes?",
    },
    {
        "name": "request pending, 72 hours gone by the clock",
        "args": [
            *NOT_SHIPPED,
            *flags(
                cancel_request="pending",
                coupon="none",
                requested_at="2026-11-20T10:00:00+08:00",
                now="2026-11-23T10:00:00+08:00",
            ),
        ],
        "action": "wait",
        "contains": ["contact-support", "still shows your request as open"],
        "deadlines": {"seller-response-due": {"at": "2026-11-23T02:00:00+00:00", "passed": True}},
        "guide": "Important Notes",
    },
    {
        "name": "ship-by passed on an order still open: the request is still offered",
        "args": [
            *NOT_SHIPPED,
            *flags(
                cancel_request="none",
                coupon="none",
                seller_asked="no",
                want="refund",
                ship_by="2026-11-20T00:00Z",
                now="2026-11-21T00:00Z",
            ),
        ],
        "action": "request-cancellation",
        "contains": ["shipping deadline has passed"],
        "deadlines": {"ship-by": {"passed": True}},
        "guide": "Seller Cancelled Order on AliExpress",
    },
    {
        "name": "refund late: 15 working days after the cancellation",
        "args": [
            *NOT_SHIPPED,
            *flags(
                cancel_request="approved",
                coupon="none",
                cancelled_at="2026-11-27T09:30:00+01:00",
                now="2026-12-18T09:31:00+01:00",
            ),
        ],
        "action": "contact-support",
        "deadlines": {
            "refund-start-earliest": {"at": "2026-12-08T09:30:00+01:00", "passed": True},
            "refund-start-latest": {"at": "2026-12-18T09:30:00+01:00", "passed": True},
        },
        "guide": "Important Notes",
    },
    {
        "name": "delivered broken: show the seller (beyond the guide)",
        "args": [
            *PAID_OPEN,
            *flags(
                shipping="delivered",
                problem="damaged",
                seller_reply="not-contacted",
                protection="plenty-left",
            ),
        ],
        "action": "contact-seller",
        "contains": ["Beyond the guide", "photos"],
        "guide": "Things to Remember",
    },
    {
        "name": "shipped, not arrived, buyer still wants it",
        "args": [*SHIPPED, *flags(problem="not-arrived", want="item", protection="plenty-left")],
        "action": "wait",
        "contains": ["tracking"],
        "guide": "Important Notes",
    },
    {
        "name": "seller refused the cancellation (beyond the guide)",
        "args": [*NOT_SHIPPED, *flags(cancel_request="rejected")],
        "action": "contact-support",
        "contains": ["Beyond the guide"],
        "guide": "Things to Remember",
    },
]

# Rule files: a small valid one, broken ones (name, text, where, what) and hostile ones.

SMALL = """\
title: "Small"
start: "first"
questions:
  colour:
    text: "Which colour?"
    help: "Any colour."
    choices:
      red: "Red"
      blue: "Blue"
tree:
  first:
    ask: "colour"
    answers:
      red: "stop"
      blue: "stop"
outcomes:
  stop:
    action: "wait"
    title: "Wait"
    steps: ["Wait a bit."]
    sources: ["Beyond the guide"]
"""


BROKEN = [
    ("syntax", SMALL.replace("  first:\n", "  first:\n   - ]\n"), "bad.yaml:12:", "YAML syntax"),
    (
        "duplicate key",
        SMALL.replace('      blue: "Blue"\n', '      blue: "Blue"\n      red: "Again"\n'),
        "bad.yaml:10:7:",
        "duplicate key 'red'",
    ),
    (
        "unknown key",
        SMALL.replace('    help: "Any colour."\n', '    help: "Any colour."\n    hlep: "x"\n'),
        "bad.yaml:7:5:",
        "unknown key 'hlep'",
    ),
    (
        "missing key",
        SMALL.replace('    help: "Any colour."\n', ""),
        "bad.yaml:5:5:",
        "missing the key 'help'",
    ),
    (
        "unquoted yes",
        SMALL.replace('title: "Small"', "title: yes"),
        "bad.yaml:1:8:",
        "as a boolean: quote it",
    ),
    (
        "boolean key",
        SMALL.replace('      red: "Red"', '      no: "Red"'),
        "bad.yaml:8:7:",
        "read as a boolean",
    ),
    ("number as text", SMALL.replace('"Which colour?"', "12:30"), "bad.yaml:5:11:", "must be text"),
    (
        "unknown action",
        SMALL.replace('action: "wait"', 'action: "panic"'),
        "bad.yaml:18:13:",
        "unknown action 'panic'",
    ),
    ("link to nothing", SMALL.replace('blue: "stop"', 'blue: "nowhere"'), "bad.yaml:15:13:", "'nowhere'"),
    (
        "choice leads nowhere",
        SMALL.replace('      blue: "stop"\n', ""),
        "bad.yaml:14:7:",
        "'blue' of question 'colour' leads nowhere",
    ),
    (
        "question without choices",
        SMALL.replace('      red: "Red"\n      blue: "Blue"\n', "      {}\n").replace(
            "    choices:\n      {}", "    choices: {}"
        ),
        "bad.yaml:7:14:",
        "has no choices",
    ),
    (
        "outcome without sources",
        SMALL.replace('    sources: ["Beyond the guide"]\n', ""),
        "bad.yaml:18:5:",
        "missing the key 'sources'",
    ),
    ("list at the top", "- 1\n- 2\n", "bad.yaml:1:1:", "must be a mapping"),
    (
        "unknown placeholder",
        SMALL.replace('"Wait a bit."', '"Wait {forever}."'),
        "bad.yaml:20:13:",
        "{forever}",
    ),
    (
        "bad id",
        SMALL.replace("  stop:\n", "  Stop Now:\n").replace('"stop"', '"Stop Now"'),
        "bad.yaml:",
        "not a valid id",
    ),
    (
        "start to nothing",
        SMALL.replace('start: "first"', 'start: "second"'),
        "bad.yaml:2:8:",
        "start names 'second'",
    ),
]


HOSTILE = [
    (
        "billion laughs",
        'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n',
        "bad.yaml:1:4:",
        "anchors",
    ),
    ("alias alone", "a: *nothing\n", "bad.yaml:1:4:", ""),
    ("python tag", "title: !!python/object/apply:os.system ['touch /tmp/pwned']\n", "bad.yaml:1:8:", "tags"),
    ("deep nesting", "a: " + "[" * 20000 + "]" * 20000 + "\n", "bad.yaml:1:", "nest"),
    ("deep mapping", "".join("  " * i + f"k{i}:\n" for i in range(200)), "bad.yaml:", "nested"),
    ("invalid utf-8", b'title: "caf\xe9"\n', "bad.yaml:1:12:", "UTF-8"),
    ("binary", b"\x7fELF\x02\x01\x01\x00\x00\x00", "bad.yaml:1:", ""),
    ("empty", b"", "bad.yaml:1:1:", "empty"),
    ("only a comment", b"# nothing\n", "bad.yaml:1:1:", ""),
    ("two documents", SMALL + "---\n" + SMALL, "bad.yaml:", "more than one"),
    ("scalar at the top", "just text\n", "bad.yaml:1:1:", "must be a mapping"),
    ("too big", b"#" * (MAX_BYTES + 1), "bad.yaml:1:1:", "at most"),
]
