"""The clock: ISO 8601 moments, hours and working days (Monday to Friday), passed or not; pure.

Spans in hours are real elapsed time, computed in UTC (72 hours stay 72 hours across a
daylight-saving change). Working days keep the wall-clock time of day in the zone the moment was
given in. A moment given without an offset is local time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import NamedTuple

from .model import Deadline

ACCEPTED_FORMS = "2026-11-20, 2026-11-20T10:00 or 2026-11-20T10:00:00+08:00"

_WHEN = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?"
    r"(Z|z|[+-]\d{2}:?\d{2})?)?\Z"
)


class Moment(NamedTuple):
    """A moment as given: its wall-clock time, and its zone (None: the local zone)."""

    wall: datetime  # naive
    zone: tzinfo | None

    def aware(self) -> datetime:
        if self.zone is None:
            return self.wall.astimezone()  # naive -> local time, daylight saving included
        return self.wall.replace(tzinfo=self.zone)

    def show(self, instant: datetime) -> datetime:
        """`instant` in this moment's zone (its fixed offset, or the local zone)."""
        return instant.astimezone(self.zone) if self.zone is not None else instant.astimezone()


def parse_when(text: str) -> Moment:
    """Read an ISO 8601 date or date and time; raise ValueError saying what is wrong."""
    match = _WHEN.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date or time: use {ACCEPTED_FORMS}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        wall = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError as error:
        raise ValueError(f"{text!r} is not a real date or time ({error}): use {ACCEPTED_FORMS}") from None
    zone: tzinfo | None = None
    if offset:
        if offset in ("Z", "z"):
            zone = timezone.utc
        else:
            digits = offset[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:])
            if hours > 23 or minutes > 59:
                raise ValueError(f"{text!r} has an impossible offset {offset}: use {ACCEPTED_FORMS}")
            delta = timedelta(hours=hours, minutes=minutes)
            zone = timezone(-delta if offset[0] == "-" else delta)
    if wall.year < 2 or wall.year > 9998:
        raise ValueError(f"{text!r} is too far from today: use {ACCEPTED_FORMS}")
    return Moment(wall, zone)


def add_working_days(day: date, count: int) -> date:
    """The `count`-th working day (Monday to Friday) after `day`; `day` itself never counts."""
    result = day
    while count > 0:
        result += timedelta(days=1)
        if result.weekday() < 5:
            count -= 1
    return result


class Due(NamedTuple):
    """A computed deadline: when, shown in the zone its moment was given in, and whether it passed."""

    id: str
    label: str
    at: datetime
    passed: bool


def due_at(deadline: Deadline, moment: Moment) -> datetime:
    if deadline.working_days:
        day = add_working_days(moment.wall.date(), deadline.working_days)
        wall = datetime.combine(day, moment.wall.time())
        return Moment(wall, moment.zone).aware()
    return moment.show(moment.aware().astimezone(timezone.utc) + timedelta(hours=deadline.hours))


def compute(deadlines: Sequence[Deadline], moments: Mapping[str, Moment], now: datetime) -> list[Due]:
    """The deadlines whose moment was given, in rule-file order; `now` must be timezone-aware."""
    result = []
    for deadline in deadlines:
        moment = moments.get(deadline.moment)
        if moment is None:
            continue
        at = due_at(deadline, moment)
        result.append(Due(deadline.id, deadline.label, at, at <= now))
    return result


def relative(at: datetime, now: datetime) -> str:
    """'in 1 day 3 hours', 'passed 5 hours ago', 'now': to the minute, two units at most."""
    seconds = int((at - now).total_seconds())
    if abs(seconds) < 60:
        return "now"
    minutes = abs(seconds) // 60
    parts = []
    for size, name in ((1440, "day"), (60, "hour"), (1, "minute")):
        amount, minutes = divmod(minutes, size)
        if amount:
            parts.append(f"{amount} {name}{'' if amount == 1 else 's'}")
    text = " ".join(parts[:2])
    return f"in {text}" if seconds > 0 else f"passed {text} ago"
