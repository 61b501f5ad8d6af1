"""The clock on its own: ISO input, 72 real hours, working days, passed or not; no real clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from ali_cancel.deadlines import add_working_days, compute, parse_when, relative
from ali_cancel.model import Deadline, RuleSet

UTC = timezone.utc
CET = timezone(timedelta(hours=1))


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


@pytest.mark.usefixtures("utc")
def test_a_date_alone_is_the_whole_day_and_z_is_utc(rules: RuleSet) -> None:
    got = by_id(rules, "ship-by", "2026-12-01", datetime(2026, 12, 1, 23, 59, tzinfo=UTC))
    assert got["ship-by"] == ("2026-12-01T23:59:59+00:00", False)  # not passed while the day runs
    assert by_id(rules, "ship-by", "2026-12-01", datetime(2026, 12, 2, tzinfo=UTC))["ship-by"][1]
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
        "next friday",
        "3 days",
        "in 3 weeks",
        "2 minutes ago",
        "+d",
        "-3m",
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
    with pytest.raises(ValueError, match="2026-11-20T10:00"):
        parse_when(text)


def test_hours_only_deadline_spans_read_well() -> None:
    assert Deadline("x", "X", "ship-by", hours=72).span() == "72 hours"
    assert Deadline("x", "X", "ship-by", working_days=1).span() == "1 working day"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(days=1, hours=3, minutes=5), "in 1 day 3 hours"),
        (-timedelta(hours=5), "5 hours ago"),
        (timedelta(minutes=1), "in 1 minute"),
        (timedelta(seconds=20), "now"),
        (-timedelta(days=2, minutes=30), "2 days 30 minutes ago"),
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
        "seller-reply-expected": (7 * 24, 0),
        "protection-ends": (0, 0),
        "dispute-by": (-5 * 24, 0),
    }


NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("4 days ago", NOW - timedelta(days=4)),
        ("1 day ago", NOW - timedelta(days=1)),
        ("3 HOURS AGO", NOW - timedelta(hours=3)),
        ("in 2 days", NOW + timedelta(days=2)),
        ("in 1 hour", NOW + timedelta(hours=1)),
        ("-3d", NOW - timedelta(days=3)),
        ("+5h", NOW + timedelta(hours=5)),
        ("+1d2h", NOW + timedelta(days=1, hours=2)),
        ("-2D12H", NOW - timedelta(days=2, hours=12)),
    ],
)
def test_relative_whens_count_exact_steps_from_now(text: str, expected: datetime) -> None:
    moment = parse_when(text, NOW)
    assert moment.aware() == expected
    assert not moment.whole_day


@pytest.mark.usefixtures("utc")
@pytest.mark.parametrize(("text", "day"), [("today", 20), ("Yesterday", 19), ("tomorrow", 21)])
def test_named_days_are_whole_local_days(text: str, day: int) -> None:
    moment = parse_when(text, NOW)
    assert moment.whole_day
    assert moment.iso() == f"2026-11-{day:02d}"
    assert moment.earliest() == datetime(2026, 11, day, tzinfo=UTC)
    assert moment.aware() == datetime(2026, 11, day, 23, 59, 59, tzinfo=UTC)


@pytest.mark.usefixtures("berlin")
def test_today_is_the_local_day_that_holds_now() -> None:
    late = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # already 00:30 on the 21st in Berlin
    assert parse_when("today", late).iso() == "2026-11-21"


@pytest.mark.usefixtures("berlin")
def test_a_day_ago_across_a_daylight_saving_change_is_24_real_hours() -> None:
    after = parse_when("2026-10-25T12:00").aware()  # the clocks went back that morning
    assert after - parse_when("1 day ago", after).aware() == timedelta(hours=24)
    assert parse_when("1 day ago", after).aware().astimezone().hour == 13  # wall clock: 25 h earlier


def test_a_whole_day_may_have_passed_before_its_end_has(rules: RuleSet) -> None:
    deadline = rules.deadline("seller-response-due")
    whole = parse_when("2026-11-17", NOW)  # the whole of that day
    (due,) = compute([deadline], {"requested-at": whole}, NOW)
    # counted from the day's end, 72 hours run until the 20th 23:59:59; from its start, they are over
    assert (due.passed, due.surely) == (False, True)
    (due,) = compute([deadline], {"requested-at": parse_when("2026-11-17T00:00Z")}, NOW)
    assert (due.passed, due.surely) == (True, True)
