"""The contract's facts and dates: flags, values, one-line help, and how dates settle facts; pure.

Each fact is said once here (its flag, values and help); the rule file asks it as a question with
the same id and values (a test holds the two together). Dates are the `WHEN` options of `advise`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from .i18n import _

#: An order number as AliExpress shows it: digits only, 1 to 30 of them (`--order NUMBER`).
ORDER_NUMBER = re.compile(r"[0-9]{1,30}\Z")


class Settle(NamedTuple):
    """A date that decides a fact: `before` until deadline `by` has passed, `after` from then on.

    A given value in `overrules` yields to the date (with a note); `after` given while the
    date says time has not run out is a contradiction (exit 2) unless it is in `overrules`.
    `fills`: the date answers the fact when no flag does.
    """

    date: str
    by: str
    before: str
    after: str
    overrules: tuple[str, ...]
    fills: bool


class Fact(NamedTuple):
    """One fact of the contract: its values, the flag's help, and the dates it brings with it."""

    values: tuple[str, ...]
    help: str
    asks: tuple[tuple[str, str], ...] = ()  # (value, date): the answer that makes a date matter
    date_first: str | None = None  # a date asked before the fact, which it then settles
    settle: Settle | None = None
    implies: tuple[str, str, str] | None = None  # (value, date, deadline): the date is that deadline


FACTS: dict[str, Fact] = {
    "payment": Fact(("unpaid", "verifying", "paid"), _("Paid? unpaid, verifying (not verified yet), paid.")),
    "closed": Fact(
        ("no", "seller-timeout", "reused-coupon", "payment-check"),
        _("Did AliExpress close the order, and why?"),
        asks=(("seller-timeout", "cancelled-at"),),
    ),
    "shipping": Fact(
        ("not-shipped", "shipped", "shipment-cancelled", "delivered"),
        _("Where the parcel stands."),
        asks=(("not-shipped", "ship-by"),),
    ),
    "cancel-request": Fact(
        ("none", "pending", "approved", "no-response", "rejected"),
        _("Your cancellation request and the seller's answer."),
        asks=(("pending", "requested-at"), ("no-response", "requested-at"), ("approved", "cancelled-at")),
        settle=Settle("requested-at", "seller-response-due", "pending", "no-response", ("pending",), False),
        implies=("no-response", "cancelled-at", "seller-response-due"),
    ),
    "seller-asked": Fact(("no", "yes"), _("Did the seller ask you to request the cancellation?")),
    "want": Fact(("refund", "item"), _("Your money back, or the item.")),
    "coupon": Fact(("none", "platform", "seller"), _("A coupon on the order, and whose.")),
    "seller-reply": Fact(
        ("not-contacted", "waiting", "replied", "no-reply"),
        _("Have you written to the seller, and did they answer?"),
        asks=(("waiting", "contacted-at"), ("no-reply", "contacted-at")),
        settle=Settle(
            "contacted-at", "seller-reply-expected", "waiting", "no-reply", ("waiting", "not-contacted"), True
        ),
    ),
    "protection": Fact(
        ("plenty-left", "running-out"),
        _("Buyer protection time left."),
        date_first="protection-ends",
        settle=Settle(
            "protection-ends",
            "dispute-by",
            "plenty-left",
            "running-out",
            ("plenty-left", "running-out"),
            True,
        ),
    ),
    "problem": Fact(
        ("changed-mind", "not-arrived", "wrong-item", "damaged", "not-as-described"),
        _("Why you want out of a shipped or delivered order."),
    ),
    "items": Fact(("all", "some"), _("Cancel every item bought with the coupon, or only some.")),
}


#: Answers that cannot both be true: given together they are exit 2 (the contract: "categories
#: never contradict each other"). An item that came was shipped, and one delivered has arrived.
CONFLICTS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("shipping", "problem"): (
        ("delivered", "not-arrived"),
        ("not-shipped", "wrong-item"),
        ("not-shipped", "damaged"),
        ("not-shipped", "not-as-described"),
    ),
}


def conflicts() -> tuple[tuple[tuple[str, str], tuple[str, str]], ...]:
    """Each contradiction as ((fact, value), (other fact, value))."""
    return _CONFLICT_PAIRS


def ruled_out(answers: Mapping[str, str], fact: str) -> tuple[str, ...]:
    """The values of `fact` that contradict an answer already given (for a menu to leave out)."""
    found = []
    for first, second in conflicts():
        for mine, other in ((first, second), (second, first)):
            if mine[0] == fact and answers.get(other[0]) == other[1]:
                found.append(mine[1])
    return tuple(found)


class Date(NamedTuple):
    """A `WHEN` option: the flag's help, the interview's question and help, and its checks."""

    help: str
    question: str
    explain: str
    past: bool = False  # an event: it cannot be after --now
    not_before: str | None = None  # another date it cannot precede


DATES: dict[str, Date] = {
    "requested-at": Date(
        _("When you submitted the cancellation request."),
        _("When did you submit the cancellation request?"),
        _("The seller's time to answer counts from then."),
        past=True,
    ),
    "cancelled-at": Date(
        _("When the order was cancelled (the refund clock starts)."),
        _("When was the order cancelled?"),
        _("The refund should start some working days after that moment."),
        past=True,
        not_before="requested-at",
    ),
    "ship-by": Date(
        _("The order page's deadline for the seller to ship."),
        _("Until when must the seller ship (the order page's countdown)?"),
        _("My Orders shows how long the seller has left to ship."),
    ),
    "contacted-at": Date(
        _("When you wrote to the seller (the week for an answer starts)."),
        _("When did you write to the seller?"),
        _("Sellers may take up to a week to answer; the week counts from then."),
        past=True,
    ),
    "protection-ends": Date(
        _("When buyer protection ends (the order page's countdown)."),
        _("When does buyer protection end (the order page's countdown)?"),
        _("A dispute can be opened only before then."),
    ),
}


_CONFLICT_PAIRS = tuple(((a, x), (b, y)) for (a, b), pairs in CONFLICTS.items() for x, y in pairs)
#: The facts a date may settle, and those an answer of which implies a date: looked at by every decision.
SETTLED = tuple((fact, spec.settle) for fact, spec in FACTS.items() if spec.settle is not None)
IMPLYING = tuple((fact, spec.implies) for fact, spec in FACTS.items() if spec.implies is not None)
