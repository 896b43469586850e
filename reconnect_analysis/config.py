"""Thresholds and window lengths, in one place, with documented defaults.

Settings are passed explicitly (``settings=DEFAULTS``); nothing here reads files or the
environment at import time. CLI options and notebook parameters override the defaults with
``dataclasses.replace(DEFAULTS, numb_threshold=6)``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    # Symptom duration
    numb_threshold: float = 5.0
    """A day is a numb day when its numbness is at or above this (0-10 scale)."""
    window_days: int = 14
    """Length of the rolling window for persistent numbness and of a practice block."""
    min_logged_days_in_window: int = 7
    """Below this many logged days in a window, persistence is 'not enough data yet'."""

    # Adherence vs micro-shifts
    min_days_for_link: int = 14
    """Fewer paired days than this gives the verdict 'not enough data yet'."""
    bootstrap_resamples: int = 500
    """Moving-block bootstrap resamples for the rank-correlation interval."""
    bootstrap_block_days: int = 7
    """Block length of the moving-block bootstrap (days)."""
    confidence: float = 0.95
    random_seed: int = 20261126

    # Trends and windows
    event_window_days: int = 14
    """Days before and after a lever start or medication event that are compared."""
    min_days_for_trend: int = 10

    # Safety
    risk_window_weeks: int = 8
    """A positive risk answer keeps showing in reports for this many weeks."""
    missing_checkin_alert_days: int = 3
    """Warn when the client has not checked in for this many days or more."""
    hopelessness_alert_level: int = 2
    """Hopelessness (0-3) at or above this counts as a risk answer."""


DEFAULTS = Settings()
