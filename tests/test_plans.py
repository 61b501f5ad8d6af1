"""Plans kept between runs: a decision holds until core.stable_until, and a kept plan is used only then."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from ali_cancel import tracking as orders
from ali_cancel.core import decide, stable_until
from ali_cancel.deadlines import Moment
from ali_cancel.engine import Advice
from ali_cancel.exchange import Order
from ali_cancel.model import RuleSet
from ali_cancel.notebook import Notebook
from ali_cancel.plans import Plans
from hypothesis import given, settings
from hypothesis import strategies as st

UTC = timezone.utc
START = datetime(2026, 11, 30, 9, tzinfo=UTC)
PENDING = {
    "payment": "paid",
    "closed": "no",
    "shipping": "not-shipped",
    "cancel-request": "pending",
    "coupon": "none",
}
SHIPPED = {
    "payment": "paid",
    "closed": "no",
    "shipping": "shipped",
    "problem": "not-arrived",
    "want": "refund",
}


def outcome(rules: RuleSet, answers: dict[str, str], dates: dict[str, Moment], now: datetime) -> object:
    result = decide(rules, answers, dates, now).result
    return result.outcome.id if isinstance(result, Advice) else ("needs", result.fact)


@settings(max_examples=60, deadline=None)
@given(
    requested=st.integers(min_value=0, max_value=24 * 40),
    contacted=st.integers(min_value=0, max_value=24 * 40),
    ends=st.integers(min_value=-24 * 10, max_value=24 * 30),
    whole_day=st.booleans(),
    steps=st.lists(st.integers(min_value=0, max_value=24 * 60), min_size=1, max_size=6),
)
def test_a_decision_holds_until_stable_until_and_not_always_after(
    rules: RuleSet, requested: int, contacted: int, ends: int, whole_day: bool, steps: list[int]
) -> None:
    """Between now and stable_until the same answers and dates decide the same; the instant itself may not."""
    wall = (START - timedelta(hours=requested)).replace(tzinfo=None)
    requested_at = (
        Moment(wall.replace(hour=23, minute=59, second=59), UTC, True) if whole_day else Moment(wall, UTC)
    )
    for answers, dates in (
        (PENDING, {"requested-at": requested_at}),
        (
            SHIPPED,
            {
                "contacted-at": Moment((START - timedelta(hours=contacted)).replace(tzinfo=None), UTC),
                "protection-ends": Moment((START + timedelta(hours=ends)).replace(tzinfo=None), UTC),
            },
        ),
    ):
        first = decide(rules, answers, dates, START)
        until = stable_until(rules, first, START)
        expected = outcome(rules, answers, dates, START)
        for step in steps:
            later = START + timedelta(minutes=step * 7)
            if until is None or later < until:
                assert outcome(rules, answers, dates, later) == expected, (later, until)
        if until is not None:
            assert until > START


def test_a_kept_plan_is_used_before_its_moment_and_decided_again_after(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALI_CANCEL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ALI_CANCEL_CACHE_DIR", str(tmp_path / "cache"))
    asked = START - timedelta(hours=70)  # an undated pending request, stored 70 hours ago
    with Notebook.open(write=True) as notebook:
        notebook.remember("81234", answers=PENDING, dates={}, label=None, at=asked.isoformat())
    monkeypatch.setattr(orders, "utc_now", lambda: START)
    first = orders.looks(False)[2][0]
    assert first.action == "wait"
    assert first.next is not None and first.next.id == "seller-response-due" and not first.next.passed

    calls: list[str] = []
    real = orders.decide_order

    def counting(rules: RuleSet, order: Order, now: datetime) -> object:
        calls.append(order.number)
        return real(rules, order, now)

    monkeypatch.setattr(orders, "decide_order", counting)
    again = orders.looks(False)[2][0]
    assert calls == [] and again.action == "wait"  # the kept plan, no new decision

    monkeypatch.setattr(orders, "utc_now", lambda: START + timedelta(hours=3))  # past the 72 hours
    aged = orders.looks(False)[2][0]
    assert calls == ["81234"]  # decided again: the seller's 72 hours are over
    passed = {mark.id: mark.passed for mark in aged.marks}
    assert passed["seller-response-due"] is True
    assert (
        aged.next is not None and aged.next.id == "refund-start-earliest"
    )  # AliExpress cancels: refund clock


def test_a_changed_order_or_rule_code_is_decided_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALI_CANCEL_CACHE_DIR", str(tmp_path / "cache"))
    order = Order("81234", None, dict(PENDING), {}, {"cancel-request": START.isoformat()}, False, ())
    plans = Plans(str(tmp_path / "notebook.sqlite3"))
    from ali_cancel.plans import Plan

    plans.put(
        order,
        Plan(
            "wait", "", (("seller-response-due", START + timedelta(hours=72)),), START + timedelta(hours=72)
        ),
    )
    plans.save()
    kept = Plans(str(tmp_path / "notebook.sqlite3"))
    assert kept.get(order, START) is not None
    assert kept.get(order, START + timedelta(hours=72)) is None  # its moment has come
    changed = order._replace(answers={**PENDING, "coupon": "platform"})
    assert kept.get(changed, START) is None
    monkeypatch.setattr(kept, "version", "another build")
    kept.changed = True
    kept.save()
    assert Plans(str(tmp_path / "notebook.sqlite3")).get(order, START) is None  # written by other code
