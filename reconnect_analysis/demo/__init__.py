"""A deterministic demo caseload in the native export format.

>>> from reconnect_analysis.demo import generate
>>> result = generate("demo_data", seed=1, clients=12, weeks=10)   # doctest: +SKIP

Each client follows an archetype (see :mod:`.archetypes` and docs/demo-caseload.md) with
planted effects written to ``demo_truth.json``. A client's data depends only on the seed,
its position, the number of weeks and the end week, never on how many clients there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reconnect_analysis.demo import export
from reconnect_analysis.demo.archetypes import ARCHETYPES, Period, archetype_of
from reconnect_analysis.demo.simulate import ClientData, simulate
from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.weeks import parse_week

__all__ = ["ARCHETYPES", "DemoResult", "client_ids", "generate", "period_of"]

DEFAULT_END_WEEK = "2026-W47"
MAX_CLIENTS = 100_000
MAX_WEEKS = 520
BATCH = 200
"""Clients simulated and written together (bounds memory; output does not depend on it)."""


@dataclass
class DemoResult:
    """What :func:`generate` wrote."""

    out_dir: Path
    paths: dict[str, Path]
    """``entries``, ``events``, ``weekly_screen``, ``truth`` -> file path."""
    truth: dict
    """The content of demo_truth.json (per client: archetype and planted effects)."""
    n_clients: int = 0
    n_days: int = 0
    """Days in the period (7 x weeks)."""
    n_entries: int = 0
    """Rows in entries.csv."""
    n_events: int = 0
    n_screens: int = 0
    period: tuple[str, str] = field(default=("", ""))
    """First (a Monday) and last (a Sunday) date of the period."""


def _check(name: str, value: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ReconnectError(f"{name} must be a whole number (got {value!r})")
    if not low <= value <= high:
        hint = f"{low} or more" if value < low else f"at most {high}"
        raise ReconnectError(f"{name} must be between {low} and {high} (got {value}); "
                             f"use --{name} {hint}")
    return int(value)


def period_of(*, weeks: int, end_week: str = DEFAULT_END_WEEK) -> Period:
    """The demo period: ``weeks`` whole ISO weeks ending on the Sunday of ``end_week``.

    >>> p = period_of(weeks=10)
    >>> p.iso(0), p.iso(p.n_days - 1)
    ('2026-09-14', '2026-11-22')
    """
    monday, _sunday = parse_week(end_week)
    start = (monday - np.timedelta64(7 * (weeks - 1), "D")).date()
    return Period(start=start, n_days=7 * weeks)


def client_ids(count: int) -> list[str]:
    """``C01``... zero-padded to the width of ``count`` (at least two digits).

    >>> client_ids(3), client_ids(100)[-1]
    (['C01', 'C02', 'C03'], 'C100')
    """
    width = max(2, len(str(count)))
    return [f"C{i + 1:0{width}d}" for i in range(count)]


def generate(out_dir: str | Path, *, seed: int = 1, clients: int = 12, weeks: int = 10,
             end_week: str = DEFAULT_END_WEEK) -> DemoResult:
    """Generate a demo caseload and write it as a native export folder.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write (created if missing; the four files are replaced).
    seed : int
        Random seed; the same arguments give byte-identical files.
    clients : int
        Number of clients (1-100000). Archetypes are assigned in a fixed cycle, so the
        first eight clients cover all eight archetypes.
    weeks : int
        Length of the period in whole ISO weeks (1-520).
    end_week : str
        ISO week (``2026-W47``) whose Sunday is the last day of the period.

    Returns
    -------
    DemoResult
        The paths written, the truth record and row counts.

    Raises
    ------
    ReconnectError
        For a count or week out of range or an end week that is not an ISO week.
    """
    seed = _check("seed", seed, 0, 2**63 - 1)
    clients = _check("clients", clients, 1, MAX_CLIENTS)
    weeks = _check("weeks", weeks, 1, MAX_WEEKS)
    period = period_of(weeks=weeks, end_week=end_week)
    ids = client_ids(clients)
    out = Path(out_dir)
    paths = {"entries": out / "entries.csv", "events": out / "events.csv",
             "weekly_screen": out / "weekly_screen.csv", "truth": out / "demo_truth.json"}
    try:
        out.mkdir(parents=True, exist_ok=True)
        counts, truth = _write(paths, period, ids, seed=seed, weeks=weeks, end_week=end_week)
    except OSError as err:
        raise ReconnectError(
            f"cannot write the demo caseload to {out}: {err.strerror or err}; "
            "choose another --out folder") from err
    return DemoResult(out_dir=out, paths=paths, truth=truth, n_clients=clients,
                      n_days=period.n_days, n_entries=counts["entries"],
                      n_events=counts["events"], n_screens=counts["weekly_screen"],
                      period=(period.iso(0), period.iso(period.n_days - 1)))


def _write(paths: dict[str, Path], period: Period, ids: list[str], *, seed: int, weeks: int,
           end_week: str) -> tuple[dict[str, int], dict]:
    """Simulate every client in batches and write the four files; rows written per table
    and the truth record."""
    clients = len(ids)
    truth_clients: dict[str, dict] = {}
    with export.CsvTable(paths["entries"], export.ENTRY_COLUMNS) as entries, \
            export.CsvTable(paths["events"], export.EVENT_COLUMNS) as events, \
            export.CsvTable(paths["weekly_screen"], export.SCREEN_COLUMNS) as screens:
        for first in range(0, clients, BATCH):   # batches keep memory flat for big caseloads
            batch: dict[str, ClientData] = {}
            for index in range(first, min(first + BATCH, clients)):
                # one independent stream per client position: more clients never change others
                rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))
                archetype = archetype_of(index)
                plan = ARCHETYPES[archetype](rng, period)
                batch[ids[index]] = simulate(plan, rng)
                truth_clients[ids[index]] = {"archetype": archetype, "planted": plan.truth}
            entries.write(export.entry_cells(batch, period))
            screens.write(export.screen_cells(batch, period))
            events.write_rows(export.event_rows(batch, period))
    truth = {
        "generator": {"seed": seed, "clients": clients, "weeks": weeks,
                      "end_week": end_week, "time_zone": export.TIME_ZONE,
                      "period_start": period.iso(0),
                      "period_end": period.iso(period.n_days - 1)},
        "archetypes": {name: " ".join((func.__doc__ or "").split())
                       for name, func in ARCHETYPES.items()},
        "clients": truth_clients,
    }
    export.write_json(truth, paths["truth"])
    counts = {"entries": entries.rows, "events": events.rows, "weekly_screen": screens.rows}
    return counts, truth
