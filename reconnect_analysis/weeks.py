"""ISO weeks as therapists name them (``2026-W47``), and the dates they cover."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd

from reconnect_analysis.errors import ReconnectError

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(week: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Monday and Sunday (inclusive) of an ISO week written like ``2026-W47``.

    >>> parse_week("2026-W47")
    (Timestamp('2026-11-16 00:00:00'), Timestamp('2026-11-22 00:00:00'))
    """
    match = _ISO_WEEK.match(str(week).strip())
    if not match:
        raise ReconnectError(f'week "{week}" is not an ISO week; write it like 2026-W47')
    year, number = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError as err:
        raise ReconnectError(f'week "{week}" does not exist in {year}') from err
    return pd.Timestamp(monday), pd.Timestamp(monday + timedelta(days=6))


def week_of(day) -> str:
    """The ISO week label of a date: ``week_of(date(2026, 11, 22)) == "2026-W47"``."""
    iso = pd.Timestamp(day).isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def week_start(days: pd.Series) -> pd.Series:
    """Monday of each date's ISO week (vectorised), as midnight timestamps."""
    days = pd.to_datetime(days)
    return (days - pd.to_timedelta(days.dt.weekday, unit="D")).dt.normalize()
