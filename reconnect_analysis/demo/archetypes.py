"""The demo clients: one small function per archetype, each returning a :class:`Plan`.

Every function takes the client's random generator and the :class:`Period`, draws what it
plants (days, sizes) and writes it into ``plan.truth`` with calendar dates, so tests and
readers can check the planted effect (see docs/demo-caseload.md).

Day indices count from 0 = the first Monday of the period; the last day is a Sunday.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from reconnect_analysis.demo.plan import ExtraRow, Plan, ramp, step

HOSTILE_NOTES = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    'Tom & me argued, then "made up" & laughed',
    "felt 'okay-ish' today \U0001f642\U0001f33f",
    "two lines:\nfirst flat, then a small wave of sadness",
    '=HYPERLINK("http://example.invalid","click")',
)
"""Notes the messy logger writes on distinct days (each must come out inert in reports)."""


@dataclass(frozen=True)
class Period:
    """The demo period: ``n_days`` days from the Monday ``start`` to a Sunday."""

    start: date
    n_days: int

    @property
    def weeks(self) -> int:
        return self.n_days // 7

    def iso(self, day: int) -> str:
        """Calendar date of day index ``day`` as ``YYYY-MM-DD``."""
        return (self.start + timedelta(days=int(day))).isoformat()

    def mid_monday(self) -> int:
        """Day index of the Monday that opens the second half of the period (0 if 1 week)."""
        return 7 * (self.weeks // 2)


def _logged(rng: np.random.Generator, n_days: int, rate: float) -> np.ndarray:
    logged = rng.random(n_days) < rate
    logged[0] = True
    return logged


def responder(rng: np.random.Generator, period: Period) -> Plan:
    """Adherence rises ~20% -> ~85%; micro-shifts and interest follow one day later;
    numbness falls ~8 -> ~3."""
    n = period.n_days
    lever = min(14, n - 1)
    plan = Plan(
        n_days=n,
        logged=_logged(rng, n, 0.93),
        adherence=ramp(n, 0.20, 0.85),
        numbness=ramp(n, 8.0, 3.0),
        shift_base=np.full(n, 0.06),
        shift_lag=0.45,
        practice_rebound=0.18,
        interest_base=np.full(n, 4.0),
        interest_lag=22.0,
        numbness_lag=0.6,
        forms=(0.2, 0.5, 0.7),
        daylight_p=step(n, 0.2, 0.75, at=lever),
        events=[(lever, "lever_start", "10-minute daylight walk")],
    )
    plan.truth = {
        "adherence_start": 0.20, "adherence_end": 0.85,
        "numbness_start": 8.0, "numbness_end": 3.0,
        "shift_prob_base": 0.06, "shift_prob_after_practice_day": 0.51,
        "interest_pct_after_practice_day": 22.0, "lag_days": 1, "same_day_link": 0.0,
        "practice_rebound": 0.18,
        "lever": "10-minute daylight walk", "lever_start": period.iso(lever),
    }
    return plan


def non_responder(rng: np.random.Generator, period: Period) -> Plan:
    """Some practice (~45% of days), no link to micro-shifts, numbness flat ~7."""
    n = period.n_days
    lever = min(7 * max(period.weeks // 3, 1), n - 1)
    plan = Plan(
        n_days=n,
        logged=_logged(rng, n, 0.9),
        adherence=np.full(n, 0.45),
        numbness=np.full(n, 7.0),
        shift_base=np.full(n, 0.10),
        interest_base=np.full(n, 6.0),
        halves=True,
        forms=(0.5, 0.6, 0.4),
        alcohol_p=0.25,
        events=[(lever, "lever_start", "fewer alcohol days")],
    )
    plan.truth = {
        "adherence": 0.45, "numbness": 7.0, "shift_prob": 0.10, "link": 0.0,
        "lever": "fewer alcohol days", "lever_start": period.iso(lever),
        "lever_effect": "none",
    }
    return plan


def medication_blunting(rng: np.random.Generator, period: Period) -> Plan:
    """A dose change mid-period; numbness +2 and fewer micro-shifts from 3 days after."""
    n = period.n_days
    change = min(period.mid_monday() + 2, n - 1)  # a Wednesday
    onset = min(change + 3, n - 1)
    plan = Plan(
        n_days=n,
        logged=_logged(rng, n, 0.92),
        adherence=np.full(n, 0.6),
        numbness=ramp(n, 4.5, 6.5, first=change, last=onset),
        shift_base=ramp(n, 0.30, 0.06, first=change, last=onset),
        interest_base=ramp(n, 16.0, 6.0, first=change, last=onset),
        shift_lag=0.05,
        forms=(0.3, 0.3, 0.4),
        form_after=(onset, (0.9, 0.2, 0.4)),
        events=[(change, "medication_dose_change", "sertraline 50 mg to 100 mg")],
    )
    plan.truth = {
        "dose_change": period.iso(change), "effect_from": period.iso(onset),
        "numbness_before": 4.5, "numbness_after": 6.5, "numbness_rise": 2.0,
        "shift_prob_before": 0.30, "shift_prob_after": 0.06,
        "interest_before": 16.0, "interest_after": 6.0, "form_after": "blunted",
    }
    return plan


def burnout_lever(rng: np.random.Generator, period: Period) -> Plan:
    """Irregular wake times, alcohol and conflict days until a 'consistent wake time'
    lever starts mid-period; then regular wake, little alcohol, numbness falls (7 to 5 in the
    first week, to 4.5 by the end)."""
    n = period.n_days
    lever = period.mid_monday() if period.weeks > 1 else min(3, n - 1)
    plan = Plan(
        n_days=n,
        logged=_logged(rng, n, 0.9),
        adherence=step(n, 0.35, 0.5, at=lever),
        numbness=(ramp(n, 7.0, 5.0, first=lever, last=min(lever + 7, n - 1))
                  - ramp(n, 0.0, 0.5, first=min(lever + 7, n - 1))),
        shift_base=step(n, 0.08, 0.15, at=lever),
        interest_base=step(n, 5.0, 12.0, at=lever),
        shift_lag=0.1,
        forms=(0.3, 0.8, 0.4),
        wake_mean=7 * 60 + 45,
        wake_sd=step(n, 90.0, 20.0, at=lever),
        sleep_mean=step(n, 6.0, 7.2, at=lever),
        sleep_sd=step(n, 1.2, 0.5, at=lever),
        alcohol_p=step(n, 0.55, 0.1, at=lever),
        late_scrolling_p=step(n, 0.6, 0.25, at=lever),
        recovery_p=step(n, 0.1, 0.45, at=lever),
        conflict_p=step(n, 0.3, 0.1, at=lever),
        hopelessness_p=0.25,
        events=[(lever, "lever_start", "consistent wake time")],
    )
    plan.truth = {
        "lever": "consistent wake time", "lever_start": period.iso(lever),
        "wake_mean": "07:45", "wake_sd_min_before": 90.0, "wake_sd_min_after": 20.0,
        "alcohol_days_per_week_before": 3.85, "alcohol_days_per_week_after": 0.7,
        "conflict_p_before": 0.3, "conflict_p_after": 0.1,
        "sleep_hours_before": 6.0, "sleep_hours_after": 7.2,
        "numbness_before": 7.0, "numbness_one_week_after_lever": 5.0, "numbness_end": 4.5,
    }
    return plan


def sparse_logger(rng: np.random.Generator, period: Period) -> Plan:
    """Logs ~35-40% of days in short bursts with gaps of several days, and stops logging
    3-5 days before the period ends."""
    n = period.n_days
    logged = np.zeros(n, dtype=bool)
    day = 0
    while day < n:
        burst = int(rng.integers(1, 5))   # 1-4 days logged
        gap = int(rng.integers(2, 7))     # 2-6 days not logged
        logged[day:day + burst] = True
        day += burst + gap
    final_gap = int(rng.integers(3, 6))
    logged[max(n - final_gap, 1):] = False
    logged[0] = True
    cap = int(np.floor(0.45 * n))
    extra = int(logged.sum()) - cap
    if extra > 0:  # keep the share below half even on an unlucky draw
        drop = rng.choice(np.flatnonzero(logged[1:]) + 1, size=extra, replace=False)
        logged[drop] = False
    last = int(np.flatnonzero(logged).max())
    plan = Plan(
        n_days=n,
        logged=logged,
        adherence=np.full(n, 0.4),
        numbness=np.full(n, 6.0),
        shift_base=np.full(n, 0.12),
        interest_base=np.full(n, 8.0),
        note_rate=0.1,
        missing_rate=0.08,
    )
    plan.truth = {
        "logged_days": int(logged.sum()), "period_days": n,
        "logged_share": round(float(logged.mean()), 4),
        "last_logged": period.iso(last), "final_gap_days": n - 1 - last,
    }
    return plan


def risk_week(rng: np.random.Generator, period: Period) -> Plan:
    """Numbness and hopelessness rise; in the LAST week one self-harm answer, one
    dissociation red flag on another day, hopelessness 2-3, and the weekly screen's
    risk_self_harm."""
    n = period.n_days
    last_week = np.arange(max(n - 7, 0), n)
    harm_day, flag_day = (int(d) for d in rng.choice(last_week, size=2, replace=False))
    logged = _logged(rng, n, 0.9)
    logged[[harm_day, flag_day]] = True
    hopeless = {int(d): float(rng.integers(2, 4)) for d in last_week}
    lever = min(7, n - 1)
    plan = Plan(
        n_days=n,
        logged=logged,
        adherence=np.full(n, 0.4),
        numbness=ramp(n, 6.0, 7.5, first=max(n - 14, 0)),
        shift_base=np.full(n, 0.1),
        interest_base=np.full(n, 6.0),
        forms=(0.3, 0.7, 0.5),
        hopelessness_p=0.3,
        overrides={
            "self_harm_thoughts": {harm_day: 1.0},
            "flag_dissociation": {flag_day: 1.0},
            "hopelessness": hopeless,
        },
        screen_overrides={"risk_self_harm": {period.weeks - 1: 1.0},
                          "risk_hopelessness": {period.weeks - 1: 1.0}},
        events=[(lever, "lever_start", "10-minute daylight walk")],
    )
    plan.truth = {
        "self_harm_thoughts": period.iso(harm_day),
        "flag_dissociation": period.iso(flag_day),
        "risk_week_start": period.iso(last_week[0]),
        "hopelessness_last_week": "2-3 on logged days",
        "screen_risk_self_harm_week": period.iso(last_week[0]),
        "lever": "10-minute daylight walk", "lever_start": period.iso(lever),
    }
    return plan


def messy_logger(rng: np.random.Generator, period: Period) -> Plan:
    """An ordinary client whose export is messy: out-of-range values, an exact duplicate
    row, a day logged twice with different answers at the same time, a day with three
    entries, and hostile notes."""
    n = period.n_days
    logged = _logged(rng, n, 0.95)
    days = [int(d) for d in rng.permutation(np.flatnonzero(logged))]
    roles = ["numbness_11", "numbness_minus_1", "interest_140", "duplicate", "conflict",
             "three_entries", *(f"note_{i}" for i in range(len(HOSTILE_NOTES)))]
    pick = {role: days[i % len(days)] for i, role in enumerate(roles)}
    lever = min(21, n - 1)
    plan = Plan(
        n_days=n,
        logged=logged,
        adherence=np.full(n, 0.55),
        numbness=ramp(n, 6.0, 5.0),
        shift_base=np.full(n, 0.15),
        shift_lag=0.1,
        interest_base=np.full(n, 10.0),
        halves=True,
        overrides={
            "numbness": {pick["numbness_11"]: 11.0, pick["numbness_minus_1"]: -1.0},
            "interest_pct": {pick["interest_140"]: 140.0},
            "note": {pick[f"note_{i}"]: text for i, text in enumerate(HOSTILE_NOTES)},
        },
        events=[(lever, "lever_start", "recovery block after work")],
    )
    # the conflict copy keeps submitted_at and changes the answers; the three-entry day
    # gets a morning and an afternoon entry besides the evening one (numbness 6, 4, 5)
    plan.extra_rows = [
        ExtraRow(day=pick["duplicate"]),
        ExtraRow(day=pick["conflict"], changes={"numbness": 2.0, "interest_pct": 55.0}),
        ExtraRow(day=pick["three_entries"], changes={"numbness": 6.0, "note": ""},
                 submit_min=8 * 60 + 5),
        ExtraRow(day=pick["three_entries"], changes={"numbness": 4.0, "note": ""},
                 submit_min=13 * 60 + 40),
    ]
    plan.overrides["numbness"].setdefault(pick["three_entries"], 5.0)
    plan.truth = {
        "out_of_range": [
            {"date": period.iso(pick["numbness_11"]), "column": "numbness", "value": 11},
            {"date": period.iso(pick["numbness_minus_1"]), "column": "numbness", "value": -1},
            {"date": period.iso(pick["interest_140"]), "column": "interest_pct",
             "value": 140},
        ],
        "exact_duplicate": period.iso(pick["duplicate"]),
        "conflicting_duplicate": {"date": period.iso(pick["conflict"]),
                                  "copy_changes": {"numbness": 2, "interest_pct": 55}},
        "three_entries": {"date": period.iso(pick["three_entries"]),
                          "numbness": [6, 4, 5], "times": ["08:05", "13:40", "18:00-23:29"]},
        "hostile_notes": [{"date": period.iso(pick[f"note_{i}"]), "note": text}
                          for i, text in enumerate(HOSTILE_NOTES)],
        "lever": "recovery block after work", "lever_start": period.iso(lever),
    }
    return plan


def esm_multi_entry(rng: np.random.Generator, period: Period) -> Plan:
    """Experience sampling: 2-5 entries on each logged day, numbness varying within the
    day around a slowly falling level; no events."""
    n = period.n_days
    logged = _logged(rng, n, 0.9)
    plan = Plan(
        n_days=n,
        logged=logged,
        adherence=np.full(n, 0.5),
        numbness=ramp(n, 6.5, 5.5),
        shift_base=np.full(n, 0.12),
        interest_base=np.full(n, 9.0),
        numbness_noise=1.0,
        entries_per_day=rng.integers(2, 6, size=n),
        note_rate=0.08,
    )
    plan.truth = {"entries_per_logged_day": "2-5", "numbness_start": 6.5,
                  "numbness_end": 5.5}
    return plan


ARCHETYPES: dict[str, Callable[[np.random.Generator, Period], Plan]] = {
    "responder": responder,
    "non_responder": non_responder,
    "medication_blunting": medication_blunting,
    "burnout_lever": burnout_lever,
    "sparse_logger": sparse_logger,
    "risk_week": risk_week,
    "messy_logger": messy_logger,
    "esm_multi_entry": esm_multi_entry,
}
"""Archetypes in the fixed order clients are assigned to (client i gets i mod 8)."""


def archetype_of(index: int) -> str:
    """The archetype of the client with 0-based ``index``: a fixed cycle over ARCHETYPES.

    >>> archetype_of(0), archetype_of(7), archetype_of(8)
    ('responder', 'esm_multi_entry', 'responder')
    """
    names = list(ARCHETYPES)
    return names[index % len(names)]
