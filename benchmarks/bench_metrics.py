"""Benchmark: every metric view for a caseload of about 1,000,000 entry rows.

Usage::

    .venv/bin/python benchmarks/bench_metrics.py                 # synthetic tables, built here
    .venv/bin/python benchmarks/bench_metrics.py --validated DIR # a folder from tables.save
    .venv/bin/python benchmarks/bench_metrics.py --clients 100   # smaller, for a quick look

The synthetic caseload has the shape of a validated export (all canonical fields, nullable
booleans, ~8 % of days unlogged, a lever start and a medication event per client). The
bootstrap runs with the default ``Settings`` (500 resamples, blocks of 7 days). Prints the
wall time of each view, the total, and the per-client cost of the same views on one client.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from reconnect_analysis import metrics
from reconnect_analysis import tables as tables_mod
from reconnect_analysis.config import DEFAULTS
from reconnect_analysis.tables import Tables

CUES = ("cue_body", "cue_sensory", "cue_connection", "cue_meaning")
SHIFTS = ("shift_shoulders_dropped", "shift_time_faster", "shift_body_sensation",
          "shift_emotion_wave", "shift_sadness_or_annoyance", "shift_preference",
          "shift_social")
YES_NO = ("cannabis", "late_scrolling", "recovery_block", "conflict", "daylight_walk",
          "self_harm_thoughts", "unsafe", "flag_dissociation")


def synthetic(clients: int, days: int, seed: int = 1) -> Tables:
    rng = np.random.default_rng(seed)
    n = clients * days
    client = np.repeat([f"C{i:05d}" for i in range(clients)], days)
    date = np.tile(pd.date_range("2025-11-17", periods=days).to_numpy(), clients)
    keep = rng.random(n) > 0.08

    def yes_no(p):
        return pd.array(rng.random(n) < p, dtype="boolean")

    frame = {"client_id": client, "date": date,
             "numbness": np.round(np.clip(rng.normal(6, 2, n), 0, 10)),
             "arousal": np.round(np.clip(rng.normal(0, 1.3, n), -3, 3)),
             "interest_pct": np.round(rng.uniform(0, 60, n)),
             "sleep_hours": np.round(rng.normal(7, 1, n), 1),
             "wake_time": [f"{h:02d}:{m:02d}" for h, m in
                           zip(rng.integers(5, 10, n), rng.integers(0, 60, n), strict=True)],
             "alcohol_drinks": rng.poisson(0.6, n).astype(float),
             "n_entries": np.ones(n, dtype="int64")}
    for column in CUES:
        frame[column] = yes_no(0.5)
    for column in SHIFTS:
        frame[column] = yes_no(0.2)
    for column in YES_NO:
        frame[column] = yes_no(0.002 if column in ("self_harm_thoughts", "unsafe",
                                                   "flag_dissociation") else 0.3)
    entries = pd.DataFrame(frame)[keep].reset_index(drop=True)
    entries["client_id"] = entries["client_id"].astype(object)
    ids = pd.Series([f"C{i:05d}" for i in range(clients)], dtype=object)
    first = pd.Timestamp("2025-11-17")
    events = pd.DataFrame({
        "client_id": pd.concat([ids, ids], ignore_index=True),
        "date": np.r_[np.full(clients, first + pd.Timedelta(days=days // 3)),
                      np.full(clients, first + pd.Timedelta(days=2 * days // 3))
                      ].astype("datetime64[ns]"),
        "kind": ["lever_start"] * clients + ["medication_dose_change"] * clients,
        "detail": ["consistent wake time"] * clients + ["dose change"] * clients})
    risk_rows = entries[entries["self_harm_thoughts"].fillna(False).to_numpy(dtype=bool)]
    risks = pd.DataFrame({"client_id": risk_rows["client_id"], "date": risk_rows["date"],
                          "field": "self_harm_thoughts", "value": "true", "status": "positive",
                          "from_quarantine": False, "source_file": "entries.csv",
                          "source_row": np.arange(len(risk_rows))})
    return Tables(entries=entries, events=events, risks=risks)


def views(end: pd.Timestamp):
    week_start = end - pd.Timedelta(days=end.weekday())
    period = {"start": end - pd.Timedelta(days=55), "end": end}
    return [
        ("daily.grid", metrics.daily.grid, {}),
        ("duration.numb_days", metrics.duration.numb_days, {}),
        ("duration.episodes", metrics.duration.episodes, {}),
        ("duration.summary", metrics.duration.summary, {"as_of": end}),
        ("adherence.daily", metrics.adherence.daily, {}),
        ("adherence.weekly", metrics.adherence.weekly, {}),
        ("adherence.block", metrics.adherence.block, {"as_of": end}),
        ("shifts.daily", metrics.shifts.daily, {}),
        ("association.link (last 8 weeks)", metrics.association.link, {"end": end}),
        ("trends.slopes (last 8 weeks)", metrics.trends.slopes, {"end": end}),
        ("trends.week_over_week", metrics.trends.week_over_week, {"week": week_start}),
        ("windows.before_after", metrics.windows.before_after, {}),
        ("fuel.weekly", metrics.fuel.weekly, {}),
        ("fuel.arousal_zones", metrics.fuel.arousal_zones, period),
        ("safety.risks", metrics.safety.risks, period),
        ("quality.sufficiency", metrics.quality.sufficiency, period),
        ("quality.prompts_daily", metrics.quality.prompts_daily, period),
        ("quality.last_checkin", metrics.quality.last_checkin, {"as_of": end}),
        ("quality.missingness", metrics.quality.missingness, {}),
    ]


def run(tables: Tables, *, label: str, verbose: bool) -> float:
    end = tables.entries["date"].max()
    total = 0.0
    for name, view, options in views(end):
        start = time.perf_counter()
        out = view(tables, **options)
        spent = time.perf_counter() - start
        total += spent
        if verbose:
            print(f"  {name:34s} {spent:7.2f} s  {len(out):>9,d} rows")
    print(f"{label}: all views {total:.2f} s")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2700)
    parser.add_argument("--days", type=int, default=371, help="calendar days per client")
    parser.add_argument("--validated", help="a validated folder (tables.save) to use instead")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.validated:
        tables = tables_mod.load(args.validated)
    else:
        tables = synthetic(args.clients, args.days)
    n_clients = tables.entries["client_id"].nunique()
    print(f"caseload: {len(tables.entries):,d} entry rows, {n_clients:,d} clients "
          f"(prepared in {time.perf_counter() - start:.1f} s); bootstrap "
          f"{DEFAULTS.bootstrap_resamples} resamples, blocks of {DEFAULTS.bootstrap_block_days} "
          f"days")
    total = run(tables, label="whole caseload", verbose=True)
    one = tables.for_client(tables.entries["client_id"].iloc[0])
    run(one, label="one client (first call)", verbose=False)
    single = run(one, label="one client", verbose=False)
    print(f"per client: {single * 1000:.0f} ms alone, {total / n_clients * 1000:.1f} ms "
          f"within the caseload")


if __name__ == "__main__":
    main()
