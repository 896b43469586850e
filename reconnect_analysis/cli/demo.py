"""`reconnect demo`: write a deterministic demo caseload (calls demo.generate)."""

from __future__ import annotations

import time

import click

from reconnect_analysis.errors import ReconnectError


@click.command(name="demo")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Random seed; the same seed gives byte-identical files.")
@click.option("--clients", type=int, default=12, show_default=True,
              help="Number of clients (the first 8 cover every archetype).")
@click.option("--weeks", type=int, default=10, show_default=True,
              help="Length of the period in whole weeks.")
@click.option("--end-week", default="2026-W47", show_default=True,
              help="ISO week whose Sunday ends the period (fixed, so output is reproducible).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="demo_data",
              show_default=True, help="Folder to write the export into.")
def command(seed: int, clients: int, weeks: int, end_week: str, out_dir: str) -> None:
    """Make a demo caseload of invented clients in the native export format.

    Writes entries.csv, events.csv and weekly_screen.csv (the export) plus demo_truth.json
    (each client's archetype and the effects planted in its data; see
    docs/demo-caseload.md). No real person's data is involved.

    \b
    Example:
      reconnect demo --seed 7 --clients 30 --weeks 12 --out demo_data
    """
    from reconnect_analysis.demo import generate

    started = time.perf_counter()
    try:
        result = generate(out_dir, seed=seed, clients=clients, weeks=weeks, end_week=end_week)
    except ReconnectError as err:
        raise click.ClickException(str(err)) from err
    seconds = time.perf_counter() - started
    click.echo(
        f"Demo caseload: {result.n_clients} clients, {result.n_days} days "
        f"({result.period[0]} to {result.period[1]}), {result.n_entries} entry rows, "
        f"{result.n_events} events, {result.n_screens} weekly screens ({seconds:.1f} s)."
    )
    click.echo(f"Written to {result.out_dir}/ (entries.csv, events.csv, weekly_screen.csv, "
               "demo_truth.json).")
