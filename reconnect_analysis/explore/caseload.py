"""The whole caseload at once: one summary row per client (:func:`client_summary`), what
the patterns (:mod:`.caseload_patterns`) and the views of ``notebooks/explore_caseload.ipynb``
(:mod:`.caseload_views`) are built on.

Everything here is a pure function of the validated tables and a period (``start``/``end``
days, as :func:`reconnect_analysis.explore.data.period` gives them). The engine views
(``metrics.adherence.daily``, ``trends.slopes``, ``association.link``, ``quality.sufficiency``,
``safety.risks``) are computed once for the whole caseload, never client by client.

Missing days are unknown: a share of practised days counts only days with a practice answer,
and a client without any practice answer has no share (never 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconnect_analysis import metrics
from reconnect_analysis.config import DEFAULTS, Settings

# TEMPORARY re-export: tests/explore/test_explore_caseload_notebook.py still imports
# patterns_markdown from here; drop it once that test imports from caseload_patterns.
from reconnect_analysis.explore.caseload_patterns import (
    assign_patterns,
    patterns_markdown,  # noqa: F401
)
from reconnect_analysis.report import sections
from reconnect_analysis.tables import Tables

__all__ = ["client_summary", "SUMMARY_COLUMNS", "RISK_DAYS", "MIN_DAYS_PER_HALF",
           "MIN_SHARE_LOGGED", "NOT_IN_EXPORT", "NOT_ENOUGH"]

RISK_DAYS = 14
"""Risk answers dated in the last this-many days of the period count as recent."""
MIN_DAYS_PER_HALF = 3
"""Days with a practice answer needed in each half of the period before a share is given."""
MIN_SHARE_LOGGED = 0.5
"""Below this share of days logged (from the first to the last check-in in the period), a
client logs too little to say anything: the gaps could hide how the weeks went."""
NOT_IN_EXPORT = "not in this export"
"""Link (and micro-shift trend) verdict for an export that asks no practice or no
micro-shift questions: asking more days would not help."""

SUMMARY_COLUMNS = {
    "client_id": "str", "period_start": "datetime64[ns]", "period_end": "datetime64[ns]",
    "days_in_period": "int64", "days_logged": "int64", "share_logged": "float64",
    "first_logged": "datetime64[ns]", "last_logged": "datetime64[ns]",
    "practice_days_first": "int64", "practice_days_second": "int64",
    "share_practised_first": "float64", "share_practised_second": "float64",
    "practice_change": "float64",
    "numbness_slope": "float64", "numbness_low": "float64", "numbness_high": "float64",
    "numbness_days": "int64", "numbness_verdict": "str",
    "shift_slope": "float64", "shift_low": "float64", "shift_high": "float64",
    "shift_days": "int64", "shift_verdict": "str",
    "link_same_day": "str", "rho_same_day": "float64", "days_same_day": "int64",
    "link_next_day": "str", "rho_next_day": "float64", "days_next_day": "int64",
    "enough_data": "bool", "reason": "str", "risk_recent": "int64", "pattern": "str",
}
NOT_ENOUGH = "not enough data yet"


def _day(value) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def client_summary(tables: Tables, *, start, end, settings: Settings = DEFAULTS
                   ) -> pd.DataFrame:
    """One row per client of the caseload for the period ``start`` .. ``end`` (inclusive).

    Every client with a check-in (anywhere in the tables) or a risk answer gets a row; nobody
    is dropped, a client who logged nothing in the period included.

    Returns
    -------
    pandas.DataFrame
        Columns (see :data:`SUMMARY_COLUMNS`), sorted by ``client_id``:

        - ``period_start``, ``period_end``, ``days_in_period`` (calendar days),
          ``days_logged``, ``share_logged`` (``metrics.quality.sufficiency``),
          ``first_logged``, ``last_logged`` (first and last logged day in the period, NaT
          when none);
        - ``practice_days_first`` / ``_second``: days with a practice answer in the first
          and second half of the period (the first half is the first ``days // 2`` days);
          ``share_practised_first`` / ``_second``: practised / answered days of that half
          (``metrics.adherence.daily``), NaN with fewer than :data:`MIN_DAYS_PER_HALF`
          answered days; ``practice_change`` = second - first (0-1 scale);
        - ``numbness_slope``, ``numbness_low``, ``numbness_high`` (Theil-Sen points per week
          and its interval), ``numbness_days``, ``numbness_verdict``; the same for the
          micro-shift score as ``shift_*`` (``metrics.trends.slopes`` over the period;
          ``shift_verdict`` is :data:`NOT_IN_EXPORT` when the export asks no micro-shift
          questions);
        - ``link_same_day``, ``rho_same_day``, ``days_same_day`` and ``link_next_day``,
          ``rho_next_day``, ``days_next_day``: verdict, rank correlation and days of the
          association of any cue with the micro-shift score (``metrics.association.link``);
          the verdict is :data:`NOT_IN_EXPORT` when the export asks no practice or no
          micro-shift questions;
        - ``enough_data`` and ``reason`` (plain words why not, "" when enough), see Notes;
        - ``risk_recent``: risk answers and red flags dated in the last :data:`RISK_DAYS`
          days of the period, plus undated ones (``metrics.safety.risks``);
        - ``pattern``: the first rule of :data:`PATTERNS` that holds.

    Notes
    -----
    A client logs too little to say anything when, in the period, they logged nothing, fewer
    than ``settings.min_days_for_trend`` days (no trend can be given), or fewer than
    :data:`MIN_SHARE_LOGGED` of the days from their first to their last check-in in the
    period (gaps that large can hide how the weeks went). A client who started late or
    stopped early is therefore not called a sparse logger for the weeks they were not
    logging at all; a stop shows as missed check-ins in the weekly overview.
    """
    start, end = _day(start), _day(end)
    clients = _all_clients(tables)
    out = pd.DataFrame({"client_id": pd.Series(clients, dtype=object)})
    n_days = (end - start).days + 1
    out["period_start"], out["period_end"] = start, end
    out["days_in_period"] = n_days
    has_entries = len(tables.entries) > 0 and "client_id" in tables.entries.columns
    carries = sections.export_carries(tables)

    if has_entries:
        suff = metrics.quality.sufficiency(tables, settings=settings, start=start, end=end)
        practice = metrics.adherence.daily(tables, settings=settings, start=start, end=end)
        slopes = metrics.trends.slopes(tables, settings=settings, start=start, end=end)
        link = metrics.association.link(tables, settings=settings, start=start, end=end)
    else:
        suff = practice = slopes = link = None
    out = out.merge(_logging(suff, practice), on="client_id", how="left")
    out["days_logged"] = out["days_logged"].fillna(0).astype("int64")
    out["share_logged"] = out["days_logged"] / n_days
    out = out.merge(_halves(practice, start, n_days), on="client_id", how="left")
    out = out.merge(_slopes(slopes), on="client_id", how="left")
    out = out.merge(_links(link, carries), on="client_id", how="left")
    for column in ("practice_days_first", "practice_days_second", "numbness_days",
                   "shift_days", "days_same_day", "days_next_day"):
        out[column] = out[column].fillna(0).astype("int64")
    for column in ("numbness_verdict", "shift_verdict"):
        out[column] = out[column].astype(object).fillna(NOT_ENOUGH)
    if not carries["shifts"]:
        out["shift_verdict"] = NOT_IN_EXPORT
    for column in ("link_same_day", "link_next_day"):
        fallback = NOT_ENOUGH if carries["practice"] and carries["shifts"] else NOT_IN_EXPORT
        out[column] = out[column].astype(object).fillna(fallback)
    out["reason"] = [_reason(r, settings) for r in out.itertuples(index=False)]
    out["enough_data"] = out["reason"] == ""
    out["risk_recent"] = _recent_risks(tables, out["client_id"], end, settings)
    out["pattern"] = assign_patterns(out)
    for column, dtype in SUMMARY_COLUMNS.items():
        if dtype != "str":
            out[column] = out[column].astype(dtype)
    return out[list(SUMMARY_COLUMNS)].sort_values("client_id").reset_index(drop=True)


def _all_clients(tables: Tables) -> list[str]:
    ids: set[str] = set()
    for frame in (tables.entries, tables.risks):
        if frame is not None and "client_id" in getattr(frame, "columns", []):
            ids |= {str(i) for i in frame["client_id"].dropna()}
    return sorted(ids)


def _logging(suff: pd.DataFrame | None, practice: pd.DataFrame | None) -> pd.DataFrame:
    if suff is None or suff.empty:
        return pd.DataFrame({"client_id": pd.Series(dtype=object),
                             "days_logged": pd.Series(dtype="int64"),
                             "first_logged": pd.Series(dtype="datetime64[ns]"),
                             "last_logged": pd.Series(dtype="datetime64[ns]")})
    logged = practice[practice["logged"]]
    spans = logged.groupby("client_id", sort=False)["date"].agg(["min", "max"])
    spans.index = spans.index.astype(str)
    frame = suff[["client_id", "days_logged"]].copy()
    frame["client_id"] = frame["client_id"].astype(str)
    frame["first_logged"] = frame["client_id"].map(spans["min"]).astype("datetime64[ns]")
    frame["last_logged"] = frame["client_id"].map(spans["max"]).astype("datetime64[ns]")
    return frame


def _halves(practice: pd.DataFrame | None, start: pd.Timestamp, n_days: int) -> pd.DataFrame:
    columns = ["client_id", "practice_days_first", "practice_days_second",
               "share_practised_first", "share_practised_second", "practice_change"]
    if practice is None or practice.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "client_id" else "float64")
                             for c in columns})
    done = practice["practised"]
    frame = pd.DataFrame({
        "client_id": practice["client_id"].astype(str),
        "second": (practice["date"] - start).dt.days >= n_days // 2,
        "answered": done.notna().to_numpy(),
        "practised": done.fillna(False).to_numpy(dtype=bool),
    })
    counts = frame.groupby(["client_id", "second"])[["answered", "practised"]].sum()
    counts = counts.unstack("second").reindex(columns=[False, True], level=1).fillna(0)
    answered_1, answered_2 = counts[("answered", False)], counts[("answered", True)]
    share_1 = np.where(answered_1 >= MIN_DAYS_PER_HALF,
                       counts[("practised", False)] / answered_1.clip(lower=1), np.nan)
    share_2 = np.where(answered_2 >= MIN_DAYS_PER_HALF,
                       counts[("practised", True)] / answered_2.clip(lower=1), np.nan)
    return pd.DataFrame({
        "client_id": counts.index.astype(str), "practice_days_first": answered_1.to_numpy(),
        "practice_days_second": answered_2.to_numpy(), "share_practised_first": share_1,
        "share_practised_second": share_2, "practice_change": share_2 - share_1})


def _slopes(slopes: pd.DataFrame | None) -> pd.DataFrame:
    parts = []
    for measure, prefix in (("numbness", "numbness"), ("shift_score", "shift")):
        names = {"slope_per_week": f"{prefix}_slope", "ci_low": f"{prefix}_low",
                 "ci_high": f"{prefix}_high", "n_days": f"{prefix}_days",
                 "verdict": f"{prefix}_verdict"}
        if slopes is None or slopes.empty:
            part = pd.DataFrame({c: pd.Series(dtype="float64") for c in names.values()})
            part.insert(0, "client_id", pd.Series(dtype=object))
        else:
            part = slopes[slopes["measure"] == measure][["client_id", *names]].rename(
                columns=names)
            part["client_id"] = part["client_id"].astype(str)
        parts.append(part.set_index("client_id"))
    return parts[0].join(parts[1], how="outer").reset_index()


def _links(link: pd.DataFrame | None, carries: dict) -> pd.DataFrame:
    parts = []
    for lag, suffix in ((0, "same_day"), (1, "next_day")):
        names = {"verdict": f"link_{suffix}", "rho": f"rho_{suffix}",
                 "n_days": f"days_{suffix}"}
        if link is None or link.empty:
            part = pd.DataFrame({c: pd.Series(dtype=object) for c in ["client_id", *names]})
            part = part.rename(columns=names)
        else:
            rows = link[(link["cue"] == "any") & (link["lag"] == lag)]
            part = rows[["client_id", *names]].rename(columns=names)
            part["client_id"] = part["client_id"].astype(str)
        if not (carries["practice"] and carries["shifts"]):
            part[f"link_{suffix}"] = NOT_IN_EXPORT
        parts.append(part.set_index("client_id"))
    return parts[0].join(parts[1], how="outer").reset_index()


def _reason(row, settings: Settings) -> str:
    logged = int(row.days_logged)
    if logged == 0:
        return "no check-in in this period"
    if logged < settings.min_days_for_trend:
        return (f"only {_days(logged)} logged in the period; a trend needs at least "
                f"{settings.min_days_for_trend}")
    span = (row.last_logged - row.first_logged).days + 1
    if logged / span < MIN_SHARE_LOGGED:
        return (f"logged {logged} of the {span} days from the first to the last check-in "
                f"in this period ({_short(row.first_logged)} – {_short(row.last_logged)}, "
                f"{logged / span:.0%}); with more than half the days missing, the gaps could "
                "hide how the weeks went")
    return ""


def _short(day) -> str:
    return f"{day.day} {day:%b}"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _recent_risks(tables: Tables, client_ids: pd.Series, end: pd.Timestamp,
                  settings: Settings) -> np.ndarray:
    rows = metrics.safety.risks(tables, settings=settings,
                                start=end - pd.Timedelta(days=RISK_DAYS - 1), end=end)
    counts = rows.dropna(subset=["client_id"]).groupby(
        rows["client_id"].dropna().astype(str)).size()
    return client_ids.map(counts).fillna(0).to_numpy(dtype="int64")
