"""Every message kind: polite, plain, with the order number and a screenshot reminder."""

from __future__ import annotations

import pytest
from ali_cancel.messages import ORDER_PLACEHOLDER, draft
from ali_cancel.model import MESSAGE_KINDS


@pytest.mark.parametrize("kind", MESSAGE_KINDS)
def test_each_kind_names_the_order_and_the_screenshot(kind: str) -> None:
    text = draft(kind, "8012345678901234")
    assert "8012345678901234" in text
    assert "screenshot" in text.lower()
    assert text.startswith("Hello") and text.rstrip().endswith("Thank you,")
    assert text.isascii()


def test_the_shipment_cancelled_draft_asks_what_happened_and_for_tracking() -> None:
    text = draft("shipment-cancelled", "1")
    assert "what happened" in text and "tracking number" in text


def test_no_order_number_leaves_a_visible_placeholder() -> None:
    assert ORDER_PLACEHOLDER in draft("follow-up", None)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(KeyError):
        draft("threat", "1")
