"""The iCalendar export: what a calendar program reads back, stable UIDs, and labels kept harmless."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from ali_cancel.calendar import PRODID, Event, to_ics
from icalendar import Calendar

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
CHINA = timezone(timedelta(hours=8))


def event(number: str = "8123456789", deadline: str = "seller-response-due", **changes: Any) -> Event:
    base = Event(
        number=number,
        label="blue lamp",
        deadline_id=deadline,
        deadline_label="the seller's 72 hours end",
        at=datetime(2026, 12, 1, 18, 0, tzinfo=CHINA),
        action_title="Wait for the seller",
        description="If the seller does not answer, the order is cancelled; the refund starts.",
    )
    return base._replace(**changes)


def parsed(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def test_one_event_per_deadline_read_back_by_a_calendar() -> None:
    events = [event(), event(deadline="dispute-by", deadline_label="open a dispute by", label=None)]
    calendar = parsed(to_ics(events, NOW))
    assert str(calendar["prodid"]) == PRODID == "-//ali-cancel//EN"
    assert str(calendar["version"]) == "2.0"
    items = list(calendar.walk("VEVENT"))
    assert [str(item["uid"]) for item in items] == [
        "8123456789-seller-response-due@ali-cancel",
        "8123456789-dispute-by@ali-cancel",
    ]
    first = items[0]
    assert str(first["summary"]) == "AliExpress order 8123456789: the seller's 72 hours end (blue lamp)"
    assert str(items[1]["summary"]) == "AliExpress order 8123456789: open a dispute by"
    # in UTC, the same moment as given in China time
    assert first.decoded("dtstart") == datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
    assert first.decoded("dtend") - first.decoded("dtstart") == timedelta(minutes=30)
    assert first.decoded("dtstamp") == NOW
    assert str(first["description"]) == (
        "Wait for the seller\nIf the seller does not answer, the order is cancelled; the refund starts."
    )


def test_every_event_has_a_reminder_the_day_before() -> None:
    calendar = parsed(to_ics([event(), event(number="77")], NOW))
    for item in calendar.walk("VEVENT"):
        alarms = list(item.walk("VALARM"))
        assert len(alarms) == 1
        assert str(alarms[0]["action"]) == "DISPLAY"
        assert alarms[0].decoded("trigger") == timedelta(days=-1)
        assert str(alarms[0]["description"]) == str(item["summary"])


def test_uids_stay_the_same_across_exports() -> None:
    first = parsed(to_ics([event(), event(number="77")], NOW))
    later = parsed(to_ics([event(number="77"), event(at=NOW + timedelta(days=3))], NOW + timedelta(days=2)))
    assert sorted(str(e["uid"]) for e in first.walk("VEVENT")) == sorted(
        str(e["uid"]) for e in later.walk("VEVENT")
    )


def test_lines_end_in_crlf_and_are_folded_at_75_octets() -> None:
    long = event(label="lámpara azul " * 12, description="ñ" * 200)
    data = to_ics([long], NOW)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\r" not in line and b"\n" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # folding never splits a character
    assert any(line.startswith(b" ") for line in lines)  # long texts were folded
    item = next(iter(parsed(data).walk("VEVENT")))
    assert str(item["summary"]).endswith("(" + "lámpara azul " * 12 + ")")


def test_an_empty_notebook_is_an_empty_calendar() -> None:
    calendar = parsed(to_ics([], NOW))
    assert list(calendar.walk("VEVENT")) == []


HOSTILE = (
    "lamp\x1b]52;c;aGVsbG8=\x07\r\nATTENDEE:mailto:x@example.com\rEND:VEVENT\nBEGIN:VEVENT\x85\x9b2J\u2028x"
)


@pytest.mark.parametrize("field", ["label", "deadline_label", "action_title", "description"])
def test_text_from_users_cannot_add_properties_or_reach_a_terminal(field: str) -> None:
    data = to_ics([event(**{field: HOSTILE})], NOW)
    assert b"\x1b" not in data
    assert b"\x07" not in data
    assert "\x85" not in data.decode("utf-8")
    assert "\x9b" not in data.decode("utf-8")
    calendar = parsed(data)
    items = list(calendar.walk("VEVENT"))
    assert len(items) == 1
    assert "ATTENDEE" not in items[0]
    names = [line.split(b":")[0].split(b";")[0] for line in data.split(b"\r\n") if line and line[:1] != b" "]
    assert names.count(b"BEGIN") == 3  # VCALENDAR, VEVENT, VALARM: nothing more
    assert b"ATTENDEE" not in names
    text = str(items[0]["summary"]) + str(items[0]["description"])
    assert "ATTENDEE:mailto:x@example.com" in text  # still there, as harmless text


def test_a_moment_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        to_ics([event(at=datetime(2026, 12, 1, 10, 0))], NOW)
    with pytest.raises(ValueError, match="time zone"):
        to_ics([event()], datetime(2026, 11, 30, 9, 0))
