"""Deadlines of remembered orders as an iCalendar file (RFC 5545); the only module importing icalendar."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from icalendar import Alarm, Calendar
from icalendar import Event as VEvent

PRODID = "-//ali-cancel//EN"
LENGTH = timedelta(minutes=30)  # a deadline is a moment; calendars show a short block
REMINDER = timedelta(days=-1)  # the alarm: a day before

# C0 controls (CR and LF included), DEL, C1 controls, and the Unicode line and paragraph
# separators. icalendar escapes `;`, `,`, `\` and turns a newline into the two characters `\n`,
# but it lets ESC, BEL and the rest through: a label holding `ESC ] 52 ; c ; ... BEL` would reach
# a terminal that shows the file (a clipboard write), and some calendar readers split lines on
# a bare CR. Every text from outside goes through _plain().
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class Event(NamedTuple):
    """One deadline of one order, to become one VEVENT."""

    number: str
    label: str | None
    deadline_id: str
    deadline_label: str
    at: datetime  # aware
    action_title: str
    description: str


def _plain(text: str) -> str:
    """Text on one line: every control character becomes a space."""
    return _CONTROL.sub(" ", text)


def _utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must carry a time zone, not {moment.isoformat()}")
    return moment.astimezone(timezone.utc)


def uid(event: Event) -> str:
    """The same for the same order and deadline in every export, so re-importing updates the event."""
    return _plain(f"{event.number}-{event.deadline_id}@ali-cancel")


def summary(event: Event) -> str:
    text = f"AliExpress order {event.number}: {event.deadline_label}"
    if event.label:
        text += f" ({event.label})"
    return _plain(text)


def to_ics(events: Sequence[Event], now: datetime) -> bytes:
    """The calendar, CRLF line ends and 75-octet folding by icalendar; times in UTC."""
    stamp = _utc(now, "now")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "AliExpress orders (ali-cancel)")
    for event in events:
        start = _utc(event.at, f"the deadline {event.deadline_id} of order {event.number}")
        title = summary(event)
        item = VEvent()
        item.add("uid", uid(event))
        item.add("dtstamp", stamp)
        item.add("dtstart", start)
        item.add("dtend", start + LENGTH)
        item.add("summary", title)
        # the newline between the parts is ours: icalendar writes it as the text escape `\n`
        item.add(
            "description",
            "\n".join(_plain(part) for part in (event.action_title, event.description) if part),
        )
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", REMINDER)
        alarm.add("description", title)
        item.add_component(alarm)
        calendar.add_component(item)
    text: bytes = calendar.to_ical()  # untyped in icalendar 7.3
    return text
