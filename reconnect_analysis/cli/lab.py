"""`reconnect lab`: JupyterLab on the exploration notebooks, with a caseload ready to load."""

from __future__ import annotations

import signal
import time
import webbrowser
from pathlib import Path

import click

DEMO_DIR = Path("demo_data")
FIRST_NOTEBOOK = "explore_adherence.ipynb"


@click.command(name="lab")
@click.argument("export", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Column mapping file for an export that is not in the native format.")
@click.option("--out", "out_dir", default="reports", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Root folder for the validated data (OUT/.validated/...).")
@click.option("--port", type=click.IntRange(1024, 65535), default=None,
              help="Local port (default: a free one).")
@click.option("--browser/--no-browser", "open_browser", default=True, show_default=True,
              help="Open the adherence notebook in the default web browser.")
def command(export: Path | None, mapping: Path | None, out_dir: Path, port: int | None,
            open_browser: bool) -> None:
    """Start JupyterLab on the exploration notebooks (explore_adherence, explore_caseload).

    EXPORT is a raw export (validated first) or a validated folder; without it the demo
    caseload in ./demo_data is used (made first if missing). JupyterLab listens on
    127.0.0.1 only and asks for the random token in the printed address. Notebooks are
    saved without outputs, so no client data lands in the notebooks folder. Stop with Ctrl+C.
    """
    from reconnect_analysis.cli.report import _validated_folder
    from reconnect_analysis.lab import server
    from reconnect_analysis.paths import notebooks_dir
    from reconnect_analysis.report.files import private_dir

    started = time.perf_counter()
    export = export if export is not None else _demo_export()
    validated = _validated_folder(export, out_dir=out_dir, mapping=mapping)
    click.echo(f"Caseload: {export} (validated data in {validated})")
    _stop_on_hangup_or_terminate()
    lab = server.start(notebooks_dir(), validated_dir=validated, port=port,
                       log_path=private_dir(out_dir) / "jupyterlab.log")
    try:  # from here on, Ctrl+C at any moment must stop the server too
        url = lab.notebook_url(FIRST_NOTEBOOK)
        click.echo(f"JupyterLab ready in {time.perf_counter() - started:.1f} s. Open:\n  {url}")
        click.echo(f"Server messages: {lab.log_path}. Press Ctrl+C to stop.")
        if open_browser:
            webbrowser.open(url)
        lab.process.wait()
    except KeyboardInterrupt:
        click.echo("Stopping JupyterLab ...")
    finally:
        lab.stop()
    if lab.process.returncode not in (0, -15, None):
        raise click.ClickException(f"JupyterLab stopped with exit code "
                                   f"{lab.process.returncode}; see {lab.log_path}")


def _stop_on_hangup_or_terminate() -> None:
    """Treat a closed terminal (SIGHUP) or a kill (SIGTERM) like Ctrl+C, so the server (in
    its own session, out of reach of the terminal's signals) never outlives this command."""
    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupt)


def _demo_export() -> Path:
    """./demo_data, generated like `make demo` does when it is not there yet."""
    if not (DEMO_DIR / "entries.csv").exists():
        from reconnect_analysis.demo import generate

        result = generate(DEMO_DIR)
        click.echo(f"Demo caseload made: {result.n_clients} clients in {DEMO_DIR}/")
    return DEMO_DIR
