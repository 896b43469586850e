"""Write notebooks/explore_adherence.ipynb (the one-client explorer) from the cells below.

Run ``.venv/bin/python scripts/make_explore_notebooks_a.py`` after editing a cell here; the
notebook is written without outputs and with fixed cell ids, so a rerun changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from explore_notebook import build, write

# Parameters are typed `str` (None = not given): papermill --help-notebook reads the type and
# the comment, and its pattern accepts neither `str | None` nor an import-free Optional.
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore_adherence.ipynb"

INTRO = """\
# Explore one client's practice, micro-shifts and numbness

**Run > Run All Cells, then read the Safety first box (it is always the first view).**

Then pick a client in **Client** and drag the ends of **Weeks**; every view redraws. More
help is below the explorer."""

PARAMETERS = """\
validated_path: str = None  # validated folder; None: the one 'reconnect lab' opened
client_id: str = None  # client shown first (pseudonym); None: the first client
first_week: str = None  # first ISO week shown, e.g. "2026-W40"; None: 8 weeks back
last_week: str = None  # last ISO week shown, e.g. "2026-W47"; None: the last one"""

EXPLORER = """\
# Opens the caseload and shows the explorer (charts drawn offline, nothing from the internet).
from reconnect_analysis.explore.client_explorer import ClientExplorer
from reconnect_analysis.explore.data import open_caseload
from reconnect_analysis.explore.display import prepare_notebook

prepare_notebook()  # offline charts; a wrong folder, client or week is one line, not a traceback
caseload = open_caseload(validated_path)
explorer = ClientExplorer(caseload, client_id, first_week, last_week)
explorer.widget"""

HOW_TO = """\
## How to use it
Pick a client in **Client** and drag the two ends of **Weeks** to choose the weeks; every
view above redraws for that choice (a new client starts with their last 8 weeks, up to the
end of the export). Hover over a chart for the day's details; drag on a chart to zoom,
double-click to zoom out.

**Safety first:** the client's risk answers and red flags always come first, above every
chart, including those logged after the chosen weeks: most serious first (self-harm and
feeling unsafe, then red flags, then hopelessness). When the export asks no risk questions,
the explorer says that risk cannot be ruled out from it. When the client has not checked in
for days, it says so: silence can hide risk.

Days without a check-in are shown as *not logged*: never as "no practice" or 0. When the
chosen weeks hold too few logged days, the line above the views says so: read trends and
links then as "not enough data yet". Links between practice and micro-shifts are links in
the log, not proof that one causes the other. Nothing here is a diagnosis.

`reconnect lab` opens this notebook with the caseload ready; to open another validated
folder, set `validated_path` in the parameters cell (the second cell) and run all cells
again.

## The views, top to bottom
1. **Safety first**: what was logged and when, then every risk answer and red flag of the
   client; those in the chosen weeks are highlighted. Read these before anything else.
2. **Practice by cue and day**: one row per cue (body, sensory, connection, meaning, and
   *any* cue), one column per day: done, not done, not answered, or not logged. Look for the
   cue that keeps slipping and for gaps in logging.
3. **Micro-shifts and practice**: the daily micro-shift score (the share of the micro-shift
   signs the client ticked, 0 = none, 10 = all) with practice days marked, and whether
   practice goes with more micro-shifts the same day or the next day.
4. **Which cue goes with micro-shifts**: for each cue, same day and next day, how strongly
   doing it goes with micro-shifts; a cue is named only when it stands apart from the others.
5. **Numbness, episodes and events**: daily numbness, numb stretches shaded, the numb-day
   threshold, medication changes and lever starts marked, and ⚠ on days with a risk answer
   or red flag. Talk medication timing over with the prescriber; timing alone does not show
   a cause.
6. **Numbness fuel by week**: wake-time spread, sleep, and days with alcohol, cannabis, late
   scrolling, recovery blocks, conflict and daylight walks, compared before and after a
   lever start or medication change when the weeks hold one."""


def main() -> None:
    write(build(intro=INTRO, parameters=PARAMETERS, explorer=EXPLORER, how_to=HOW_TO,
                how_to_id="how-to-use"), NOTEBOOK)


if __name__ == "__main__":
    main()
