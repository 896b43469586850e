"""Write notebooks/explore_caseload.ipynb (the whole-caseload explorer) from the cells below.

Run ``.venv/bin/python scripts/make_explore_notebooks_b.py`` after editing a cell here; the
notebook is written without outputs and with fixed cell ids, so a rerun changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from explore_notebook import build, write

from reconnect_analysis.explore.caseload_patterns import patterns_markdown

# Parameters are typed `str` (None = not given): papermill --help-notebook reads the type and
# the comment, and its pattern accepts neither `str | None` nor an import-free Optional.
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore_caseload.ipynb"

INTRO = """\
# Explore the whole caseload

**Run > Run All Cells, then read the Safety first box (it is always the first view).**

`reconnect lab` opens this notebook with the caseload ready; to open another validated folder,
set `validated_path` in the next cell. How to use it is explained below the explorer."""

PARAMETERS = """\
validated_path: str = None  # validated folder; None: the one 'reconnect lab' opened
first_week: str = None  # first ISO week shown, e.g. "2026-W40" (or a day in it); None: 8 weeks back
last_week: str = None  # last ISO week shown, e.g. "2026-W47" (or a day in it); None: the last"""

EXPLORER = """\
# Opens the caseload and draws the charts with the Plotly extension installed with JupyterLab
# (nothing is loaded from the internet).
from reconnect_analysis.explore.caseload_explorer import CaseloadExplorer
from reconnect_analysis.explore.data import open_caseload
from reconnect_analysis.explore.display import prepare_notebook

prepare_notebook()  # offline charts; a wrong folder, client or week is one line, not a traceback
explorer = CaseloadExplorer(open_caseload(validated_path), first_week, last_week)
explorer.widget"""

HOW_TO_MD = f"""\
## How to use it
Drag the two ends of **Weeks** to choose the period (it starts with the caseload's last 8
weeks, up to the end of the export): every view recomputes for those weeks. Pick a pattern in
**Pattern** to list only the clients with that pattern and pick them out in the scatter. Hover
over a dot for that client's trends and links. To see the code behind the explorer, click the
three dots of the hidden cell above.

**Safety first:** risk answers and red flags of the chosen weeks always come first, above
every chart, with answers that could not be matched to a client called out; right below them,
the clients who sent no check-in for 3 days or more. When the export asks no risk questions,
the explorer says that risk cannot be ruled out from it.

Days without a check-in are unknown: never "no practice" or 0. Links between practice and
micro-shifts are links in the log, not proof that one causes the other. Nothing here is a
diagnosis; open a client in `explore_adherence.ipynb` to see the days behind a row.

## The views, top to bottom
1. **Safety first: risk answers and red flags**: every risk answer and red flag of the chosen
   weeks (and any logged after them), one line per client with the newest first; answers that
   could not be matched to a client come first, with the file row they came from. Read these
   before anything else.
2. **Safety first: clients who went quiet**: "No check-in for N days (last on ...)" for every
   client whose last check-in is 3 or more days before the end of the weeks (or of the
   export, if earlier); the same rule as the client explorer. Silence can hide risk.
3. **Practice change against numbness trend**: one dot per client. Across: how much more
   (right) or less (left) they practised in the second half of the weeks than in the first.
   Up and down: whether numbness rose (up) or eased (down), in points per week. Bottom right
   is what the plan hopes for; top left deserves a look first. A thick red ring marks a risk
   answer in the last 14 days; red is used for risk only.
4. **Clients**: one row per client (only the chosen pattern's clients when one is picked),
   with the risk answers and the silence in the last column.
5. **Does practice go with micro-shifts?**: how many clients show a clear link, a possible
   link, no clear link, or not enough data yet, on the same day and on the next day.
6. **Who logs too little to say anything**, and why.
7. **Patterns across the caseload**: how many clients have each pattern.

## How to read the patterns
Each client gets the first pattern that fits, in this order:
{patterns_markdown()}

"Clearly" means the trend's interval leaves out zero; a pattern is a prompt for a
conversation, not a judgement. A client logs too little to say anything when they logged
fewer than 10 days in the period, fewer than a third of its days, or fewer than half of the
days between their first and last check-in in it."""


def main() -> None:
    write(build(intro=INTRO, parameters=PARAMETERS, explorer=EXPLORER, how_to=HOW_TO_MD,
                how_to_id="how-to-use-md"), NOTEBOOK)


if __name__ == "__main__":
    main()
