"""core.decide: advice that follows the clock, dates that settle categories, contradictions as exit 2."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from ali_cancel.core import Decision, decide
from ali_cancel.deadlines import Moment, parse_when
from ali_cancel.engine import Advice, Needed
from ali_cancel.errors import UsageError
from ali_cancel.facts import FACTS
from ali_cancel.model import RuleSet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import CONTACT, NOT_SHIPPED, PAID_OPEN, SHIPPED, advice_of, decide_args, draft, flags

pytestmark = pytest.mark.usefixtures("utc")

NOW = "2026-11-20T12:00Z"
WANT_REFUND = [*NOT_SHIPPED, *flags(cancel_request="none", seller_asked="no", want="refund", coupon="none")]
WANT_ITEM = [*NOT_SHIPPED, *flags(cancel_request="none", seller_asked="no", want="item", coupon="none")]
CHANGED_MIND = [*SHIPPED, *flags(problem="changed-mind", protection="plenty-left")]


def due_of(rules: RuleSet, args: list[str]) -> dict[str, tuple[bool, str]]:
    return {d.id: (d.passed, d.at.isoformat()) for d in decide_args(rules, args).due}


def refused(rules: RuleSet, args: list[str]) -> str:
    with pytest.raises(UsageError) as caught:
        decide_args(rules, args)
    return caught.value.message


# --- Advice that follows the clock: each defect of the issue, as the buyer would meet it


def test_a_cancelled_shipment_with_a_silent_seller_and_little_protection_left_is_a_dispute(
    rules: RuleSet,
) -> None:
    args = [*PAID_OPEN, *flags(shipping="shipment-cancelled", seller_asked="no", want="item")]
    args += flags(seller_reply="no-reply", protection="running-out")
    advice = advice_of(rules, args)  # no --problem needed: a cancelled shipment has no "why"
    assert advice.outcome.action == "open-dispute"


def test_a_ship_by_date_lasts_until_the_end_of_that_day(rules: RuleSet) -> None:
    decision = decide_args(rules, [*WANT_REFUND, "--ship-by", "2026-11-20", "--now", NOW])
    (ship_by,) = decision.due
    assert not ship_by.passed
    assert ship_by.at.isoformat() == "2026-11-20T23:59:59+00:00"
    assert "passed" not in " ".join(decision.result.notes if isinstance(decision.result, Advice) else ())
    later = decide_args(rules, [*WANT_REFUND, "--ship-by", "2026-11-20", "--now", "2026-11-21T00:00Z"])
    assert later.due[0].passed


@pytest.mark.parametrize(
    ("args", "action"),
    [(WANT_REFUND, "request-cancellation"), (WANT_ITEM, "contact-seller")],
    ids=["refund wanted", "item wanted"],
)
def test_after_a_passed_ship_by_the_buyer_still_gets_something_to_do(
    rules: RuleSet, args: list[str], action: str
) -> None:
    advice = advice_of(rules, [*args, "--ship-by", "2026-11-18T10:00Z", "--now", NOW])
    assert advice.outcome.action == action
    assert advice.checks == (("ship-by", True),)
    assert any("shipping deadline has passed" in note for note in advice.notes)


def test_no_response_two_months_ago_means_the_refund_is_late(rules: RuleSet) -> None:
    args = [*NOT_SHIPPED, *flags(cancel_request="no-response", coupon="none")]
    decision = decide_args(rules, [*args, "--requested-at", "2026-09-20T12:00Z", "--now", NOW])
    assert isinstance(decision.result, Advice)
    assert decision.result.outcome.action == "contact-support"
    due = {d.id: d for d in decision.due}
    # AliExpress cancelled at the 72nd hour: that moment starts the refund clock
    assert decision.dates["cancelled-at"].aware() == datetime(2026, 9, 23, 12, tzinfo=timezone.utc)
    assert due["refund-start-latest"].passed
    assert due["refund-start-earliest"].at.isoformat() == "2026-10-02T12:00:00+00:00"


def test_no_response_one_day_after_the_request_is_refused_naming_both_flags(rules: RuleSet) -> None:
    args = [*NOT_SHIPPED, *flags(cancel_request="no-response", coupon="none")]
    message = refused(rules, [*args, "--requested-at", "2026-11-19T12:00Z", "--now", NOW])
    assert "--cancel-request no-response" in message and "--requested-at" in message


def test_pending_past_the_72_hours_is_advised_as_no_response_with_a_note(rules: RuleSet) -> None:
    args = [*NOT_SHIPPED, *flags(cancel_request="pending", coupon="none")]
    decision = decide_args(rules, [*args, "--requested-at", "4 days ago", "--now", NOW])
    assert isinstance(decision.result, Advice)
    assert decision.answers["cancel-request"] == "no-response"
    assert decision.result.ignored == ("cancel-request",)
    assert "overrules --cancel-request pending" in decision.result.notes[0]
    assert "contact AliExpress support" in " ".join(decision.result.outcome.steps)


@pytest.mark.parametrize(
    ("dates", "needles"),
    [
        (["--requested-at", "2026-11-21T12:00Z"], ["--requested-at", "--now"]),
        (["--requested-at", "tomorrow"], ["--requested-at", "--now"]),
        (["--contacted-at", "in 3 hours"], ["--contacted-at", "--now"]),
        (["--cancelled-at", "2026-11-25"], ["--cancelled-at", "--now"]),
        (
            ["--requested-at", "2026-11-19T12:00Z", "--cancelled-at", "2026-11-18T12:00Z"],
            ["--cancelled-at", "--requested-at"],
        ),
    ],
    ids=["request after now", "request tomorrow", "contact in 3 hours", "cancelled later", "cancelled first"],
)
def test_impossible_dates_are_refused_naming_both_flags(
    rules: RuleSet, dates: list[str], needles: list[str]
) -> None:
    message = refused(rules, [*NOT_SHIPPED, *flags(cancel_request="approved"), *dates, "--now", NOW])
    assert all(needle in message for needle in needles), message


def test_a_whole_day_contradicts_only_if_every_moment_of_it_would(rules: RuleSet) -> None:
    # requested today and cancelled today: the day may hold the request before the cancellation
    args = [*NOT_SHIPPED, *flags(cancel_request="approved", coupon="none")]
    decision = decide_args(rules, [*args, "--requested-at", "today", "--cancelled-at", "today", "--now", NOW])
    assert isinstance(decision.result, Advice)


def test_a_wrong_item_gets_a_problem_report_never_a_change_of_mind(rules: RuleSet) -> None:
    args = [*PAID_OPEN, *flags(shipping="delivered", problem="wrong-item", seller_reply="not-contacted")]
    decision = decide_args(rules, [*args, *flags(protection="plenty-left")])
    assert isinstance(decision.result, Advice)
    assert decision.result.outcome.message == "problem-report"
    text = draft(rules, decision)
    assert text is not None and "not the one I ordered" in text
    assert "no longer need" not in text.lower() and "changed my mind" not in text.lower()


@pytest.mark.parametrize(
    "args",
    [
        [*SHIPPED, *flags(problem="damaged", seller_reply="no-reply", protection="running-out")],
        [
            *SHIPPED,
            *flags(problem="not-arrived", want="refund", seller_reply="waiting", protection="running-out"),
        ],
        [*PAID_OPEN, *flags(shipping="shipment-cancelled", seller_asked="yes")],
        [*CHANGED_MIND[:-2], *flags(protection="running-out", seller_reply="replied")],
    ],
    ids=["damaged", "not arrived", "cancelled shipment", "changed mind"],
)
def test_every_dispute_carries_the_dispute_text_listing_the_evidence(rules: RuleSet, args: list[str]) -> None:
    decision = decide_args(rules, args)
    assert isinstance(decision.result, Advice)
    assert decision.result.outcome.action == "open-dispute"
    assert decision.result.outcome.message == "dispute"
    text = draft(rules, decision)
    assert text is not None and "Attached:" in text and "8123" in text


def _notes(rules: RuleSet, args: list[str]) -> str:
    return " ".join(advice_of(rules, args).notes)


def test_a_platform_coupon_on_some_items_stays_spent(rules: RuleSet) -> None:
    args = [*NOT_SHIPPED, *flags(cancel_request="none", seller_asked="no", want="refund", coupon="platform")]
    assert "stays spent" in _notes(rules, [*args, "--items", "some"])
    assert "stays spent" not in _notes(rules, [*args, "--items", "all"])
    assert "coupon comes back" in _notes(rules, [*args, "--items", "all"])


def test_the_coupon_note_shows_while_the_payment_is_verified(rules: RuleSet) -> None:
    args = flags(payment="verifying", closed="no", coupon="platform", items="all")
    assert "coupon comes back" in _notes(rules, args)


def test_a_payment_check_never_says_the_verification_can_be_skipped(rules: RuleSet) -> None:
    advice = advice_of(rules, flags(payment="paid", closed="payment-check"))
    assert advice.outcome.action == "verify-payment"
    words = " ".join(
        [*advice.outcome.steps, *advice.notes, *(a.why for a in advice.outcome.alternatives)]
    ).lower()
    assert "skip" not in words and "not needed" not in words and "without verif" not in words


def test_fact_values_are_read_in_any_case(rules: RuleSet) -> None:
    assert (
        advice_of(rules, ["--payment", "Paid", "--closed", "PAYMENT-CHECK"]).outcome.action
        == "verify-payment"
    )


def test_contacted_at_alone_is_waiting_for_a_week_then_no_reply(rules: RuleSet) -> None:
    args = [*CHANGED_MIND, "--now", NOW]
    soon = decide_args(rules, [*args, "--contacted-at", "2 days ago"])
    late = decide_args(rules, [*args, "--contacted-at", "8 days ago"])
    assert soon.answers["seller-reply"] == "waiting" and late.answers["seller-reply"] == "no-reply"
    assert isinstance(soon.result, Advice) and isinstance(late.result, Advice)
    assert soon.result.outcome.id == "wait-for-reply" and late.result.outcome.id == "keep-waiting"
    assert soon.result.ignored == () == late.result.ignored  # nothing was overruled: nothing was given


def test_waiting_given_after_the_week_is_advised_as_no_reply(rules: RuleSet) -> None:
    args = [*CHANGED_MIND, "--seller-reply", "waiting", "--contacted-at", "10 days ago", "--now", NOW]
    decision = decide_args(rules, args)
    assert decision.answers["seller-reply"] == "no-reply"
    assert isinstance(decision.result, Advice) and "seller-reply" in decision.result.ignored


def test_no_reply_two_days_after_writing_is_refused(rules: RuleSet) -> None:
    args = [*CHANGED_MIND, "--seller-reply", "no-reply", "--contacted-at", "-2d", "--now", NOW]
    message = refused(rules, args)
    assert "--seller-reply no-reply" in message and "--contacted-at" in message


@pytest.mark.parametrize(
    ("ends", "protection", "action"),
    [
        ("in 30 days", "plenty-left", "wait"),
        ("in 6 days", "plenty-left", "wait"),
        ("in 5 days", "running-out", "open-dispute"),
        ("+2d", "running-out", "open-dispute"),
        ("-1h", "running-out", "contact-support"),
    ],
)
def test_protection_ends_decides_the_protection(
    rules: RuleSet, ends: str, protection: str, action: str
) -> None:
    args = [*SHIPPED, *flags(problem="changed-mind", seller_reply="waiting")]
    decision = decide_args(rules, [*args, "--protection-ends", ends, "--now", NOW])
    assert decision.answers["protection"] == protection
    assert isinstance(decision.result, Advice) and decision.result.outcome.action == action


def test_protection_ends_overrules_a_wrong_protection_flag_with_a_note(rules: RuleSet) -> None:
    args = [*SHIPPED, *flags(problem="changed-mind", seller_reply="waiting", protection="plenty-left")]
    advice = advice_of(rules, [*args, "--protection-ends", "+1d", "--now", NOW])
    assert advice.outcome.action == "open-dispute"
    assert "protection" in advice.ignored and "overrules --protection plenty-left" in advice.notes[0]


@pytest.mark.parametrize(
    ("shipping", "problem"),
    [("delivered", "not-arrived"), ("not-shipped", "wrong-item"), ("not-shipped", "damaged")],
)
def test_categories_that_contradict_each_other_are_refused(
    rules: RuleSet, shipping: str, problem: str
) -> None:
    message = refused(rules, [*PAID_OPEN, *flags(shipping=shipping, problem=problem)])
    assert f"--shipping {shipping}" in message and f"--problem {problem}" in message


def test_a_contact_seller_path_offers_the_urge_shipping_draft(rules: RuleSet) -> None:
    decision = decide_args(rules, CONTACT)
    assert isinstance(decision.result, Advice) and decision.result.outcome.message == "urge-shipping"


# --- Properties over the whole answer space, dates included

DATE_NAMES = ("requested-at", "cancelled-at", "ship-by", "contacted-at", "protection-ends")
# Around both daylight-saving changes of Europe/Berlin, and an ordinary day.
NOWS = [
    datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc),
    datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc),
    datetime(2027, 3, 28, 0, 59, tzinfo=timezone.utc),
    datetime(2027, 3, 28, 1, 0, tzinfo=timezone.utc),
    datetime(2026, 11, 20, 23, 30, tzinfo=timezone.utc),
]


def _when() -> st.SearchStrategy[str]:
    days = st.integers(0, 60)
    relative = st.one_of(
        st.sampled_from(["now", "today", "yesterday", "tomorrow", "Yesterday"]),
        days.map(lambda n: f"{n} days ago"),
        st.integers(0, 200).map(lambda n: f"{n} hours ago"),
        days.map(lambda n: f"in {n} days"),
        st.tuples(st.sampled_from("+-"), days, st.integers(0, 23)).map(lambda t: f"{t[0]}{t[1]}d{t[2]}h"),
    )
    instants = st.datetimes(datetime(2026, 8, 1), datetime(2027, 5, 1))
    offsets = st.sampled_from(["", "Z", "+08:00", "-05:00", "+01:00", "+02:00"])
    absolute = st.one_of(
        instants.map(lambda d: d.date().isoformat()),
        st.tuples(instants, offsets).map(lambda t: t[0].isoformat(timespec="minutes") + t[1]),
    )
    return st.one_of(relative, absolute)


@st.composite
def _situations(draw: st.DrawFn, rules: RuleSet) -> tuple[dict[str, str], dict[str, str], datetime]:
    answers = draw(
        st.fixed_dictionaries({}, optional={q.id: st.sampled_from(q.values()) for q in rules.questions})
    )
    dates = draw(st.fixed_dictionaries({}, optional={name: _when() for name in DATE_NAMES}))
    now = draw(st.sampled_from(NOWS)) + timedelta(minutes=draw(st.integers(-90, 90)))
    return answers, dates, now


def _decide_or_refuse(
    rules: RuleSet, answers: dict[str, str], dates: dict[str, Moment], now: datetime
) -> Decision | None:
    """The decision, or None for a usage error that says what is wrong in one line."""
    try:
        return decide(rules, answers, dates, now)
    except UsageError as error:
        message = error.message
    assert message and "\n" not in message
    return None


@pytest.mark.usefixtures("berlin")
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_answers_and_dates_end_in_advice_a_missing_fact_or_a_usage_error(
    rules: RuleSet, data: st.DataObject
) -> None:
    answers, texts, now = data.draw(_situations(rules))
    dates = {name: parse_when(text, now) for name, text in texts.items()}
    for _ in range(len(rules.questions) + 1):
        decision = _decide_or_refuse(rules, answers, dates, now)
        if decision is None:
            return
        for due in decision.due:
            assert due.passed == (due.at <= now), due  # never called passed before it is
            assert due.passed <= due.surely  # counted from the start of a day, it passes no later
            if due.moment.whole_day and due.id in ("ship-by", "protection-ends"):
                assert due.at.time().isoformat() == "23:59:59"  # a whole day runs to its end
        result = decision.result
        for fact, value in answers.items():  # the dates may settle a fact, never unsay a value into nothing
            assert decision.answers[fact] in FACTS[fact].values, (fact, value)
        if isinstance(result, Advice):
            assert set(result.ignored) <= set(answers)  # only a given answer is ignored or overruled
            assert all(decision.answers[step.question] == step.answer for step in result.path)
            return
        assert isinstance(result, Needed)
        assert result.fact not in decision.answers  # never asks what is known
        assert result.fact not in result.later
        answers = {**answers, result.fact: data.draw(st.sampled_from(rules.question(result.fact).values()))}
    pytest.fail("the walk never ended")


def test_a_fact_only_a_date_filled_in_is_never_listed_as_ignored(rules: RuleSet) -> None:
    advice = advice_of(rules, ["--payment", "unpaid", "--contacted-at", "2 days ago", "--now", NOW])
    assert advice.outcome.action == "cancel-order"
    assert advice.ignored == ()  # the buyer never said --seller-reply: nothing of theirs was ignored


def test_a_custom_rule_file_with_an_overruled_fact_lists_its_own_facts_too() -> None:
    from ali_cancel.loader import load_bytes

    from .helpers import SMALL

    text = SMALL.replace("questions:\n", QUESTION_PROTECTION, 1).replace('start: "first"', 'start: "guard"')
    text = text.replace("tree:\n", GUARD, 1)
    custom = load_bytes(text.encode(), "custom.yaml")
    now = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    ends = {"protection-ends": parse_when("in 30 days", now)}
    decision = decide(custom, {"colour": "red", "protection": "running-out"}, ends, now)
    assert isinstance(decision.result, Advice)
    assert decision.result.ignored == ("protection", "colour")  # overruled, then not asked
    assert "overrules --protection running-out" in decision.result.notes[0]


QUESTION_PROTECTION = (
    'deadlines:\n  dispute-by:\n    label: "Dispute by"\n    from: "protection-ends"\n    days-before: 5\n'
    'questions:\n  protection:\n    text: "Time left?"\n    help: "h"\n    choices:\n'
    '      plenty-left: "Plenty"\n      running-out: "Little"\n'
)
GUARD = (
    'tree:\n  guard:\n    ask: "protection"\n'
    '    answers:\n      plenty-left: "stop"\n      running-out: "first"\n'
)
