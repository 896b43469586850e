"""What an archetype hands to the simulator: latent day-by-day parameters of one client.

A :class:`Plan` holds, for each day of the period (index 0 = the Monday the period starts),
the probabilities and levels the simulator draws from, plus the planted extras (events,
forced values, extra rows) and the ``truth`` record written to ``demo_truth.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reconnect_analysis.fields import CUES  # noqa: F401 - re-exported
from reconnect_analysis.fields import SHIFT_SIGNALS as SHIFTS  # noqa: F401 - re-exported

FORMS = ("blunted", "disconnected", "no_pleasure")


@dataclass
class ExtraRow:
    """An additional entry row on a logged day (duplicates, conflicts, several entries a day).

    ``changes`` overrides fields of the copied day row; ``submit_min`` (minutes after
    midnight, local time) replaces its ``submitted_at`` time when given.
    """

    day: int
    changes: dict[str, float | str] = field(default_factory=dict)
    submit_min: int | None = None


@dataclass
class Plan:
    """Latent parameters of one simulated client over ``n_days`` days.

    Arrays have one value per day. Probabilities are in 0-1; levels are on the field's
    own scale (numbness 0-10, interest_pct 0-100, minutes after midnight for wake time).
    """

    n_days: int
    logged: np.ndarray
    """Boolean: the client logged this day."""
    adherence: np.ndarray
    """Probability that the day is a practice day (at least one of the four cues done)."""
    numbness: np.ndarray
    """Latent numbness level before day noise and the lag effect."""
    shift_base: np.ndarray
    """Probability of each micro-shift signal on a day without practice the day before."""
    interest_base: np.ndarray
    """Mean interest_pct on a day without practice the day before."""
    practice_rebound: float = 0.0
    """Practice is this much less likely the day after a practice day than its share
    ``adherence`` suggests (and more likely after a day without): a within-person negative
    day-to-day correlation that offsets the trend's positive one, so a lagged effect does
    not leak into the same day."""
    shift_lag: float = 0.0
    """Added to each micro-shift probability the day AFTER a practice day."""
    shift_same: float = 0.0
    """Added to each micro-shift probability ON a practice day."""
    interest_lag: float = 0.0
    """Added to interest_pct (points) the day after a practice day."""
    numbness_lag: float = 0.0
    """Subtracted from numbness (points) the day after a practice day."""
    numbness_noise: float = 0.8
    halves: bool = False
    """Numbness logged in half points (else whole points)."""
    forms: tuple[float, float, float] = (0.4, 0.4, 0.4)
    """Probability of each numbness form (blunted, disconnected, no_pleasure) when numb."""
    form_after: tuple[int, tuple[float, float, float]] | None = None
    """From this day on, use these form probabilities instead."""
    wake_mean: float = 7 * 60
    wake_sd: np.ndarray | float = 25.0
    sleep_mean: np.ndarray | float = 7.0
    sleep_sd: np.ndarray | float = 0.7
    alcohol_p: np.ndarray | float = 0.1
    cannabis_p: float = 0.02
    late_scrolling_p: np.ndarray | float = 0.3
    recovery_p: np.ndarray | float = 0.3
    conflict_p: np.ndarray | float = 0.08
    daylight_p: np.ndarray | float = 0.4
    hopelessness_p: float = 0.15
    """Probability of hopelessness 1 (else 0) on an ordinary day."""
    missing_rate: float = 0.02
    """Share of optional cells left empty at random (arousal, sleep, wake time, interest)."""
    note_rate: float = 0.2
    entries_per_day: np.ndarray | None = None
    """Experience sampling: entries on each logged day (None = one)."""
    events: list[tuple[int, str, str]] = field(default_factory=list)
    """(day, kind, detail) rows for events.csv."""
    overrides: dict[str, dict[int, float | str]] = field(default_factory=dict)
    """Forced values per column and day, applied after sampling (risk answers, bad values)."""
    extra_rows: list[ExtraRow] = field(default_factory=list)
    screen_overrides: dict[str, dict[int, float]] = field(default_factory=dict)
    """Forced weekly-screen values per column and week index."""
    truth: dict = field(default_factory=dict)


def ramp(n_days: int, start: float, end: float, *, first: int = 0,
         last: int | None = None) -> np.ndarray:
    """A value that is ``start`` up to day ``first``, moves linearly to ``end`` at ``last``.

    >>> ramp(5, 0.0, 1.0).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    >>> ramp(5, 2.0, 4.0, first=2, last=3).tolist()
    [2.0, 2.0, 2.0, 4.0, 4.0]
    """
    last = n_days - 1 if last is None else last
    days = np.arange(n_days, dtype=float)
    span = max(last - first, 1)
    share = np.clip((days - first) / span, 0.0, 1.0)
    return start + (end - start) * share


def step(n_days: int, before: float, after: float, *, at: int) -> np.ndarray:
    """``before`` on days < ``at`` and ``after`` from day ``at`` on.

    >>> step(4, 1.0, 0.0, at=2).tolist()
    [1.0, 1.0, 0.0, 0.0]
    """
    return np.where(np.arange(n_days) < at, before, after).astype(float)
