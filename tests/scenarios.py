"""Guide scenarios beyond shared/acceptance, each tied to the guide section it comes from."""

from __future__ import annotations

from typing import Any


def flags(**facts: str) -> list[str]:
    """Fact flags from keywords: flags(cancel_request="none") == ["--cancel-request", "none"]."""
    return [word for fact, value in facts.items() for word in (f"--{fact.replace('_', '-')}", value)]


PAID_OPEN = flags(payment="paid", closed="no")
NOT_SHIPPED = [*PAID_OPEN, "--shipping", "not-shipped"]
#: A path that ends in contact-seller with the urge-shipping message.
CONTACT = [*NOT_SHIPPED, *flags(cancel_request="none", coupon="platform", seller_asked="no", want="item")]

# name, args, action, strings the JSON must hold, guide section
EXTRA: list[dict[str, Any]] = [
    {
        "name": "payment still being verified",
        "args": flags(payment="verifying", closed="no"),
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
                shipping="shipment-cancelled",
                cancel_request="none",
                seller_asked="no",
                want="item",
                coupon="none",
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
        "contains": ["not your fault"],
        "guide": "What to Do When you Receive a Message About the Cancellation?",
    },
    {
        "name": "cancelled shipment, seller out of stock asks to cancel",
        "args": [*PAID_OPEN, *flags(shipping="shipment-cancelled", seller_asked="yes")],
        "action": "open-dispute",
        "guide": "What to Do When you Receive a Message About the Cancellation?",
    },
    {
        "name": "written to the seller, waiting, protection fine",
        "args": [
            *PAID_OPEN,
            *flags(shipping="shipped", want="refund", seller_reply="waiting", protection="plenty-left"),
        ],
        "action": "wait",
        "contains": ["week"],
        "guide": "How to Contact the Seller for a Cancelled Order?",
    },
    {
        "name": "seller silent for a week, protection fine",
        "args": [
            *PAID_OPEN,
            *flags(shipping="shipped", want="refund", seller_reply="no-reply", protection="plenty-left"),
        ],
        "action": "wait",
        "contains": ["reminder"],
        "guide": "Things to Remember",
    },
    {
        "name": "AliExpress coupon on a self-cancelled order",
        "args": [
            *NOT_SHIPPED,
            *flags(cancel_request="none", coupon="platform", seller_asked="no", want="refund"),
        ],
        "action": "request-cancellation",
        "contains": ["every item", "expired"],
        "guide": "What about redeeming discount codes?",
    },
    {
        "name": "seller promo code on an order AliExpress closed",
        "args": flags(payment="paid", closed="seller-timeout", coupon="seller"),
        "action": "wait",
        "contains": ["promo code does not come back"],
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
        "contains": ["contact-support"],
        "deadlines": {"seller-response-due": {"at": "2026-11-23T02:00:00+00:00", "passed": True}},
        "guide": "Important Notes",
    },
    {
        "name": "ship-by passed on an order still waiting",
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
        "action": "wait",
        "contains": ["automatic"],
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
        "name": "delivered, buyer wants the money back (beyond the guide)",
        "args": [*PAID_OPEN, *flags(shipping="delivered", protection="plenty-left")],
        "action": "contact-seller",
        "contains": ["Beyond the guide"],
        "guide": "Things to Remember",
    },
    {
        "name": "seller refused the cancellation (beyond the guide)",
        "args": [*NOT_SHIPPED, *flags(cancel_request="rejected")],
        "action": "contact-support",
        "contains": ["Beyond the guide"],
        "guide": "Things to Remember",
    },
]
