"""Adherence vs micro-shifts: does practice go with more micro-shifts, same day or next day?

The wording never claims cause: practice "goes with" or "tends to be followed by" more
micro-shifts. Daily diaries are autocorrelated, so the interval comes from a block bootstrap
(the circular variant of the moving-block bootstrap, see
:mod:`reconnect_analysis.stats.bootstrap`).
"""

from __future__ import annotations

import contextlib
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
            "ci_high": "float64", "level": "float64", "possible_low": "float64",
            "possible_high": "float64", "mw_p": "float64", "rank_biserial": "float64",
            "verdict": "str", "sentence": "str"}


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
        ``ci_low``, ``ci_high`` (block-bootstrap interval), ``level`` (its confidence:
        ``settings.confidence`` for ``any``, widened for single cues, see Notes),
        ``possible_low``, ``possible_high`` (the same at ``settings.possible_link_confidence``,
        widened alike), ``mw_p`` (Mann-Whitney two-sided p, practice
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

    Multiple comparisons: the single cues are several looks at one question, so with ``m``
    cue columns in the export each cue's intervals use level ``1 - (1 - level) / m``
    (Bonferroni; 98.75 % and 97.5 % with four cues); ``any`` keeps the nominal levels.

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
    first, lengths = bounds[:-1], np.diff(bounds)
    combos = [(cue, lag) for lag in (0, 1) for cue in cues]
    with _one_blas_thread():
        n_days, n_practice, stats = _all_clients(first, lengths, client, x_all, score,
                                                 combos, settings)
    n_clients, n_combos = len(first), len(combos)
    out = pd.DataFrame({
        "client_id": np.repeat(client[first], n_combos),
        "cue": np.tile([c for c, _ in combos], n_clients),
        "lag": np.tile([lag for _, lag in combos], n_clients),
        "period_start": np.repeat(dates[first], n_combos),
        "period_end": np.repeat(dates[bounds[1:] - 1], n_combos),
        "n_days": n_days.ravel(), "n_practice_days": n_practice.ravel(),
        "n_other_days": (n_days - n_practice).ravel(),
        "rho": stats["rho"].ravel(), "ci_low": stats["low"].ravel(),
        "ci_high": stats["high"].ravel(),
        "level": np.tile(levels(combos, settings)[0], n_clients),
        "possible_low": stats["p_low"].ravel(),
        "possible_high": stats["p_high"].ravel(), "mw_p": stats["mw_p"].ravel(),
        "rank_biserial": stats["rb"].ravel(),
    })
    out["verdict"] = _verdicts(out, settings)
    out["client_id"] = out["client_id"].astype(days["client_id"].dtype)
    for column, dtype in _COLUMNS.items():
        if dtype != "str" and column in out.columns:
            out[column] = out[column].astype(dtype)
    out["sentence"] = [_sentence(r) for r in out.itertuples(index=False)]
    return out[list(_COLUMNS)]


def _all_clients(first, lengths, client, x_all, score, combos, settings):
    """Run :func:`_chunk` over all clients, grouped by their number of days.

    Clients with the same number of days are computed together. Each client's scores are
    coded by their distinct values (groups); a chunk uses as many groups as its client with
    the most, and groups a client does not use have count 0, changing none of its ranks.
    """
    stats = {name: np.full((len(first), len(combos)), np.nan)
             for name in ("rho", "low", "high", "p_low", "p_high", "mw_p", "rb")}
    n_days = np.zeros((len(first), len(combos)), dtype="int64")
    n_practice = np.zeros_like(n_days)
    for n in np.unique(lengths):
        members = np.flatnonzero(lengths == n)
        idx_all = first[members][:, None] + np.arange(n)[None, :]
        codes_all = ranks.row_group_codes(score[idx_all])
        n_groups_all = codes_all.max(axis=1) + 1
        order = np.argsort(n_groups_all, kind="stable")  # similar group counts together
        members, codes_all, n_groups_all = (members[order], codes_all[order],
                                            n_groups_all[order])

        def cells(count, groups, n=n):  # bootstrap sums held at once for a chunk
            return count * settings.bootstrap_resamples * max(len(combos) * 2 * groups, n)

        k = 0
        while k < len(members):
            per_chunk = max(1, _CHUNK_CELLS // cells(1, int(n_groups_all[k])))
            while per_chunk > 1 and cells(per_chunk, int(
                    n_groups_all[min(k + per_chunk, len(members)) - 1])) > _CHUNK_CELLS:
                per_chunk //= 2
            stop = k + per_chunk
            n_groups = int(n_groups_all[k:stop].max())
            chunk = members[k:stop]
            idx = first[chunk][:, None] + np.arange(n)[None, :]
            result = _chunk([str(client[first[c]]) for c in chunk],
                            {cue: x_all[cue][idx] for cue in x_all}, codes_all[k:stop],
                            n_groups, combos, settings)
            k = stop
            n_days[chunk] = result.pop("n_days")
            n_practice[chunk] = result.pop("n_practice")
            for name, value in result.items():
                stats[name][chunk] = value
    return n_days, n_practice, stats


def _one_blas_thread():
    """Run BLAS single-threaded: thousands of small products are faster without threads
    (on 2 busy cores, several times faster). A no-op when threadpoolctl is missing."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


_CHUNK_CELLS = 12_000_000
"""At most this many bootstrap sums (float64) are held at once (about 100 MB)."""


def _seed(settings: Settings, client_id: str) -> np.random.Generator:
    return np.random.default_rng([settings.random_seed, zlib.crc32(client_id.encode("utf-8"))])


def _chunk(client_ids, x_by_cue, codes, n_groups, combos, settings) -> dict[str, np.ndarray]:
    """Link statistics for clients with the same number of days (one client per row)."""
    n_clients, n = codes.shape
    k = len(combos)
    design = np.zeros((n_clients, n, k, 2, max(n_groups, 1)))
    for j, (cue, lag) in enumerate(combos):
        x = x_by_cue[cue][:, : n - lag]
        y_codes = codes[:, lag:]
        c_idx, t_idx = np.nonzero((~np.isnan(x)) & (y_codes >= 0))
        g_idx = y_codes[c_idx, t_idx]
        design[c_idx, t_idx, j, 0, g_idx] = 1.0
        design[c_idx, t_idx, j, 1, g_idx] = x[c_idx, t_idx]
    original = design.sum(axis=1)  # (clients, k, 2, G)
    out = {"n_days": original[:, :, 0, :].sum(axis=-1).astype("int64"),
           "n_practice": original[:, :, 1, :].sum(axis=-1).astype("int64")}
    if n_groups == 0:
        return out
    resamples = settings.bootstrap_resamples
    n_blocks = -(-n // max(1, min(settings.bootstrap_block_days, n)))
    # The same draws as bootstrap.block_counts with each client's own generator.
    starts = np.stack([_seed(settings, cid).integers(0, n, size=(resamples, n_blocks))
                       for cid in client_ids])
    # float32 is exact here: counts and sums are whole numbers far below 2**24.
    counts = bootstrap.counts_from_starts(starts.reshape(-1, n_blocks), n,
                                          block_days=settings.bootstrap_block_days,
                                          dtype="float32")
    sums = np.matmul(counts.reshape(n_clients, resamples, n),
                     design.reshape(n_clients, n, -1).astype("float32"))
    sums = sums.reshape(n_clients, resamples, k, 2, n_groups)
    rho = ranks.binary_spearman(original[:, :, 0, :], original[:, :, 1, :])
    mw = ranks.mann_whitney_counts(original[:, :, 0, :], original[:, :, 1, :])
    boot = ranks.binary_spearman(sums[:, :, :, 0, :], sums[:, :, :, 1, :])  # (clients, B, k)
    clear_level, possible_level = levels(combos, settings)
    low, high = bootstrap.fisher_z_interval(rho, boot, confidence=clear_level, axis=1,
                                            n=out["n_days"])
    p_low, p_high = bootstrap.fisher_z_interval(rho, boot, confidence=possible_level, axis=1,
                                                n=out["n_days"])
    out.update(rho=rho, low=low, high=high, p_low=p_low, p_high=p_high, mw_p=mw["p"],
               rb=mw["rank_biserial"])
    return out


def levels(combos, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Interval levels per (cue, lag): nominal for ``any``, Bonferroni-widened for single cues.

    The single cues are several looks at one question (does practice go with micro-shifts?),
    so with ``m`` cue columns each cue's intervals use ``1 - (1 - level) / m``; ``any`` keeps
    the nominal level.
    """
    m = max(1, len({cue for cue, _ in combos if cue != "any"}))
    single = np.array([cue != "any" for cue, _ in combos])
    clear = np.where(single, 1 - (1 - settings.confidence) / m, settings.confidence)
    possible = np.where(single, 1 - (1 - settings.possible_link_confidence) / m,
                        settings.possible_link_confidence)
    return clear, possible


def _verdicts(frame: pd.DataFrame, settings: Settings) -> np.ndarray:
    return np.array([
        _verdict(r.n_days, r.n_practice_days, r.n_other_days, r.rho, r.ci_low, r.ci_high,
                 r.possible_low, r.possible_high, settings)
        for r in frame.itertuples(index=False)], dtype=object)


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
    numbers = (f"rho {row.rho:+.2f}, {_percent(row.level)} interval {row.ci_low:+.2f} to "
               f"{row.ci_high:+.2f}, {row.n_days} days")
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


def _percent(level: float) -> str:
    text = f"{100 * level:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"
