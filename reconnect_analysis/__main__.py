from reconnect_analysis.cli import cli

cli(prog_name="reconnect")
