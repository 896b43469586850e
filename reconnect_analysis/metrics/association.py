"""Adherence vs micro-shifts: does practice go with more micro-shifts, same day or next day?

The wording never claims cause: practice "goes with" or "tends to be followed by" more
micro-shifts. Daily diaries are autocorrelated, so the interval comes from a moving-block
bootstrap (see :mod:`reconnect_analysis.stats.bootstrap`).
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from reconnect_analysis.config import DEFAULTS, Settings
from reconnect_analysis.metrics import _common, adherence, daily, shifts
from reconnect_analysis.stats import bootstrap, ranks
from reconnect_analysis.tables import Tables

__all__ = ["link", "VERDICTS", "CUE_ORDER"]

VERDICTS = ("not enough data yet", "no clear link", "possible link", "clear link")
CUE_ORDER = ("any", *_common.CUES)
CUE_LABEL = {"any": "any cue", "body": "body (movement)", "sensory": "sensory",
             "connection": "connection", "meaning": "meaning"}

_COLUMNS = {"client_id": "str", "cue": "str", "lag": "int64", "period_start": "datetime64[ns]",
            "period_end": "datetime64[ns]", "n_days": "int64", "n_practice_days": "int64",
            "n_other_days": "int64", "rho": "float64", "ci_low": "float64",
            "ci_high": "float64", "possible_low": "float64", "possible_high": "float64",
            "mw_p": "float64", "rank_biserial": "float64", "verdict": "str", "sentence": "str"}


def link(tables: Tables, *, settings: Settings = DEFAULTS, start=None,
         end=None) -> pd.DataFrame:
    """Same-day and next-day association of practice with the micro-shift score.

    Parameters
    ----------
    start, end : date-like, optional
        The period. Without ``start``: the last ``settings.analysis_weeks`` weeks of each
        client's record up to ``end`` (default 8 weeks).

    Returns
    -------
    pandas.DataFrame
        One row per ``client_id``, ``cue`` (any, then each of body, sensory, connection,
        meaning that the export carries as a column) and
        ``lag`` (0: practice and micro-shifts on the same day; 1: practice on one day,
        micro-shifts on the next). Columns: ``period_start``, ``period_end`` (the days used),
        ``n_days`` (pairs with both a practice answer and a shift score),
        ``n_practice_days`` and ``n_other_days`` (pairs with and without practice),
        ``rho`` (Spearman rank correlation between practice yes/no and the shift score),
        ``ci_low``, ``ci_high`` (moving-block bootstrap percentile interval at
        ``settings.confidence``), ``possible_low``, ``possible_high`` (the same at
        ``settings.possible_link_confidence``), ``mw_p`` (Mann-Whitney two-sided p, practice
        vs no-practice days), ``rank_biserial`` (effect size, -1 .. +1: the probability that a
        practice day has the higher score minus the probability that it has the lower one),
        ``verdict`` (one of :data:`VERDICTS`), ``sentence`` (plain words, never causal).

    Notes
    -----
    Interval: circular block bootstrap, ``settings.bootstrap_resamples`` resamples (default
    500) of blocks of ``settings.bootstrap_block_days`` consecutive calendar days (default
    7); unlogged days stay in the calendar, so a resample holds as many or fewer usable pairs.
    The interval is ``tanh(atanh(rho) +- z * s)`` with ``s`` the bootstrap standard deviation
    of ``atanh(rho*)``, floored at the independent-days value ``sqrt(1.06 / (n_days - 3))``
    (see :func:`reconnect_analysis.stats.bootstrap.fisher_z_interval`). Each client's
    random stream is seeded from ``settings.random_seed`` and the client id, so results do
    not depend on which other clients are analysed with it.

    Verdict rules, in order:

    1. *not enough data yet*: fewer than ``settings.min_days_for_link`` pairs, fewer than
       ``settings.min_days_per_group`` practice or no-practice days, or a shift score that
       never varies;
    2. *clear link*: the full interval excludes 0 and ``|rho| >= settings.clear_link_min_rho``;
    3. *possible link*: the narrower ``possible_link_confidence`` interval excludes 0;
    4. otherwise *no clear link*.

    The Mann-Whitney p treats days as independent, so it is shown as a description only;
    the verdict rests on the bootstrap intervals, which respect autocorrelation.
    """
    start_day = _common.to_day(start, name="start")
    days = daily.grid(tables, start=start_day, end=end)
    days = daily.recent(days, weeks=settings.analysis_weeks, start=start_day)
    if days.empty:
        return _common.empty(_COLUMNS)
    practice = adherence.from_grid(days)
    score = shifts.from_grid(days)["shift_score"].to_numpy(dtype="float64")
    cues = [c for c in CUE_ORDER if c == "any" or f"cue_{c}" in days.columns]
    x_all = {cue: _common.numeric(practice, "practised" if cue == "any" else f"cue_{cue}")
             for cue in cues}
    client = days["client_id"].to_numpy()
    dates = days["date"].to_numpy(dtype="datetime64[ns]")
    bounds = np.flatnonzero(np.r_[True, client[1:] != client[:-1], True])
    rows = []
    for first, stop in zip(bounds[:-1], bounds[1:], strict=True):
        rows.extend(_client_rows(str(client[first]), dates[first], dates[stop - 1],
                                 {c: v[first:stop] for c, v in x_all.items()},
                                 score[first:stop], settings))
    out = pd.DataFrame(rows, columns=list(_COLUMNS))
    out["client_id"] = out["client_id"].astype(days["client_id"].dtype)
    for column, dtype in _COLUMNS.items():
        if dtype != "str":
            out[column] = out[column].astype(dtype)
    out["sentence"] = [_sentence(r) for r in out.itertuples(index=False)]
    return out


def _seed(settings: Settings, client_id: str) -> np.random.Generator:
    return np.random.default_rng([settings.random_seed, zlib.crc32(client_id.encode("utf-8"))])


def _client_rows(client_id, first_day, last_day, x_by_cue, y, settings):
    n = len(y)
    codes, n_groups = ranks.group_codes(y)
    combos = [(cue, lag) for lag in (0, 1) for cue in x_by_cue]
    k = len(combos)
    # One design matrix for every (cue, lag): per combo, G columns "day is usable and its
    # score is in group g" and G columns "... and practice was done".
    design = np.zeros((n, k, 2, n_groups))
    for j, (cue, lag) in enumerate(combos):
        x = x_by_cue[cue][: n - lag]
        y_codes = codes[lag:]
        where = np.flatnonzero((~np.isnan(x)) & (y_codes >= 0))
        design[where, j, 0, y_codes[where]] = 1.0
        design[where, j, 1, y_codes[where]] = x[where]
    original = design.sum(axis=0)  # (k, 2, G)
    n_days = original[:, 0, :].sum(axis=1).astype("int64")
    n_practice = original[:, 1, :].sum(axis=1).astype("int64")
    if n_groups:
        counts = bootstrap.block_counts(n, block_days=settings.bootstrap_block_days,
                                        resamples=settings.bootstrap_resamples,
                                        rng=_seed(settings, client_id))
        sums = (counts @ design.reshape(n, -1)).reshape(-1, k, 2, n_groups)
        rho = ranks.binary_spearman(original[:, 0, :], original[:, 1, :])
        mw = ranks.mann_whitney_counts(original[:, 0, :], original[:, 1, :])
        boot = ranks.binary_spearman(sums[:, :, 0, :], sums[:, :, 1, :])  # (B, k)
        low, high = bootstrap.fisher_z_interval(rho, boot, confidence=settings.confidence,
                                                axis=0, n=n_days)
        p_low, p_high = bootstrap.fisher_z_interval(
            rho, boot, confidence=settings.possible_link_confidence, axis=0, n=n_days)
        mw_p, rb = mw["p"], mw["rank_biserial"]
    else:
        rho = low = high = p_low = p_high = mw_p = rb = np.full(k, np.nan)
    rows = []
    for j, (cue, lag) in enumerate(combos):
        verdict = _verdict(n_days[j], n_practice[j], n_days[j] - n_practice[j], rho[j],
                           low[j], high[j], p_low[j], p_high[j], settings)
        rows.append((client_id, cue, lag, first_day, last_day, n_days[j], n_practice[j],
                     n_days[j] - n_practice[j], rho[j], low[j], high[j], p_low[j], p_high[j],
                     mw_p[j], rb[j], verdict, ""))
    return rows


def _verdict(n_days, n_practice, n_other, rho, low, high, p_low, p_high, settings) -> str:
    if (n_days < settings.min_days_for_link or n_practice < settings.min_days_per_group
            or n_other < settings.min_days_per_group or np.isnan(rho)):
        return "not enough data yet"
    if (low > 0 or high < 0) and abs(rho) >= settings.clear_link_min_rho:
        return "clear link"
    if p_low > 0 or p_high < 0:
        return "possible link"
    return "no clear link"


def _sentence(row) -> str:
    cue = CUE_LABEL[row.cue]
    when = "on the same day" if row.lag == 0 else "on the next day"
    if row.verdict == "not enough data yet":
        return (f"Not enough data yet to say whether {cue} practice goes with micro-shifts "
                f"{when}: {row.n_days} days with both answers ({row.n_practice_days} with "
                f"practice, {row.n_other_days} without).")
    numbers = (f"rho {row.rho:+.2f}, 95% interval {row.ci_low:+.2f} to {row.ci_high:+.2f}, "
               f"{row.n_days} days")
    if row.verdict == "no clear link":
        return (f"No clear link between {cue} practice and micro-shifts {when} ({numbers}).")
    more = "more" if row.rho > 0 else "fewer"
    strength = "Clearly" if row.verdict == "clear link" else "Possibly"
    if row.lag == 0:
        text = f"{strength}, days with {cue} practice go with {more} micro-shifts that day"
    else:
        text = (f"{strength}, days with {cue} practice tend to be followed by {more} "
                f"micro-shifts the next day")
    return f"{text} ({numbers}). This is a link in the log, not proof that one causes the other."
