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

    # Analysis periods (trend engine, see docs/metrics.md)
    analysis_weeks: int = 8
    """Trends and links use the last this-many weeks (to ``end``) when no ``start`` is given."""
    episode_max_gap_days: int = 7
    """Unlogged days inside a numb episode neither end nor extend it, up to this many in a row;
    a longer unlogged gap ends the episode (it is not known to have gone on)."""
    min_days_per_group: int = 3
    """A link needs at least this many practice days and this many no-practice days."""
    possible_link_confidence: float = 0.90
    """A link is 'possible' when this (narrower) bootstrap interval excludes zero."""
    clear_link_min_rho: float = 0.2
    """A link is 'clear' when the full interval excludes zero and the correlation is this big."""
    min_days_in_event_window: int = 5
    """Fewer logged days before or after an event than this: 'not enough data yet'."""
    window_test_alpha: float = 0.05
    """Significance level for before/after comparisons, trends and the missed-day check."""

    # Arousal zones (arousal is -3 ... +3)
    hypoarousal_max: float = -2.0
    """Arousal at or below this is hypoarousal (shut down, fog)."""
    hyperarousal_min: float = 2.0
    """Arousal at or above this is hyperarousal (anxious, racing); between is the window."""

    # Missed days after hard days (missing not at random)
    missing_numbness_trigger: float = 7.0
    """A high-numbness day has numbness at or above this."""
    missing_alcohol_trigger: float = 3.0
    """A high-alcohol day has at least this many drinks."""
    min_trigger_days: int = 5
    """Fewer trigger days than this: the missed-day check says nothing."""
    missing_rate_margin: float = 0.15
    """Missed-next-day rate after trigger days must exceed the other rate by this much."""


DEFAULTS = Settings()
