"""Who needs attention first: per-client facts for one week, the reasons in words, the order.

Pure functions on the validated :class:`~reconnect_analysis.tables.Tables`; nothing here
reads files or renders anything. The overview (``overview.py``) shows what these return.

Order of concern (most urgent first):

0. a risk answer or red flag in the safety window whose report failed ("risk present,
   report missing"),
1. risk answers and red flags (safety window: ``settings.risk_window_weeks`` weeks ending
   on the week's Sunday),
2. persistent numbness (numb on more than half of the logged days of the last
   ``settings.window_days`` days, with at least ``settings.min_logged_days_in_window``
   logged),
3. falling practice adherence (share of logged days with any cue practised, this week
   against last week, down by ``ADHERENCE_DROP`` or more),
4. numbness rising (mean this week against last week, up by ``NUMBNESS_RISE`` or more),
5. missing check-ins (no check-in for ``settings.missing_checkin_alert_days`` days or more
   at the end of the week),
6. nothing flagged.

A missing day is unknown, never "not numb" and never "not practised": shares are taken
over logged days only, and a comparison needs ``MIN_DAYS_FOR_CHANGE`` logged days in each
of the two weeks, else it says nothing.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.tables import Tables
from reconnect_analysis.weeks import parse_week

ADHERENCE_DROP = 0.25
"""A fall in the share of practised days (0-1) this large or larger is flagged."""
NUMBNESS_RISE = 1.0
"""A rise in mean numbness (0-10 scale) this large or larger is flagged."""
MIN_DAYS_FOR_CHANGE = 3
"""Logged days needed in each of the two weeks before a change is named."""

DATE_UNREADABLE = "date unreadable"
"""Stands for the date of a risk record whose date could not be read (its ``date`` is NaT)."""

CUE_FIELDS = ("cue_body", "cue_sensory", "cue_connection", "cue_meaning")

LEVEL_RISK_REPORT_MISSING = 0
LEVEL_RISK = 1
LEVEL_PERSISTENT = 2
LEVEL_ADHERENCE_FALLING = 3
LEVEL_NUMBNESS_RISING = 4
LEVEL_MISSING_CHECKINS = 5
LEVEL_NONE = 6

RISK_WORDS = {
    "self_harm_thoughts": "self-harm thoughts",
    "unsafe": "feeling unable to stay safe",
    "hopelessness": "hopelessness",
    "risk_self_harm": "self-harm (weekly screen)",
    "risk_hopelessness": "hopelessness (weekly screen)",
    "risk_dangerous_coping": "dangerous coping (weekly screen)",
    "flag_dissociation": "severe dissociation",
    "flag_psychotic": "psychotic symptoms",
    "flag_cannot_self_care": "unable to care for self",
    "flag_head_injury": "numbness after head injury / new neurological symptoms",
}

FACT_COLUMNS = (
    "client_id", "has_entries_in_week", "risk_answers", "red_flags", "days_logged_week",
    "numbness_mean_week", "numbness_mean_prev", "numb_days_14d", "logged_days_14d",
    "persistent", "adherence_week", "adherence_prev", "practised_days_week",
    "practised_days_prev", "logged_days_prev", "last_checkin", "days_since_checkin",
)


def safety_window(week: str, *, settings: Settings = DEFAULTS) -> tuple[pd.Timestamp,
                                                                          pd.Timestamp]:
    """First and last day (inclusive) of the safety window that ends with ``week``.

    ``settings.risk_window_weeks`` whole ISO weeks: for 2026-W47 and 8 weeks that is
    2026-09-28 (Monday of W40) to 2026-11-22 (Sunday of W47).
    """
    monday, sunday = parse_week(week)
    return monday - timedelta(weeks=settings.risk_window_weeks - 1), sunday


def clients_for_week(tables: Tables, *, week: str, settings: Settings = DEFAULTS) -> list[str]:
    """Clients whose report for ``week`` is due: anyone with a check-in or a risk record in
    the safety window (``settings.risk_window_weeks`` weeks ending with ``week``).

    A client who checked in earlier in the window but not this week still gets a report: it
    says how long the check-ins have been missing, which is itself something to talk about.
    Risk records without a client id are not clients (see :func:`unattributed_risks`).
    Sorted, unique.
    """
    start, sunday = safety_window(week, settings=settings)
    ids: set[str] = set()
    entries = tables.entries
    if len(entries) and {"client_id", "date"} <= set(entries.columns):
        days = pd.to_datetime(entries["date"])
        ids |= set(entries.loc[(days >= start) & (days <= sunday), "client_id"].dropna())
    risks = _risks_in_window(tables, week=week, settings=settings)
    ids |= set(risks["client_id"].dropna())
    return sorted(str(client) for client in ids)


def unattributed_risks(tables: Tables, *, week: str, settings: Settings = DEFAULTS) -> int:
    """How many risk records in the safety window have no usable client id (S3)."""
    risks = _risks_in_window(tables, week=week, settings=settings, attributed=False)
    return int(risks["client_id"].isna().sum())


def unattributed_sources(tables: Tables, *, week: str, settings: Settings = DEFAULTS,
                         limit: int = 10) -> list[str]:
    """Where the risk records without a usable client id (in the safety window) came from:
    ``"entries.csv row 3"`` (source file and row, when the risks table has them), at most
    ``limit``. No client text, only file names and row numbers."""
    risks = _risks_in_window(tables, week=week, settings=settings, attributed=False,
                             keep_source=True)
    lost = risks[risks["client_id"].isna()]
    places = []
    for record in lost.head(limit).to_dict("records"):
        name, row = record.get("source_file"), record.get("source_row")
        if name is None or is_missing(name):
            continue
        places.append(f"{name} row {int(row)}" if not is_missing(row) else str(name))
    return places


def facts(tables: Tables, *, week: str, settings: Settings = DEFAULTS,
          clients: list[str] | None = None) -> pd.DataFrame:
    """The numbers triage rests on, one row per client of :func:`clients_for_week` (or of
    ``clients``).

    Returns
    -------
    pandas.DataFrame
        Columns (``FACT_COLUMNS``): ``client_id``; ``has_entries_in_week`` (bool);
        ``risk_answers`` and ``red_flags`` (lists of ``(date "YYYY-MM-DD", field, status)``
        in the safety window; a record whose date could not be read has ``DATE_UNREADABLE``
        instead of a date and comes first, then oldest first); ``days_logged_week`` (0-7);
        ``numbness_mean_week`` / ``numbness_mean_prev`` (0-10, NaN when nothing logged);
        ``numb_days_14d`` / ``logged_days_14d`` (days, last ``settings.window_days`` days
        to Sunday); ``persistent`` (True/False, or None when too few days are logged);
        ``adherence_week`` / ``adherence_prev`` (share 0-1 of logged days with any cue
        practised, NaN when no day has a cue answer); ``practised_days_week`` /
        ``practised_days_prev`` and ``logged_days_prev`` (days); ``last_checkin``
        (``YYYY-MM-DD`` or None); ``days_since_checkin`` (days from the last check-in to
        the week's Sunday, None when the client never checked in).
    """
    monday, sunday = parse_week(week)
    prev_monday, prev_sunday = monday - timedelta(days=7), monday - timedelta(days=1)
    window_start = sunday - timedelta(days=settings.window_days - 1)
    entries = _daily(tables.entries)
    risks = _risks_in_window(tables, week=week, settings=settings)
    rows = []
    if clients is None:
        clients = clients_for_week(tables, week=week, settings=settings)
    for client in clients:
        mine = entries[entries["client_id"] == client]
        upto = mine[mine["date"] <= sunday]
        this = mine[(mine["date"] >= monday) & (mine["date"] <= sunday)]
        prev = mine[(mine["date"] >= prev_monday) & (mine["date"] <= prev_sunday)]
        window = mine[(mine["date"] >= window_start) & (mine["date"] <= sunday)]
        logged_window = window["numbness"].notna()
        numb_days = int((window.loc[logged_window, "numbness"] >= settings.numb_threshold).sum())
        logged_days = int(logged_window.sum())
        persistent = (None if logged_days < settings.min_logged_days_in_window
                      else bool(numb_days * 2 > logged_days))
        client_risks = risks[risks["client_id"] == client].sort_values(
            ["date", "field"], na_position="first")  # an unreadable date is shown first
        risk_rows = [(DATE_UNREADABLE if pd.isna(day) else day.strftime("%Y-%m-%d"),
                      str(field), str(status)) for day, field, status
                     in zip(client_risks["date"], client_risks["field"], client_risks["status"],
                            strict=True)]
        last = upto["date"].max() if len(upto) else None
        practised_week, share_week = _adherence(this)
        practised_prev, share_prev = _adherence(prev)
        rows.append({
            "client_id": client,
            "has_entries_in_week": bool(len(this)),
            "risk_answers": [r for r in risk_rows if not r[1].startswith("flag_")],
            "red_flags": [r for r in risk_rows if r[1].startswith("flag_")],
            "days_logged_week": int(this["date"].nunique()),
            "numbness_mean_week": _mean(this["numbness"]),
            "numbness_mean_prev": _mean(prev["numbness"]),
            "numb_days_14d": numb_days,
            "logged_days_14d": logged_days,
            "persistent": persistent,
            "adherence_week": share_week,
            "adherence_prev": share_prev,
            "practised_days_week": practised_week,
            "practised_days_prev": practised_prev,
            "logged_days_prev": int(prev["date"].nunique()),
            "last_checkin": None if last is None else last.strftime("%Y-%m-%d"),
            "days_since_checkin": None if last is None else int((sunday - last).days),
        })
    out = pd.DataFrame(rows, columns=list(FACT_COLUMNS))
    for column in ("days_logged_week", "numb_days_14d", "logged_days_14d",
                   "practised_days_week", "practised_days_prev", "logged_days_prev",
                   "days_since_checkin"):
        out[column] = out[column].astype("Int64")  # days; <NA> = never checked in
    return out


def concerns(row: dict, *, settings: Settings = DEFAULTS) -> list[tuple[int, str]]:
    """Every concern of one client as ``(level, reason in words)``, most urgent first.

    ``row`` is one row of :func:`facts` (a dict or Series). Returns an empty list when
    nothing is flagged.
    """
    found: list[tuple[int, str]] = []
    for label, items in (("Risk answer", row["risk_answers"]), ("Red flag", row["red_flags"])):
        by_field: dict[str, list[str]] = {}
        unreadable: dict[str, list[str]] = {}
        for day, field, status in items:
            target = by_field if status == "positive" else unreadable
            target.setdefault(field, []).append(day)
        for field in dict.fromkeys([*by_field, *unreadable]):
            words = RISK_WORDS.get(field, field.replace("_", " "))
            parts = []
            if by_field.get(field):
                parts.append(_when(by_field[field]))
            if unreadable.get(field):
                parts.append(f"unreadable answer (review) {_when(unreadable[field])}")
            found.append((LEVEL_RISK, f"{label}: {words} {'; '.join(parts)}"))
    if row["persistent"] is True:
        found.append((LEVEL_PERSISTENT,
                      f"Persistent numbness: numb on {row['numb_days_14d']} of "
                      f"{row['logged_days_14d']} logged days in the last "
                      f"{settings.window_days} days"))
    drop = _change(row["adherence_week"], row["adherence_prev"], row["days_logged_week"],
                   row["logged_days_prev"])
    if drop is not None and -drop >= ADHERENCE_DROP - 1e-9:
        found.append((LEVEL_ADHERENCE_FALLING,
                      f"Practice fell: {row['practised_days_week']} of "
                      f"{row['days_logged_week']} logged days this week, "
                      f"{row['practised_days_prev']} of {row['logged_days_prev']} last week"))
    rise = _change(row["numbness_mean_week"], row["numbness_mean_prev"],
                   row["days_logged_week"], row["logged_days_prev"])
    if rise is not None and rise >= NUMBNESS_RISE - 1e-9:
        found.append((LEVEL_NUMBNESS_RISING,
                      f"Numbness rising: average {row['numbness_mean_week']:.1f} this week, "
                      f"{row['numbness_mean_prev']:.1f} last week"))
    since = row["days_since_checkin"]
    if is_missing(since):
        found.append((LEVEL_MISSING_CHECKINS, "No check-ins at all"))
    elif since >= settings.missing_checkin_alert_days:
        found.append((LEVEL_MISSING_CHECKINS,
                      f"No check-in for {int(since)} days (last on {row['last_checkin']})"))
    return sorted(found, key=lambda item: item[0])


def order(rows: pd.DataFrame, *, report_status: dict[str, str] | None = None,
          settings: Settings = DEFAULTS) -> pd.DataFrame:
    """Rows of :func:`facts` ordered by concern, with the reasons in words.

    Parameters
    ----------
    rows
        Output of :func:`facts` (not changed).
    report_status
        ``client_id -> "ok" | "skipped" | "failed" | "none"`` (``none``: no report was due,
        e.g. no check-ins this week); a client missing from it counts as failed (its report
        is missing). ``None`` means "not known" and nobody is treated as failed.

    Returns
    -------
    pandas.DataFrame
        The same columns plus ``level`` (0-6, see the module docstring), ``reasons`` (list
        of strings, most urgent first) and ``report_missing`` (bool), sorted by ``level``,
        then by number of reasons (more first), then (missing check-ins only) by days
        without a check-in (most first, never checked in before all), then ``client_id``.
    """
    out = rows.copy()
    levels, reasons, missing = [], [], []
    for record in rows.to_dict("records"):
        found = concerns(record, settings=settings)
        failed = (report_status is not None
                  and report_status.get(record["client_id"], "failed") == "failed")
        level = found[0][0] if found else LEVEL_NONE
        words = [text for _, text in found]
        if failed and level == LEVEL_RISK:
            level = LEVEL_RISK_REPORT_MISSING
            words = ["Risk present, report missing", *words]
        levels.append(level)
        reasons.append(words)
        missing.append(bool(failed))
    out["level"] = pd.Series(levels, index=out.index, dtype="int64")
    out["reasons"] = pd.Series(reasons, index=out.index, dtype=object)
    out["report_missing"] = pd.Series(missing, index=out.index, dtype=bool)
    out["_n"] = [-len(r) for r in reasons]
    # missing check-ins: the longest gap first (never checked in counts as the longest)
    out["_gap"] = [(-float("inf") if is_missing(since) else -float(since))
                   if level == LEVEL_MISSING_CHECKINS else 0.0
                   for level, since in zip(levels, out["days_since_checkin"], strict=True)]
    return (out.sort_values(["level", "_n", "_gap", "client_id"], kind="stable")
            .drop(columns=["_n", "_gap"]).reset_index(drop=True))


def _when(days: list[str]) -> str:
    """``"on 2026-11-20"``; a record whose date could not be read says so and is never
    given a date: ``"(date unreadable)"`` or ``"(date unreadable) and on 2026-11-20"``."""
    dated = [d for d in days if d != DATE_UNREADABLE]
    if len(dated) == len(days):
        return f"on {day_ranges(dated)}"
    undated = len(days) - len(dated)
    text = f"({DATE_UNREADABLE}{'' if undated == 1 else f', {undated} answers'})"
    return f"{text} and on {day_ranges(dated)}" if dated else text


def day_ranges(days: list[str]) -> str:
    """Dates as short runs: ``["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-20"]`` ->
    ``"2026-11-16 to 2026-11-18, 2026-11-20"`` (sorted, duplicates once)."""
    stamps = sorted({pd.Timestamp(day) for day in days})
    runs: list[list[pd.Timestamp]] = []
    for stamp in stamps:
        if runs and (stamp - runs[-1][-1]).days == 1:
            runs[-1].append(stamp)
        else:
            runs.append([stamp])
    return ", ".join(f"{run[0]:%Y-%m-%d}" if len(run) == 1
                     else f"{run[0]:%Y-%m-%d} to {run[-1]:%Y-%m-%d}" for run in runs)


def trend_mark(now: float | None, before: float | None, *, tolerance: float = 0.0) -> str:
    """``▲`` when ``now`` is above ``before`` by more than ``tolerance``, ``▼`` below, ``▶``
    about the same, ``""`` when either is unknown."""
    if now is None or before is None or is_missing(now) or is_missing(before):
        return ""
    if now - before > tolerance:
        return "▲"
    if before - now > tolerance:
        return "▼"
    return "▶"


# --------------------------------------------------------------------------------------------

def _daily(entries: pd.DataFrame) -> pd.DataFrame:
    """client_id, date, numbness and the cue columns present (others added as missing)."""
    if not len(entries) or "client_id" not in entries.columns:
        return pd.DataFrame({"client_id": pd.Series(dtype=object),
                             "date": pd.Series(dtype="datetime64[ns]"),
                             "numbness": pd.Series(dtype=float)})
    keep = ["client_id", "date", "numbness", *[c for c in CUE_FIELDS if c in entries.columns]]
    out = entries[[c for c in keep if c in entries.columns]].copy()
    out["date"] = pd.to_datetime(out["date"])
    if "numbness" not in out.columns:
        out["numbness"] = np.nan
    out["numbness"] = pd.to_numeric(out["numbness"]).astype(float)
    return out


def _risks_in_window(tables: Tables, *, week: str, settings: Settings,
                     attributed: bool = True, keep_source: bool = False) -> pd.DataFrame:
    risks = tables.risks
    empty = pd.DataFrame({"client_id": pd.Series(dtype=object),
                          "date": pd.Series(dtype="datetime64[ns]"),
                          "field": pd.Series(dtype=object), "status": pd.Series(dtype=object)})
    if not len(risks) or "client_id" not in risks.columns:
        return empty
    start, end = safety_window(week, settings=settings)
    out = risks.copy()
    out["date"] = pd.to_datetime(out["date"]) if "date" in out.columns else pd.NaT
    if "field" not in out.columns:
        out["field"] = "risk"
    if "status" not in out.columns:
        out["status"] = "positive"
    # A risk record without a readable date cannot be placed in a week: it is kept (never
    # lost) in every week's safety window, and its date stays NaT (never invented).
    inside = out["date"].isna() | ((out["date"] >= start) & (out["date"] <= end))
    out = out[inside]
    if attributed:
        out = out[out["client_id"].notna()]
    source = [c for c in ("source_file", "source_row") if keep_source and c in out.columns]
    return out[["client_id", "date", "field", "status", *source]]


def _adherence(days: pd.DataFrame) -> tuple[int, float]:
    cues = [c for c in CUE_FIELDS if c in days.columns]
    if not cues or not len(days):
        return 0, float("nan")
    answers = days[cues].astype("boolean")
    answered = answers.notna().any(axis=1)
    practised = answers.fillna(False).any(axis=1)
    n_answered = int(answered.sum())
    n_practised = int((practised & answered).sum())
    return n_practised, (n_practised / n_answered if n_answered else float("nan"))


def _mean(values: pd.Series) -> float:
    values = pd.to_numeric(values).dropna()  # unknown days are left out of a mean, by design
    return float(values.mean()) if len(values) else float("nan")


def _change(now, before, days_now, days_before) -> float | None:
    if is_missing(now) or is_missing(before):
        return None
    if days_now < MIN_DAYS_FOR_CHANGE or days_before < MIN_DAYS_FOR_CHANGE:
        return None
    return float(now) - float(before)


def is_missing(value) -> bool:
    """True for None, NaN, NaT and pd.NA (a scalar that is not known)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array is not "missing"
        return False
