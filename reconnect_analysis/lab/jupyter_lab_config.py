# JupyterLab settings for `reconnect lab` (loaded with --config). Nothing may be fetched from
# the network: no news feed (and no "Would you like news?" prompt), no update check.
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.handlers.announcements.NeverCheckForUpdate"
# overrides.json there answers "no" to the news prompt, so it is never shown.
c.LabApp.app_settings_dir = str(Path(__file__).with_name("settings"))  # noqa: F821
# Saved notebooks keep no outputs: they would hold client data (see lab/strip.py).
c.ContentsManager.pre_save_hook = "reconnect_analysis.lab.strip.strip_before_save"  # noqa: F821
