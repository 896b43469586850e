"""Turn one client's :class:`Plan` into entry rows, weekly-screen rows and events.

Everything is drawn with numpy over whole days at once (no per-day Python loop), so a
caseload of a million rows takes seconds. Columns are held as arrays:

* numbers and yes/no fields as float64 (yes = 1.0, no = 0.0, missing = NaN);
* ``numbness_form`` and ``note`` as object arrays of str ('' = empty cell);
* ``day`` (index into the period), ``submit_min`` (local minutes after midnight) and
  ``wake_time`` (minutes after midnight) are formatted by :mod:`.export`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reconnect_analysis.demo.plan import CUES, FORMS, SHIFTS, Plan

BOOL_COLUMNS = (
    *(f"cue_{cue}" for cue in CUES),
    *SHIFTS,
    "cannabis", "late_scrolling", "recovery_block", "conflict", "daylight_walk",
    "self_harm_thoughts", "unsafe",
    "flag_dissociation", "flag_psychotic", "flag_cannot_self_care", "flag_head_injury",
)
NUMBER_COLUMNS = (
    "numbness", "arousal", *(f"cue_{cue}_minutes" for cue in CUES), "interest_pct",
    "sleep_hours", "alcohol_drinks", "hopelessness",
)
FUEL_COLUMNS = ("sleep_hours", "wake_time", "alcohol_drinks", "cannabis", "late_scrolling",
                "recovery_block", "conflict", "daylight_walk")
SCREEN_NUMBERS = ("impair_work", "impair_relationships", "impair_parenting",
                  "impair_self_care", "impair_functioning")
SCREEN_BOOLS = ("duration_two_weeks", "risk_hopelessness", "risk_self_harm",
                "risk_dangerous_coping")

_MINUTES = {"body": (5, 25), "sensory": (1, 10), "connection": (2, 30), "meaning": (5, 45)}

NOTES_PLAIN = (
    "long day at work", "tired but ok", "rainy, stayed in", "call with my sister",
    "slept badly", "busy, nothing much to report", "cooked dinner for once",
    "felt flat most of the day", "foggy morning, a bit better by evening",
    "skipped the walk, too cold", "walked to the shop instead of driving",
    "quiet day", "meeting ran late again", "kids were loud, I was just... there",
    "did the breathing thing, not sure it helped", "hard to get out of bed",
    "watched TV for hours without noticing anything", "back pain, short walk only",
)
NOTES_SHIFT = (
    "shoulders dropped on the walk", "time went faster for a few minutes while cooking",
    "noticed I wanted tea, not coffee", "warmth in my chest listening to music",
    "got annoyed at the bus, which is new", "a short wave of sadness after the call",
    "laughed at a silly video, briefly", "maybe 2 percent interest in the book again",
    "deeper breath after the shower", "tears during a film, first time in ages",
    "enjoyed the coffee with a colleague", "noticed the sun on my face for a moment",
)


@dataclass
class ClientData:
    """One simulated client: entry rows, weekly-screen rows and events (as arrays)."""

    entries: dict[str, np.ndarray]
    screen: dict[str, np.ndarray]
    events: list[tuple[int, str, str]]


def _per_day(value: np.ndarray | float, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()


def _days(plan: Plan, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw every field for every day of the period (logged or not)."""
    n = plan.n_days
    out: dict[str, np.ndarray] = {}
    draws = rng.random(n)
    practice = draws < plan.adherence
    if plan.practice_rebound:
        practice = _rebound(draws, np.asarray(plan.adherence, dtype=float),
                            plan.practice_rebound)
    cue_draw = rng.random((len(CUES), n)) < 0.9
    cue_draw[0] |= practice & ~cue_draw.any(axis=0)   # a practice day has at least one cue
    cues = cue_draw & practice
    before = np.r_[False, practice[:-1]].astype(float)   # practice on the day before
    for i, cue in enumerate(CUES):
        low, high = _MINUTES[cue]
        minutes = rng.integers(low, high + 1, size=n).astype(float)
        out[f"cue_{cue}"] = cues[i].astype(float)
        out[f"cue_{cue}_minutes"] = np.where(cues[i], minutes, np.nan)

    p_shift = np.clip(plan.shift_base + plan.shift_lag * before
                      + plan.shift_same * practice, 0.0, 0.95)
    weights = np.array([1.2, 1.0, 1.0, 0.9, 0.8, 0.9, 1.1])[:, None]
    shifts = rng.random((len(SHIFTS), n)) < np.clip(p_shift * weights, 0.0, 0.97)
    for i, name in enumerate(SHIFTS):
        out[name] = shifts[i].astype(float)
    out["_p_shift"] = p_shift
    interest = plan.interest_base + plan.interest_lag * before + rng.normal(0, 5.0, n)
    out["interest_pct"] = np.clip(np.round(interest), 0, 100)

    numb = plan.numbness - plan.numbness_lag * before + rng.normal(0, plan.numbness_noise, n)
    out["numbness"] = _round_numbness(numb, halves=plan.halves)
    out["numbness_form"] = _forms(plan, out["numbness"], rng)

    conflict = rng.random(n) < _per_day(plan.conflict_p, n)
    arousal = 1.2 - 0.45 * (out["numbness"] - 3.0) + rng.normal(0, 0.7, n) + 1.5 * conflict
    out["arousal"] = np.clip(np.round(arousal), -3, 3)

    sleep = rng.normal(_per_day(plan.sleep_mean, n), _per_day(plan.sleep_sd, n))
    out["sleep_hours"] = np.clip(np.round(sleep * 4) / 4, 3.0, 11.0)
    wake = rng.normal(plan.wake_mean, _per_day(plan.wake_sd, n))
    out["wake_time"] = np.clip(np.round(wake), 4 * 60, 12 * 60 + 59)
    drinking = rng.random(n) < _per_day(plan.alcohol_p, n)
    out["alcohol_drinks"] = np.where(drinking, rng.integers(1, 5, size=n), 0).astype(float)
    out["cannabis"] = (rng.random(n) < plan.cannabis_p).astype(float)
    out["late_scrolling"] = (rng.random(n) < _per_day(plan.late_scrolling_p, n)).astype(float)
    out["recovery_block"] = (rng.random(n) < _per_day(plan.recovery_p, n)).astype(float)
    out["conflict"] = conflict.astype(float)
    walk = rng.random(n) < _per_day(plan.daylight_p, n)
    out["daylight_walk"] = (walk | (cues[0] & (rng.random(n) < 0.5))).astype(float)

    out["hopelessness"] = (rng.random(n) < plan.hopelessness_p).astype(float)
    for name in ("self_harm_thoughts", "unsafe", "flag_dissociation", "flag_psychotic",
                 "flag_cannot_self_care", "flag_head_injury"):
        out[name] = np.zeros(n)

    out["note"] = _notes(plan, shifts.any(axis=0), rng)
    out["submit_min"] = rng.integers(18 * 60, 23 * 60 + 30, size=n).astype(float)
    for name in ("arousal", "sleep_hours", "wake_time", "interest_pct"):
        gone = rng.random(n) < plan.missing_rate
        out[name] = np.where(gone, np.nan, out[name])
    return out


def _rebound(draws: np.ndarray, share: np.ndarray, strength: float) -> np.ndarray:
    """Practice days whose probability moves against yesterday's surprise (one loop over
    the days of one client; used by few archetypes)."""
    practice = np.zeros(len(draws), dtype=bool)
    surprise = 0.0
    for day, (draw, p) in enumerate(zip(draws, share, strict=True)):
        practice[day] = draw < min(max(p - strength * surprise, 0.02), 0.98)
        surprise = float(practice[day]) - p
    return practice


def _round_numbness(values: np.ndarray, *, halves: bool) -> np.ndarray:
    scale = 2.0 if halves else 1.0
    return np.clip(np.round(values * scale) / scale, 0.0, 10.0)


def _forms(plan: Plan, numbness: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = plan.n_days
    probs = np.tile(np.asarray(plan.forms, dtype=float)[:, None], (1, n))
    if plan.form_after is not None:
        day, after = plan.form_after
        probs[:, day:] = np.asarray(after, dtype=float)[:, None]
    chosen = rng.random((len(FORMS), n)) < probs
    none = ~chosen.any(axis=0)
    chosen[np.argmax(probs, axis=0), np.arange(n)] |= none   # at least the likeliest form
    chosen &= (numbness >= 4.0)[None, :]
    labels = np.full(n, "", dtype=object)
    for i, form in enumerate(FORMS):
        labels = np.where(chosen[i], np.where(labels == "", form, labels + "|" + form), labels)
    return labels


def _notes(plan: Plan, any_shift: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = plan.n_days
    has_note = rng.random(n) < plan.note_rate
    use_shift = any_shift & (rng.random(n) < 0.6)
    plain = np.asarray(NOTES_PLAIN, dtype=object)[rng.integers(0, len(NOTES_PLAIN), n)]
    shift = np.asarray(NOTES_SHIFT, dtype=object)[rng.integers(0, len(NOTES_SHIFT), n)]
    return np.where(has_note, np.where(use_shift, shift, plain), "").astype(object)


def _rows(plan: Plan, days: dict[str, np.ndarray], rng: np.random.Generator
          ) -> dict[str, np.ndarray]:
    """Keep the logged days; expand experience-sampling days into several entries."""
    logged = np.flatnonzero(plan.logged)
    if plan.entries_per_day is None:
        rows = {name: values[logged] for name, values in days.items()}
        rows["day"] = logged.astype(float)
        return rows
    counts = plan.entries_per_day[logged]
    day_of_row = np.repeat(logged, counts)
    n_rows = len(day_of_row)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    position = np.arange(n_rows) - np.repeat(starts, counts)
    first = position == 0
    rows = {name: values[day_of_row] for name, values in days.items()}
    rows["day"] = day_of_row.astype(float)
    # prompts spread over the waking day, in order
    slot = (13 * 60) / np.repeat(counts, counts)
    jitter = rng.integers(0, 40, size=n_rows)
    rows["submit_min"] = np.round(9 * 60 + position * slot + jitter).astype(float)
    numb = rows["numbness"] + rng.normal(0, 1.0, n_rows)
    rows["numbness"] = _round_numbness(numb, halves=plan.halves)
    rows["numbness_form"] = np.where(rows["numbness"] >= 4.0, rows["numbness_form"], "")
    arousal = 1.2 - 0.45 * (rows["numbness"] - 3.0) + rng.normal(0, 0.7, n_rows)
    rows["arousal"] = np.clip(np.round(arousal), -3, 3)
    rows["interest_pct"] = np.clip(rows["interest_pct"] + np.round(rng.normal(0, 5, n_rows)),
                                   0, 100)
    # a cue done that day is reported in one of the day's entries
    report_at = np.repeat(rng.integers(0, 1 << 16, size=len(logged)) % counts, counts)
    for cue in CUES:
        here = position == report_at
        rows[f"cue_{cue}"] = np.where(here, rows[f"cue_{cue}"], 0.0)
        rows[f"cue_{cue}_minutes"] = np.where(here, rows[f"cue_{cue}_minutes"], np.nan)
    p_row = np.repeat(days["_p_shift"][logged], counts) * 0.5
    for name in SHIFTS:
        rows[name] = (rng.random(n_rows) < p_row).astype(float)
    for name in FUEL_COLUMNS:   # asked once a day, in the morning prompt
        rows[name] = np.where(first, rows[name], np.nan)
    rows["note"] = np.where(first, rows["note"], "").astype(object)
    return rows


def _apply_plants(plan: Plan, rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Forced values on the (last) row of a day, then the extra rows."""
    for column, by_day in plan.overrides.items():
        values = rows[column].copy()
        for day, value in by_day.items():
            at = np.flatnonzero(rows["day"] == day)
            if len(at):
                values[at[-1]] = value
        rows[column] = values
    if not plan.extra_rows:
        return rows
    picks, changes = [], []
    for extra in plan.extra_rows:
        at = np.flatnonzero(rows["day"] == extra.day)
        if not len(at):
            continue
        picks.append(int(at[-1]))
        change = dict(extra.changes)
        if extra.submit_min is not None:
            change["submit_min"] = float(extra.submit_min)
        changes.append(change)
    added = {name: values[picks].copy() for name, values in rows.items()}
    for i, change in enumerate(changes):
        for column, value in change.items():
            added[column][i] = value
    return {name: np.concatenate([rows[name], added[name]]) for name in rows}


def _order(rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Sort by day, then time of submission; ties keep the order rows were made in."""
    order = np.lexsort((np.arange(len(rows["day"])), rows["submit_min"], rows["day"]))
    return {name: values[order] for name, values in rows.items()}


def _screen(plan: Plan, days: dict[str, np.ndarray], rng: np.random.Generator
            ) -> dict[str, np.ndarray]:
    """One weekly severity screen per week of the period."""
    weeks = plan.n_days // 7
    numb = days["numbness"][: weeks * 7].reshape(weeks, 7)
    numb_days = (numb >= 5.0).sum(axis=1)
    two_week = numb_days + np.r_[numb_days[0], numb_days[:-1]]
    screen: dict[str, np.ndarray] = {"week": np.arange(weeks, dtype=float)}
    screen["duration_two_weeks"] = (two_week > 7).astype(float)
    level = numb.mean(axis=1)
    has_children = rng.random() < 0.5
    for name in SCREEN_NUMBERS:
        value = np.clip(np.round((level - 3.0) / 2.0 + rng.normal(0, 0.5, weeks)), 0, 3)
        if name == "impair_parenting" and not has_children:
            value = np.full(weeks, np.nan)
        screen[name] = value
    hopeless = days["hopelessness"][: weeks * 7].reshape(weeks, 7)
    logged = plan.logged[: weeks * 7].reshape(weeks, 7)
    screen["risk_hopelessness"] = ((hopeless >= 2) & logged).any(axis=1).astype(float)
    screen["risk_self_harm"] = np.zeros(weeks)
    screen["risk_dangerous_coping"] = np.zeros(weeks)
    for column, by_week in plan.screen_overrides.items():
        for week, value in by_week.items():
            if 0 <= week < weeks:
                screen[column][week] = value
    return screen


def simulate(plan: Plan, rng: np.random.Generator) -> ClientData:
    """Draw one client's entries, weekly screens and events from its plan.

    Parameters
    ----------
    plan : Plan
        The client's latent parameters (from an archetype function).
    rng : numpy.random.Generator
        The client's own generator; the same state gives the same data.

    Returns
    -------
    ClientData
        ``entries``: arrays with one value per entry row (columns of :data:`BOOL_COLUMNS`,
        :data:`NUMBER_COLUMNS`, ``numbness_form``, ``note``, ``wake_time``, ``day``,
        ``submit_min``), sorted by day and submission time; ``screen``: one value per week;
        ``events``: (day, kind, detail).
    """
    days = _days(plan, rng)
    for column, by_day in plan.overrides.items():   # so the screen sees planted answers
        if column in ("hopelessness",):
            for day, value in by_day.items():
                days[column][day] = value
    screen = _screen(plan, days, rng)
    rows = _rows(plan, days, rng)
    rows.pop("_p_shift")
    if len(rows["note"]) and not (rows["note"] != "").any():   # every client writes something
        at = int(rng.integers(0, len(rows["note"])))
        rows["note"][at] = NOTES_PLAIN[int(rng.integers(0, len(NOTES_PLAIN)))]
    rows = _order(_apply_plants(plan, rows))
    return ClientData(entries=rows, screen=screen, events=list(plan.events))
