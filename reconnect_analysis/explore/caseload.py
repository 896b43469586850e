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
from reconnect_analysis.explore.caseload_patterns import assign_patterns
from reconnect_analysis.explore.display import count, day_text, short_day
from reconnect_analysis.report import sections
from reconnect_analysis.tables import Tables

__all__ = ["client_summary", "SUMMARY_COLUMNS", "RISK_DAYS", "MIN_DAYS_PER_HALF",
           "MIN_SHARE_LOGGED", "MIN_SHARE_OF_PERIOD", "NOT_IN_EXPORT", "NOT_ENOUGH",
           "silence_text"]

RISK_DAYS = 14
"""Risk answers dated in the last this-many days of the period count as recent."""
MIN_DAYS_PER_HALF = 3
"""Days with a practice answer needed in each half of the period before a share is given."""
MIN_SHARE_LOGGED = 0.5
"""Below this share of days logged (from the first to the last check-in in the period), a
client logs too little to say anything: the gaps could hide how the weeks went."""
MIN_SHARE_OF_PERIOD = 1 / 3
"""Below this share of the whole period's days logged (about two days a week), a client
logs too little to say anything, however densely they logged before stopping: a burst of
11 days and then weeks of silence says nothing about the weeks since."""
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
    "numbness_week": "float64", "numbness_week_before": "float64",
    "days_week": "int64", "days_week_before": "int64",
    "shift_slope": "float64", "shift_low": "float64", "shift_high": "float64",
    "shift_days": "int64", "shift_verdict": "str",
    "link_same_day": "str", "rho_same_day": "float64", "days_same_day": "int64",
    "link_next_day": "str", "rho_next_day": "float64", "days_next_day": "int64",
    "enough_data": "bool", "reason": "str", "risk_recent": "int64",
    "as_of": "datetime64[ns]", "last_checkin": "datetime64[ns]", "days_silent": "Int64",
    "silent": "bool", "pattern": "str",
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
        - ``numbness_week`` / ``numbness_week_before``: mean numbness of the period's last
          week and of the week before (``metrics.trends.week_over_week``, NaN when no day
          logged), ``days_week`` / ``days_week_before`` the days behind each mean;
        - ``link_same_day``, ``rho_same_day``, ``days_same_day`` and ``link_next_day``,
          ``rho_next_day``, ``days_next_day``: verdict, rank correlation and days of the
          association of any cue with the micro-shift score (``metrics.association.link``);
          the verdict is :data:`NOT_IN_EXPORT` when the export asks no practice or no
          micro-shift questions;
        - ``enough_data`` and ``reason`` (plain words why not, "" when enough), see Notes;
        - ``risk_recent``: risk answers and red flags dated in the last :data:`RISK_DAYS`
          days of the period, plus undated ones (``metrics.safety.risks``);
        - ``as_of`` (the end of the period or the export's last day, whichever is earlier),
          ``last_checkin`` (last logged day up to ``as_of``, anywhere in the record; NaT when
          none), ``days_silent`` (``as_of - last_checkin`` in days; NA when none) and
          ``silent`` (True when ``days_silent >= settings.missing_checkin_alert_days`` or no
          check-in at all): ``metrics.quality.last_checkin``, the rule of the client
          explorer;
        - ``pattern``: the first rule of :data:`PATTERNS` that holds.

    Notes
    -----
    A client logs too little to say anything when, in the period, they logged nothing, fewer
    than ``settings.min_days_for_trend`` days (no trend can be given), fewer than
    :data:`MIN_SHARE_OF_PERIOD` of the period's days (a short burst says nothing about the
    rest of the period), or fewer than :data:`MIN_SHARE_LOGGED` of the days from their first
    to their last check-in in the period (gaps that large can hide how the weeks went). When
    such a client has also gone silent, the reason says since when.
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
    out = out.merge(_last_weeks(tables, end, settings) if has_entries else _last_weeks(
        None, end, settings), on="client_id", how="left")
    for column in ("practice_days_first", "practice_days_second", "numbness_days",
                   "shift_days", "days_same_day", "days_next_day", "days_week",
                   "days_week_before"):
        out[column] = out[column].fillna(0).astype("int64")
    for column in ("numbness_verdict", "shift_verdict"):
        out[column] = out[column].astype(object).fillna(NOT_ENOUGH)
    if not carries["shifts"]:
        out["shift_verdict"] = NOT_IN_EXPORT
    for column in ("link_same_day", "link_next_day"):
        fallback = NOT_ENOUGH if carries["practice"] and carries["shifts"] else NOT_IN_EXPORT
        out[column] = out[column].astype(object).fillna(fallback)
    out = out.merge(_silence(tables, start, end, settings), on="client_id", how="left")
    out["as_of"] = _as_of(tables, end)
    out["silent"] = out["silent"].astype(object).fillna(True).astype(bool)
    out["days_silent"] = out["days_silent"].astype("Int64")
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


def _last_weeks(tables: Tables | None, end: pd.Timestamp, settings: Settings
                ) -> pd.DataFrame:
    """Mean numbness of the period's last week and of the week before (the engine's "this
    week against last week")."""
    columns = ["client_id", "numbness_week", "numbness_week_before", "days_week",
               "days_week_before"]
    if tables is None:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "client_id" else "float64")
                             for c in columns})
    wow = metrics.trends.week_over_week(tables, settings=settings, week=end)
    wow = wow[wow["measure"] == "numbness"]
    return pd.DataFrame({"client_id": wow["client_id"].astype(str),
                         "numbness_week": wow["this_week"], "numbness_week_before":
                         wow["last_week"], "days_week": wow["n_days_this"],
                         "days_week_before": wow["n_days_last"]})


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


def _as_of(tables: Tables, end: pd.Timestamp) -> pd.Timestamp:
    """The end of the period or the export's last day, whichever is earlier."""
    entries = tables.entries
    if len(entries) and "date" in entries.columns:
        last = pd.to_datetime(entries["date"], errors="coerce").max()
        if pd.notna(last):
            return min(end, last.normalize())
    return end


def _silence(tables: Tables, start: pd.Timestamp, end: pd.Timestamp,
             settings: Settings) -> pd.DataFrame:
    columns = {"client_id": object, "last_checkin": "datetime64[ns]", "days_silent": "Int64",
               "silent": object}
    if not (len(tables.entries) and "client_id" in tables.entries.columns):
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    last = metrics.quality.last_checkin(tables, settings=settings,
                                        as_of=_as_of(tables, end))
    return pd.DataFrame({"client_id": last["client_id"].astype(str),
                         "last_checkin": last["last_logged"].astype("datetime64[ns]"),
                         "days_silent": last["days_since"].astype("Int64"),
                         "silent": last["alert"].astype(object)})


def silence_text(row) -> str:
    """``"No check-in for 9 days (last on Sun 13 Nov)"`` for a silent summary row ("" when
    not silent); a client without any check-in: "No check-in in this export up to ..."."""
    if not bool(row.silent):
        return ""
    if pd.isna(row.last_checkin):
        return f"No check-in in this export up to {day_text(row.as_of)}"
    return (f"No check-in for {count(int(row.days_silent), 'day')} "
            f"(last on {day_text(row.last_checkin)})")


def _reason(row, settings: Settings) -> str:
    logged = int(row.days_logged)
    n_days = int(row.days_in_period)
    if logged == 0:
        reason = "no check-in in this period"
    elif logged < settings.min_days_for_trend:
        reason = (f"only {count(logged, 'day')} logged in the period; a trend needs at least "
                  f"{settings.min_days_for_trend}")
    elif logged < MIN_SHARE_OF_PERIOD * n_days - 1e-9:
        reason = (f"logged only {logged} of the {n_days} days of this period "
                  f"({logged / n_days:.0%}, fewer than a third); a short stretch of logging "
                  "says nothing about the rest of the period")
    else:
        span = (row.last_logged - row.first_logged).days + 1
        if logged / span >= MIN_SHARE_LOGGED:
            return ""
        reason = (f"logged {logged} of the {span} days from the first to the last check-in "
                  f"in this period ({short_day(row.first_logged)} – {short_day(row.last_logged)}, "
                  f"{logged / span:.0%}); with more than half the days missing, the gaps "
                  "could hide how the weeks went")
    silence = silence_text(row)
    if silence and pd.notna(row.last_checkin):
        reason += f"; {silence[0].lower()}{silence[1:]}"
    return reason


def _recent_risks(tables: Tables, client_ids: pd.Series, end: pd.Timestamp,
                  settings: Settings) -> np.ndarray:
    rows = metrics.safety.risks(tables, settings=settings,
                                start=end - pd.Timedelta(days=RISK_DAYS - 1), end=end)
    counts = rows.dropna(subset=["client_id"]).groupby(
        rows["client_id"].dropna().astype(str)).size()
    return client_ids.map(counts).fillna(0).to_numpy(dtype="int64")
