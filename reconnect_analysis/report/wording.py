"""Plain-language sentences for the report, by fixed rules (no free generation).

Each function takes metric rows (from :mod:`reconnect_analysis.metrics`) and returns text a
therapist can read in seconds. Every statement carries its certainty; too few days gives
"not enough data yet", never a guess. Wording describes what was logged and when; it never
diagnoses, never says one thing caused another, and never suggests changing medication
(it points to the prescriber instead).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

NOT_ENOUGH = "not enough data yet"
CUE_NAMES = {"any": "any cue", "body": "body (movement)", "sensory": "sensory",
             "connection": "connection", "meaning": "meaning"}
SIGNAL_NAMES = {
    "shift_shoulders_dropped": "shoulders dropped",
    "shift_time_faster": "time moved faster",
    "shift_body_sensation": "stronger body sensations",
    "shift_emotion_wave": "a short wave of emotion",
    "shift_sadness_or_annoyance": "sadness or annoyance came through",
    "shift_preference": "a preference",
    "shift_social": "responded to someone",
}
MEASURES = {
    # measure: (label, unit text, scale used to compare changes, higher is better?)
    "numbness": ("average numbness", " of 10", 10.0, False),
    "numb_day": ("share of numb days", "%", 1.0, False),
    "shift_score": ("micro-shift score", " of 10", 10.0, True),
    "interest_pct": ("interest", "%", 100.0, True),
    "adherence": ("days with practice", "%", 1.0, True),
    "sleep_hours": ("sleep", " h", 4.0, None),
    "wake_time_sd_min": ("spread of wake times", " min", 90.0, False),
    "alcohol_days": ("alcohol days", " days", 7.0, False),
    "cannabis_days": ("cannabis days", " days", 7.0, False),
    "conflict_days": ("conflict days", " days", 7.0, False),
}
_SHARE_MEASURES = ("numb_day", "adherence")
_MIN_DAYS_PER_WEEK = 3


@dataclass(frozen=True)
class Statement:
    """One summary sentence and how sure it is."""

    topic: str
    text: str
    certainty: str


def num(value) -> float | None:
    """A float, or None for missing / NaN / NA / text."""
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _row(frame: pd.DataFrame | None, **match) -> dict | None:
    if frame is None or frame.empty:
        return None
    mask = pd.Series(True, index=frame.index)
    for column, value in match.items():
        if column not in frame:
            return None
        mask &= frame[column] == value
    rows = frame[mask]
    return None if rows.empty else rows.iloc[-1].to_dict()


def _days(n) -> str:
    n = int(n or 0)
    return f"{n} day" if n == 1 else f"{n} days"


def _date(value) -> str:
    return pd.Timestamp(value).strftime("%a %d %b")


# ---------------------------------------------------------------- summary (section 2)

def numbness_trend(slopes: pd.DataFrame) -> Statement:
    """Direction and size of the numbness trend (``metrics.trends.slopes``, measure numbness)."""
    row = _row(slopes, measure="numbness")
    if row is None or row.get("verdict") == NOT_ENOUGH or num(row.get("slope_per_week")) is None:
        n = int(num(row.get("n_days")) or 0) if row else 0
        return Statement("numbness", "Numbness trend: not enough logged days yet to say "
                         "which way it is going.", f"{NOT_ENOUGH}: {_days(n)} with a value")
    slope, low, high = (num(row.get(k)) for k in ("slope_per_week", "ci_low", "ci_high"))
    weeks = _weeks_between(row.get("period_start"), row.get("period_end"))
    n = int(num(row.get("n_days")) or 0)
    interval = per_week_interval(low, high)
    if row.get("verdict") == "going down":
        text = (f"Numbness is easing: about {abs(slope):.1f} points lower each week over "
                f"the last {weeks}.")
        certainty = f"fairly sure: {interval}, {_days(n)}"
    elif row.get("verdict") == "going up":
        text = (f"Numbness is rising: about {abs(slope):.1f} points higher each week over "
                f"the last {weeks}.")
        certainty = f"fairly sure: {interval}, {_days(n)}"
    else:
        text = f"Numbness shows no clear change over the last {weeks}."
        certainty = f"uncertain: {interval}, {_days(n)}"
    return Statement("numbness", text, certainty)


def per_week_interval(low, high) -> str:
    """An interval per week in words; one that rounds to 0 at both ends reads "about 0".

    >>> per_week_interval(-0.8, -0.2), per_week_interval(-0.02, 0.04)
    ('-0.8 to -0.2 a week', 'about 0 a week (flat)')
    """
    if low is None or high is None:
        return "interval unknown"
    if round(low, 1) == 0 and round(high, 1) == 0:
        return "about 0 a week (flat)"
    return f"{low:+.1f} to {high:+.1f} a week"


def _per_week(slope: float) -> str:
    return "about 0 a week" if round(slope, 1) == 0 else f"about {slope:+.1f} a week"


def _weeks_between(start, end) -> str:
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return "weeks logged"
    weeks = max(1, round(((pd.Timestamp(end) - pd.Timestamp(start)).days + 1) / 7))
    return "week" if weeks == 1 else f"{weeks} weeks"


def numbness_duration(duration: pd.DataFrame) -> Statement:
    """Numb days in the last 14 days and the current episode (``metrics.duration.summary``)."""
    row = _row(duration)
    if row is None:
        return Statement("duration", "Numb days: nothing logged in the last 14 days.",
                         NOT_ENOUGH)
    logged = int(num(row.get("logged_days_14")) or 0)
    numb = int(num(row.get("numb_days_14")) or 0)
    persistent = row.get("persistent")
    if persistent is pd.NA or persistent is None or logged == 0:
        return Statement("duration", f"Numb on {numb} of {_days(logged)} logged in the last "
                         "14 days; too few days to say whether numbness is persistent.",
                         f"{NOT_ENOUGH}: {logged} of 14 days logged")
    text = f"Numb on {numb} of {_days(logged)} logged in the last 14 days"
    text += " (most days: persistent)" if bool(persistent) else " (not most days)"
    onset, length = row.get("episode_onset"), num(row.get("episode_length_days"))
    if onset is not None and not pd.isna(onset) and length is not None:
        text += f"; the current numb stretch began {_date(onset)} ({int(length)} days)"
    return Statement("duration", text + ".", f"counted: {logged} of 14 days logged")


NO_PRACTICE_TEXT = "this export carries no practice data (no answers about the four cues)"
NO_SHIFTS_TEXT = "this export carries no micro-shift data"


def adherence(weekly: pd.DataFrame, block: pd.DataFrame, *, week_start,
              carried: bool = True) -> Statement:
    """This week's practice (cue ``any``) and the current block's restarts.

    ``carried=False``: the export has no cue columns, which is said instead of counting.
    """
    if not carried:
        return Statement("adherence", f"Practice: {NO_PRACTICE_TEXT}.", "not asked")
    row = _row(weekly, cue="any", week_start=pd.Timestamp(week_start))
    if row is None or not int(num(row.get("days_answered")) or 0):
        return Statement("adherence", "Practice: no practice answers logged this week.",
                         NOT_ENOUGH)
    done, answered = int(num(row["days_practised"]) or 0), int(num(row["days_answered"]) or 0)
    missing = int(num(row.get("days_not_logged")) or 0)
    text = f"Practised on {done} of {_days(answered)} answered this week"
    if missing:
        text += f" ({_days(missing)} not logged)"
    block_row = _row(block)
    restarts = int(num(block_row.get("restarts")) or 0) if block_row else 0
    if block_row:
        text += (f"; day {int(num(block_row.get('day_in_block')) or 0)} of the 14-day block")
        if restarts:
            text += (f", with {restarts} restart{'s' if restarts > 1 else ''} after missed "
                     "days (restarting is the plan working)")
    certainty = (f"counted: {answered} of 7 days answered" if answered >= _MIN_DAYS_PER_WEEK
                 else f"few days: {answered} of 7 answered")
    return Statement("adherence", text + ".", certainty)


LINK_ORDER = {"clear link": 0, "possible link": 1, "no clear link": 2, NOT_ENOUGH: 3}


def strongest_link(link_rows: pd.DataFrame) -> dict | None:
    """The link row to lead with: the strongest verdict (clear, possible, none, not enough),
    then cue ``any`` before single cues, then same day before next day.

    The summary (:func:`link`) and section 5's lead sentence both use it, so they never
    disagree.
    """
    if link_rows is None or link_rows.empty:
        return None
    frame = link_rows.assign(_rank=link_rows["verdict"].map(LINK_ORDER).fillna(4),
                             _any=(link_rows["cue"] != "any").astype(int))
    return frame.sort_values(["_rank", "_any", "lag"], kind="stable").iloc[0].to_dict()


def link(link_rows: pd.DataFrame, *, carries: dict | None = None) -> Statement:
    """Practice vs micro-shifts (``metrics.association.link``): the clearest finding.

    ``carries`` (``sections.export_carries``): without practice or micro-shift data in the
    export, says so instead of "not enough paired days yet".
    """
    carries = carries or {}
    missing = [f"no {name} data" for key, name in (("practice", "practice"),
                                                    ("shifts", "micro-shift"))
               if not carries.get(key, True)]
    if missing:
        return Statement("link", "Practice and micro-shifts: this export carries "
                         + " and ".join(missing) + ", so no link can be looked for.",
                         "not asked")
    if link_rows is None or link_rows.empty:
        return Statement("link", "Practice and micro-shifts: no paired days to compare yet.",
                         NOT_ENOUGH)
    best = strongest_link(link_rows)
    n = int(num(best.get("n_days")) or 0)
    cue = CUE_NAMES.get(str(best.get("cue")), str(best.get("cue")))
    when = "on the same day" if int(best.get("lag", 0)) == 0 else "on the next day"
    rho = num(best.get("rho"))
    direction = "more" if (rho or 0) >= 0 else "fewer"
    verdict = best.get("verdict")
    if verdict == "clear link":
        text = f"Days with {cue} practice go with {direction} micro-shifts {when}"
        certainty = f"clear link, not proof of cause: {n} paired days"
    elif verdict == "possible link":
        text = f"Days with {cue} practice may go with {direction} micro-shifts {when}"
        certainty = f"possible link, worth watching: {n} paired days"
    elif verdict == "no clear link":
        text = "No clear link yet between practice and micro-shifts"
        certainty = f"no link seen: {n} paired days"
    else:
        text = "Practice and micro-shifts: not enough paired days yet to look for a link"
        certainty = f"{NOT_ENOUGH}: {n} paired days"
    return Statement("link", text + ".", certainty)


def fuel(fuel_weeks: pd.DataFrame, *, week_start) -> Statement:
    """This week's fuel: alcohol and cannabis days, wake-time spread, sleep."""
    row = _row(fuel_weeks, week_start=pd.Timestamp(week_start))
    if row is None or not int(num(row.get("days_logged")) or 0):
        return Statement("fuel", "Fuel: nothing logged this week.", NOT_ENOUGH)
    parts = []
    for column, label in (("alcohol_days", "alcohol"), ("cannabis_days", "cannabis"),
                          ("conflict_days", "conflict"), ("late_scrolling_days",
                                                          "late-night scrolling")):
        value = num(row.get(column))
        if value is not None:
            parts.append(f"{label} on {_days(value)}")
    spread = num(row.get("wake_time_sd_min"))
    if spread is not None:
        steady = "steady" if spread < 30 else "irregular" if spread >= 60 else "fairly steady"
        parts.append(f"wake times {steady} (spread about {spread:.0f} min)")
    sleep = num(row.get("mean_sleep_hours"))
    if sleep is not None:
        parts.append(f"{sleep:.1f} h sleep on average")
    logged = int(num(row.get("days_logged")) or 0)
    if not parts:
        return Statement("fuel", "Fuel: no sleep, wake-time or substance answers this week.",
                         NOT_ENOUGH)
    text = "Fuel this week: " + ", ".join(parts)
    return Statement("fuel", text + ".", f"counted over {_days(logged)} logged")


def data_quality(sufficiency: pd.DataFrame, missingness: pd.DataFrame | None = None) -> Statement:
    """Days logged out of days in the period, and whether misses cluster after hard days."""
    row = _row(sufficiency)
    if row is None:
        return Statement("quality", "Data: nothing logged in the period.", NOT_ENOUGH)
    logged, total = int(num(row.get("days_logged")) or 0), int(num(row.get("days_in_period")) or 0)
    share = num(row.get("share_logged"))
    text = f"Logged {logged} of {total} days in the period"
    if share is not None:
        text += f" ({share * 100:.0f}%)"
    stated = (missingness[missingness["stated"].fillna(False).astype(bool)]
              if missingness is not None and not missingness.empty and "stated" in missingness
              else None)
    if stated is not None and not stated.empty:
        text += "; missed days cluster after hard days, so averages may look better than the " \
                "weeks were"
    certainty = "exact count" if total else NOT_ENOUGH
    return Statement("quality", text + ".", certainty)


def summary(*, slopes, duration, weekly, block, link_rows, fuel_weeks, sufficiency,
            missingness=None, week_start, carries: dict | None = None) -> list[Statement]:
    """Section 2: six short statements in a fixed order (numbness, duration, practice,
    link, fuel, data). ``carries``: ``sections.export_carries`` (default: all carried)."""
    carries = carries or {}
    return [
        numbness_trend(slopes),
        numbness_duration(duration),
        adherence(weekly, block, week_start=week_start,
                  carried=carries.get("practice", True)),
        link(link_rows, carries=carries),
        fuel(fuel_weeks, week_start=week_start),
        data_quality(sufficiency, missingness),
    ]


# ---------------------------------------------------------------- talking points (section 9)

FALLBACK_POINTS = (
    "Ask which of the four cues felt easiest this week and build on it.",
    "Ask about one small moment this week when a feeling came through, however briefly.",
    "Check how the one fuel lever is going and whether it still feels doable.",
)


CORE_MEASURES = ("numbness", "numb_day", "shift_score", "interest_pct", "adherence")
"""Measures the plan is about; a change in one of them leads over a fuel change."""
_MIN_CORE_SIZE = 0.05
_MIN_FUEL_DAYS = 2


def largest_change(week_over_week: pd.DataFrame) -> str | None:
    """The change since last week most worth talking about, in words.

    Rule: only measures with at least three logged days in both weeks count. Size is the
    change relative to the measure's scale (:data:`MEASURES`). The largest change among the
    core measures (numbness, numb days, micro-shifts, interest, practice:
    :data:`CORE_MEASURES`) wins when it is at least 5% of its scale; only when none is, the
    largest fuel change (sleep, wake-time spread, alcohol, cannabis, conflict) is used, and a
    day-count change must be at least two days (one day more or less of alcohol is noise).
    """
    if week_over_week is None or week_over_week.empty:
        return None
    best, best_size = None, 0.0
    fuel_best, fuel_size = None, 0.0
    for row in week_over_week.to_dict("records"):
        measure = row.get("measure")
        if measure not in MEASURES:
            continue
        change = num(row.get("change"))
        if (change is None or int(num(row.get("n_days_this")) or 0) < _MIN_DAYS_PER_WEEK
                or int(num(row.get("n_days_last")) or 0) < _MIN_DAYS_PER_WEEK):
            continue
        size = abs(change) / MEASURES[measure][2]
        if measure in CORE_MEASURES:
            if size > best_size:
                best, best_size = row, size
        elif (MEASURES[measure][1] != " days" or abs(change) >= _MIN_FUEL_DAYS) \
                and size > fuel_size:
            fuel_best, fuel_size = row, size
    if best is None or best_size < _MIN_CORE_SIZE:
        best, best_size = fuel_best, fuel_size
    if best is None or best_size < 0.05:
        return None
    label, unit, _scale, higher_better = MEASURES[best["measure"]]
    last, this = format_value(best["measure"], best["last_week"]), format_value(
        best["measure"], best["this_week"])
    went = "rose" if num(best["change"]) > 0 else "fell"
    if higher_better is None:
        ask = "ask what changed"
    elif (num(best["change"]) > 0) == higher_better:
        ask = "ask what helped, so it can be repeated"
    else:
        ask = "ask what made this week harder"
    return f"Biggest change: {label} {went} from {last} to {this} since last week; {ask}."


def format_value(measure: str, value) -> str:
    """A week-over-week value with its unit (shares as %, days as whole days)."""
    number = num(value)
    if number is None:
        return "—"
    _label, unit, _scale, _better = MEASURES.get(measure, (measure, "", 1.0, None))
    if measure in _SHARE_MEASURES:
        return f"{number * 100:.0f}%"
    if unit == " days":
        return _days(round(number))
    if unit == "%":
        return f"{number:.0f}%"
    if unit == " min":
        return f"{number:.0f} min"
    return f"{number:.1f}{unit}"


def adherence_gap(weekly: pd.DataFrame, *, week_start) -> str | None:
    """The cue practised least this week (of those answered on enough days)."""
    if weekly is None or weekly.empty:
        return None
    rows = weekly[(weekly["week_start"] == pd.Timestamp(week_start)) & (weekly["cue"] != "any")]
    rows = rows[pd.to_numeric(rows["days_answered"], errors="coerce").fillna(0)
                >= _MIN_DAYS_PER_WEEK]
    if rows.empty:
        return None
    shares = pd.to_numeric(rows["share_practised"], errors="coerce")
    worst = rows.loc[shares.idxmin()]
    share = num(worst["share_practised"])
    cue = CUE_NAMES.get(str(worst["cue"]), str(worst["cue"]))
    if share is not None and share >= 0.8:
        return ("Practice held up: every cue was done on most answered days this week; "
                "acknowledge the consistency.")
    return (f"Biggest practice gap: the {cue} cue, done on {int(worst['days_practised'])} of "
            f"{_days(worst['days_answered'])} answered; explore what gets in the way and try "
            "a smaller version.")


NO_PRACTICE_POINT = ("This export carries no practice data: ask whether the client is "
                     "trying any of the four daily cues (movement, a sensory moment, a small "
                     "contact, a values-based action).")


NO_RISK_POINT = ("Safety: this export asks no risk questions, so risk cannot be ruled out "
                 "from it; ask directly about self-harm thoughts, feeling safe and "
                 "hopelessness.")


def talking_points(*, risks: pd.DataFrame, checkin: pd.DataFrame | None, week_over_week,
                   weekly, events: pd.DataFrame, week_start, week_end,
                   n_strengths: int = 0, carries: dict | None = None) -> list[str]:
    """Section 9: three short points for the next session, by rule, in priority order.

    1. anything flagged (risk answers this week or in the window, or, without any, an
       export that asks no risk questions; a check-in gap);
    2. the largest change since last week;
    3. the biggest adherence gap;
    then, to fill three: a medication change this week (timeline, prescriber), or the
    week's strengths.
    """
    points: list[str] = []
    week_start, week_end = pd.Timestamp(week_start), pd.Timestamp(week_end)
    if risks is not None and not risks.empty:
        dates = pd.to_datetime(risks["date"])
        new = risks[dates.between(week_start, week_end) | dates.isna()]
        if not new.empty:
            labels = sorted(set(map(str, new.get("label", new["field"]))))
            points.append(f"Safety first: {', '.join(labels)} logged this week; follow your "
                          "risk-assessment routine before anything else.")
        else:
            newest = dates.max()
            points.append(f"Safety: risk answers earlier in the window (latest "
                          f"{_date(newest)}); check in on them.")
    elif not (carries or {}).get("risk", True):
        points.append(NO_RISK_POINT)
    row = _row(checkin) if checkin is not None else None
    if row is None or bool(row.get("alert", False)):
        days_since = num(row.get("days_since")) if row else None
        gap = int(days_since) if days_since is not None else None
        points.append(f"No check-in for {gap} days: ask how the days went"
                      if gap is not None else "No check-ins this week: ask how the days went")
        points[-1] += " and what made logging hard."
    for point in (largest_change(week_over_week), adherence_gap(weekly, week_start=week_start)):
        if point:
            points.append(point)
    if len(points) < 3 and events is not None and not events.empty:
        days = pd.to_datetime(events["date"])
        meds = events[events["kind"].astype(str).str.startswith("medication")
                      & days.between(week_start - pd.Timedelta(days=13), week_end)]
        if not meds.empty:
            points.append(f"Medication change on {_date(meds['date'].max())}: look at the "
                          "timeline together; any change is for the prescriber to discuss.")
    if len(points) < 3 and n_strengths:
        moments = "1 moment" if n_strengths == 1 else f"{n_strengths} moments"
        points.append(f"Start from what went well: {moments} of return this week (section 8).")
    fallbacks = list(FALLBACK_POINTS)
    if not (carries or {}).get("practice", True):
        fallbacks[0] = NO_PRACTICE_POINT
    for fallback in fallbacks:
        if len(points) >= 3:
            break
        points.append(fallback)
    return points[:3]


# ---------------------------------------------------------------- strengths (section 8)

STRENGTH_WORDS = ("shoulder", "interest", "warm", "tear", "cried", "breath", "wave", "laugh",
                  "enjoy", "felt", "feel", "sad", "annoy", "prefer", "like", "fun", "smile",
                  "connect", "friend", "music", "walk", "sun", "moved", "alive")


def shift_trend(slopes: pd.DataFrame) -> str:
    """The micro-shift trend in a few words (``metrics.trends.slopes``, measure shift_score)."""
    row = _row(slopes, measure="shift_score")
    if row is None or row.get("verdict") in (None, NOT_ENOUGH):
        return "too few days yet to see a trend"
    slope = num(row.get("slope_per_week")) or 0.0
    if row.get("verdict") == "going up":
        return f"micro-shifts are becoming more frequent ({_per_week(slope)})"
    if row.get("verdict") == "going down":
        return f"micro-shifts are becoming less frequent ({_per_week(slope)})"
    return "no clear change in micro-shifts over these weeks"


def strengths(shift_days: pd.DataFrame, entries: pd.DataFrame, *, week_start,
              week_end) -> list[dict]:
    """The week's micro-shifts, and notes that mention them, newest first.

    Returns
    -------
    list of dict
        ``date``, ``signals`` (plain names of the signals noticed that day), ``note`` (the
        client's raw words or "": escape before display), ``interest_pct`` (or None).

    Notes
    -----
    A day is included when any signal was noticed or its note mentions a sign of return
    (:data:`STRENGTH_WORDS`). Notes on other days are left out (this section is about what
    went well, not a transcript).
    """
    start, end = pd.Timestamp(week_start), pd.Timestamp(week_end)
    notes = {}
    if entries is not None and not entries.empty and "note" in entries:
        week = entries[pd.to_datetime(entries["date"]).between(start, end)]
        notes = {pd.Timestamp(d): n for d, n in zip(week["date"], week["note"], strict=True)
                 if isinstance(n, str) and n.strip()}
    items = []
    days = shift_days[pd.to_datetime(shift_days["date"]).between(start, end)] \
        if shift_days is not None and not shift_days.empty else pd.DataFrame(columns=["date"])
    by_day = {pd.Timestamp(r["date"]): r for r in days.to_dict("records")}
    for when in sorted(set(by_day) | set(notes), reverse=True):
        row = by_day.get(when, {})
        signals = [name for column, name in SIGNAL_NAMES.items()
                   if column in row and row[column] is not pd.NA and row[column] is True]
        note = notes.get(when, "")
        mentions = any(word in note.lower() for word in STRENGTH_WORDS)
        if signals or (note and mentions):
            items.append({"date": when, "signals": signals, "note": note if mentions or signals
                          else "", "interest_pct": num(row.get("interest_pct"))})
    return items
