"""The clock: `WHEN` text -> moments, hours, days and working days (Monday to Friday); pure.

Spans in hours and days are real elapsed time, computed in UTC (72 hours stay 72 hours across a
daylight-saving change). Working days keep the wall-clock time of day in the zone the moment was
given in. A moment given without an offset is local time. A date alone stands for the whole of
that day: deadlines count from its end, and it contradicts something only if its start does too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import NamedTuple

from .i18n import _, ngettext
from .model import Deadline

ACCEPTED_FORMS = "2026-11-20, 2026-11-20T10:00, 2026-11-20T10:00+08:00, yesterday, '4 days ago', -3d"

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?"
    r"(Z|z|[+-]\d{2}:?\d{2})?)?\Z"
)
_AGO = re.compile(r"(\d{1,5}) +(day|hour)s? +ago\Z")
_IN = re.compile(r"in +(\d{1,5}) +(day|hour)s?\Z")
_SHORT = re.compile(r"([+-])(?:(\d{1,5})d)?(?:(\d{1,5})h)?\Z")
_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_END_OF_DAY = time(23, 59, 59)


class Moment(NamedTuple):
    """A moment as given: its wall-clock time, its zone (None: local), and whether it is a whole day.

    For a whole day, `wall` is the day's last second (23:59:59): deadlines count from there.
    """

    wall: datetime  # naive
    zone: tzinfo | None
    whole_day: bool = False

    def aware(self) -> datetime:
        return _aware(self.wall, self.zone)

    def earliest(self) -> datetime:
        """The first instant the moment may stand for: the start of a whole day, else itself."""
        if not self.whole_day:
            return self.aware()
        return _aware(datetime.combine(self.wall.date(), time()), self.zone)

    def show(self, instant: datetime) -> datetime:
        """`instant` in this moment's zone (its fixed offset, or the local zone)."""
        return instant.astimezone(self.zone) if self.zone is not None else instant.astimezone()

    def iso(self) -> str:
        """The moment as absolute ISO text that reads back as the same moment (a day stays a day)."""
        if self.whole_day:
            return self.wall.date().isoformat()
        return self.aware().isoformat()


def _aware(wall: datetime, zone: tzinfo | None) -> datetime:
    if zone is None:
        return wall.astimezone()  # naive -> local time, daylight saving included
    return wall.replace(tzinfo=zone)


def _bad(text: str, why: str = "") -> ValueError:
    why = why or _("is not a date or time")
    return ValueError(_("{text} {why}: use {forms}").format(text=repr(text), why=why, forms=ACCEPTED_FORMS))


def parse_when(text: str, now: datetime | None = None) -> Moment:
    """Read a `WHEN`; relative forms count from `now` (aware; default: the real clock).

    Raises ValueError saying what is wrong and which forms are accepted.
    """
    cleaned = " ".join(text.strip().lower().split())
    stripped = text.strip()
    if len(stripped) == 25 and stripped[10] == "T":  # an absolute moment, as the notebook stores them
        try:
            instant = datetime.fromisoformat(stripped)
        except ValueError:
            pass
        else:
            if instant.tzinfo is not None:
                return Moment(instant.replace(tzinfo=None), instant.tzinfo)
    match = _ISO.match(stripped)
    if match:
        return _iso(text, match)
    if now is None:
        now = datetime.now(timezone.utc)
    reference = Moment(now.replace(tzinfo=None), now.tzinfo)
    if cleaned == "now":
        return reference
    if cleaned in _DAYS:
        day = now.astimezone().date() + timedelta(days=_DAYS[cleaned])  # the local day, whatever now's zone
        return Moment(datetime.combine(day, _END_OF_DAY), None, whole_day=True)
    hours = _relative_hours(cleaned)
    if hours is None:
        raise _bad(text)
    instant = now + timedelta(hours=hours)
    return Moment(instant.replace(tzinfo=None), instant.tzinfo)


def _relative_hours(text: str) -> int | None:
    for pattern, sign in ((_AGO, -1), (_IN, 1)):
        match = pattern.match(text)
        if match:
            return sign * int(match.group(1)) * (24 if match.group(2) == "day" else 1)
    match = _SHORT.match(text)
    if match and (match.group(2) or match.group(3)):
        hours = int(match.group(2) or 0) * 24 + int(match.group(3) or 0)
        return -hours if match.group(1) == "-" else hours
    return None


def _iso(text: str, match: re.Match[str]) -> Moment:
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
        raise _bad(text, _("is not a real date or time ({error})").format(error=error)) from None
    zone: tzinfo | None = None
    if offset:
        if offset in ("Z", "z"):
            zone = timezone.utc
        else:
            digits = offset[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:])
            if hours > 23 or minutes > 59:
                raise _bad(text, _("has an impossible offset {offset}").format(offset=offset))
            delta = timedelta(hours=hours, minutes=minutes)
            zone = timezone(-delta if offset[0] == "-" else delta)
    if wall.year < 2 or wall.year > 9998:
        raise _bad(text, _("is too far from today"))
    if hour is None:  # a date alone: the whole day, counted from its end
        return Moment(datetime.combine(wall.date(), _END_OF_DAY), zone, whole_day=True)
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
    """A computed deadline: when, shown in the zone its moment was given in, and whether it passed.

    `surely` is whether it may have passed: counted from the earliest moment a whole day allows
    (so `passed` implies `surely`; for a moment that is not a whole day they are the same).
    """

    id: str
    label: str
    at: datetime
    passed: bool
    surely: bool
    moment: Moment


def due_at(deadline: Deadline, moment: Moment, *, earliest: bool = False) -> datetime:
    wall = moment.wall
    if earliest and moment.whole_day:
        wall = datetime.combine(wall.date(), time())
    if deadline.working_days:
        day = add_working_days(wall.date(), deadline.working_days)
        return _aware(datetime.combine(day, wall.time()), moment.zone)
    if moment.zone is not None:  # a fixed offset: wall-clock arithmetic is exact
        return wall.replace(tzinfo=moment.zone) + timedelta(hours=deadline.hours)
    start = _aware(wall, moment.zone).astimezone(timezone.utc)
    return moment.show(start + timedelta(hours=deadline.hours))


def compute(deadlines: Sequence[Deadline], moments: Mapping[str, Moment], now: datetime) -> list[Due]:
    """The deadlines whose moment is known, in rule-file order; `now` must be timezone-aware."""
    result = []
    for deadline in deadlines:
        moment = moments.get(deadline.moment)
        if moment is None:
            continue
        at = due_at(deadline, moment)
        early = due_at(deadline, moment, earliest=True) if moment.whole_day else at
        result.append(Due(deadline.id, deadline.label, at, at <= now, early <= now, moment))
    return result


def relative(at: datetime, now: datetime) -> str:
    """'in 1 day 3 hours', '5 hours ago', 'now': to the minute, two units at most."""
    seconds = int((at - now).total_seconds())
    if abs(seconds) < 60:
        return _("now")
    minutes = abs(seconds) // 60
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    parts = [
        ngettext("{count} day", "{count} days", days).format(count=days) if days else "",
        ngettext("{count} hour", "{count} hours", hours).format(count=hours) if hours else "",
        ngettext("{count} minute", "{count} minutes", minutes).format(count=minutes) if minutes else "",
    ]
    larger, *smaller = [part for part in parts if part][:2]
    # two units, joined as the language joins them ("1 day 3 hours", "1 dia e 3 horas")
    text = _("{larger} {smaller}").format(larger=larger, smaller=smaller[0]) if smaller else larger
    return (_("in {time}") if seconds > 0 else _("{time} ago")).format(time=text)
