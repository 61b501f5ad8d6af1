"""The clock on its own: ISO input, 72 real hours, working days, passed or not; no real clock."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest
from ali_cancel.deadlines import add_working_days, compute, parse_when, relative
from ali_cancel.model import Deadline, RuleSet

UTC = timezone.utc
CET = timezone(timedelta(hours=1))


@pytest.fixture
def berlin() -> Iterator[None]:
    """Local time is Europe/Berlin (daylight saving ends 2026-10-25, starts 2027-03-28)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def by_id(rules: RuleSet, moment_name: str, text: str, now: datetime) -> dict[str, tuple[str, bool]]:
    due = compute(rules.deadlines, {moment_name: parse_when(text)}, now)
    return {d.id: (d.at.isoformat(), d.passed) for d in due}


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 11, 27), 7, date(2026, 12, 8)),  # Friday: the contract's own example
        (date(2026, 11, 28), 7, date(2026, 12, 8)),  # Saturday
        (date(2026, 11, 29), 7, date(2026, 12, 8)),  # Sunday
        (date(2026, 11, 30), 7, date(2026, 12, 9)),  # Monday
        (date(2026, 11, 27), 15, date(2026, 12, 18)),
        (date(2026, 12, 24), 7, date(2027, 1, 4)),  # across the year end
        (date(2027, 1, 29), 1, date(2027, 2, 1)),  # across a month end, over a weekend
        (date(2026, 11, 27), 5, date(2026, 12, 4)),
        (date(2026, 11, 28), 5, date(2026, 12, 4)),  # five from a Saturday is the Friday
        (date(2026, 11, 27), 0, date(2026, 11, 27)),
    ],
)
def test_working_days_skip_weekends(start: date, count: int, expected: date) -> None:
    assert add_working_days(start, count) == expected


def test_seller_window_is_72_hours_with_offset_kept(rules: RuleSet) -> None:
    now = datetime(2026, 11, 23, 1, 59, tzinfo=UTC)
    got = by_id(rules, "requested-at", "2026-11-20T10:00:00+08:00", now)
    assert got == {"seller-response-due": ("2026-11-23T10:00:00+08:00", False)}
    later = by_id(rules, "requested-at", "2026-11-20T10:00:00+08:00", now + timedelta(minutes=1))
    assert later["seller-response-due"][1] is True  # passed exactly at the moment, to the minute


def test_refund_window_counts_working_days_at_the_same_time_of_day(rules: RuleSet) -> None:
    now = datetime(2026, 12, 10, tzinfo=UTC)
    got = by_id(rules, "cancelled-at", "2026-11-27T18:45+01:00", now)
    assert got["refund-start-earliest"] == ("2026-12-08T18:45:00+01:00", True)
    assert got["refund-start-latest"] == ("2026-12-18T18:45:00+01:00", False)


def test_a_date_alone_is_midnight_and_z_is_utc(rules: RuleSet) -> None:
    got = by_id(rules, "ship-by", "2026-12-01", datetime(2026, 12, 1, tzinfo=UTC))
    assert got["ship-by"][0].startswith("2026-12-01T00:00:00")
    assert parse_when("2026-11-20T10:00Z").aware() == datetime(2026, 11, 20, 10, tzinfo=UTC)


@pytest.mark.usefixtures("berlin")
def test_72_hours_across_a_daylight_saving_change_are_72_real_hours(rules: RuleSet) -> None:
    # 2027-03-28 02:00 Berlin clocks jump to 03:00: 72 real hours later the wall clock says 11:00
    got = by_id(rules, "requested-at", "2027-03-26T10:00", datetime(2027, 1, 1, tzinfo=UTC))
    assert got["seller-response-due"][0] == "2027-03-29T11:00:00+02:00"


@pytest.mark.usefixtures("berlin")
def test_working_days_across_a_daylight_saving_change_keep_the_wall_clock(rules: RuleSet) -> None:
    got = by_id(rules, "cancelled-at", "2027-03-24T09:00", datetime(2027, 1, 1, tzinfo=UTC))
    assert got["refund-start-earliest"][0] == "2027-04-02T09:00:00+02:00"  # CET when given, CEST when due


@pytest.mark.usefixtures("berlin")
def test_naive_input_is_local_time() -> None:
    assert parse_when("2026-11-20T10:00").aware().utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tomorrow",
        "2026-13-01",
        "2026-02-30",
        "2026-11-20T25:00",
        "20261120",
        "2026-11-20T10:00+24:00",
        "2026-11-20 10",
        "2026-11-20T10:00:00+08:00 extra",
        "0000-01-01",
    ],
)
def test_bad_dates_are_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="2026-11-20T10:00:00"):
        parse_when(text)


def test_hours_only_deadline_spans_read_well() -> None:
    assert Deadline("x", "X", "ship-by", hours=72).span() == "72 hours"
    assert Deadline("x", "X", "ship-by", working_days=1).span() == "1 working day"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(days=1, hours=3, minutes=5), "in 1 day 3 hours"),
        (-timedelta(hours=5), "passed 5 hours ago"),
        (timedelta(minutes=1), "in 1 minute"),
        (timedelta(seconds=20), "now"),
        (-timedelta(days=2, minutes=30), "passed 2 days 30 minutes ago"),
    ],
)
def test_relative_time_reads_like_a_person_would_say_it(delta: timedelta, text: str) -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert relative(now + delta, now) == text


def test_the_numbers_come_from_the_rules_file(rules: RuleSet) -> None:
    spans = {d.id: (d.hours, d.working_days) for d in rules.deadlines}
    assert spans == {
        "seller-response-due": (72, 0),
        "refund-start-earliest": (0, 7),
        "refund-start-latest": (0, 15),
        "ship-by": (0, 0),
    }
