"""Periods: half-open date ranges [start, end) and the ones they are compared with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - dt.timedelta(days=self.days), self.start)

    def year_earlier(self) -> Period:
        """The same dates one year earlier (29 February becomes 28 February)."""
        return Period(years_earlier(self.start, 1), years_earlier(self.end, 1))


def years_earlier(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def default_period(as_of: dt.date) -> Period:
    """The twelve months up to and including the month of `as_of`."""
    end = add_months(as_of, 1)
    return Period(add_months(end, -12), end)


def whole_months(period: Period) -> Optional[Period]:
    """The whole calendar months inside the period, if any."""
    first = period.start if period.start.day == 1 else add_months(period.start, 1)
    end = period.end.replace(day=1)
    return Period(first, end) if first < end else None


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from the month of `first` to the month of `last`, both included."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months
