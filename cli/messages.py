"""Drafts of messages to the seller, ready to paste; pure."""

from __future__ import annotations

from .model import MESSAGE_KINDS

ORDER_PLACEHOLDER = "(your order number)"

_DRAFTS = {
    "urge-shipping": (
        "Hello,\n\n"
        "My order {order} still shows as awaiting shipment. I still want the item, so I would rather "
        "not see the order cancelled.\n\n"
        "Could you ship it soon and send me the tracking number? If you need more time, please extend "
        "the processing time so that the order stays open.\n\n"
        "I attach a screenshot of the order page.\n\n"
        "Thank you,"
    ),
    "return-request": (
        "Hello,\n\n"
        "I am writing about order {order}. I no longer need the item, and I understand the order can "
        "no longer be cancelled now that it has shipped.\n\n"
        "Would you accept a return? Please tell me how to send it back and how the refund would be "
        "made.\n\n"
        "I attach a screenshot of the order page.\n\n"
        "Thank you,"
    ),
    "shipment-cancelled": (
        "Hello,\n\n"
        'I received a "cancelled shipment" message for order {order}. Could you tell me what '
        "happened to the parcel?\n\n"
        "If you can send the order again, please let me know the new tracking number so I can "
        "follow it.\n\n"
        "I attach a screenshot of the message.\n\n"
        "Thank you,"
    ),
    "follow-up": (
        "Hello,\n\n"
        "A short reminder about order {order}: I wrote to you about it and have not had an answer "
        "yet. Could you reply when you have a moment?\n\n"
        "I attach a screenshot of my first message.\n\n"
        "Thank you,"
    ),
}

REMINDER = "Before you send it: attach the screenshot the message mentions."


def draft(kind: str, order: str | None) -> str:
    """The message of `kind` (one of MESSAGE_KINDS) about `order`, or with a placeholder for it."""
    if kind not in MESSAGE_KINDS:
        raise KeyError(kind)
    return _DRAFTS[kind].format(order=order or ORDER_PLACEHOLDER)
