"""The one-client numbness views: numbness with episodes and events, and numbness fuel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reconnect_analysis import metrics
from reconnect_analysis.explore import client_numbness
from reconnect_analysis.tables import Tables
from tests.explore.test_client_views import END, START, tiny

# ----------------------------------------------------------------------------- numbness

def test_numbness_episodes_threshold_events_and_sentence():
    events = pd.DataFrame({"client_id": ["T1", "T1"],
                           "date": pd.to_datetime(["2026-11-18", "2026-10-01"]),
                           "kind": ["medication_dose_change", "lever_start"],
                           "detail": ["<b>50 mg to 100 mg</b>", "walk"]})
    tables = Tables(entries=tiny().entries, events=events)
    view = client_numbness.numbness(tables, "T1", START, END)
    # numb days (>= 5): Mon 6, Thu 5, Fri 7; Tue 4 ends the first episode, Sun 3 the second
    rects = [s for s in view.figure.layout.shapes if s.type == "rect"]
    # each band covers whole days (noon to noon), so the one-day episode is visible
    assert [(r.x0, r.x1) for r in rects] == [("2026-11-15 12:00", "2026-11-16 12:00"),
                                            ("2026-11-18 12:00", "2026-11-20 12:00")]
    lines = [s for s in view.figure.layout.shapes if s.type == "line"]
    assert any(s.y0 == 5 and s.y1 == 5 for s in lines)  # the threshold
    assert sum(s.x0 == "2026-11-18" for s in lines) == 1  # the event inside the weeks only
    assert ("Numb on 3 of 5 days logged in the 14 days to 22 Nov; too few days to say "
            "whether numbness is persistent") in view.sentence
    assert "Marked: medication dose change (<b>50 mg to 100 mg</b>) on 18 Nov." in \
        view.sentence
    assert "prescriber" in view.sentence
    hover = [t for t in view.figure.data if t.name == "events"][0].text
    assert "&lt;b&gt;" in hover[0]


# --------------------------------------------------------------------------------- fuel

def _fuel_tables() -> Tables:
    days = pd.to_datetime(["2026-11-09", "2026-11-10", "2026-11-11",
                           "2026-11-16", "2026-11-17", "2026-11-18"])
    return Tables(entries=pd.DataFrame({
        "client_id": ["T1"] * 6, "date": days, "numbness": [5.0] * 6,
        "wake_time": ["07:00", "08:00", "09:00", "07:00", "07:00", "07:30"],
        "alcohol_drinks": [2.0, 0.0, 1.0, 0.0, 0.0, 0.0],
    }))


def test_fuel_change_by_hand():
    weeks = metrics.fuel.weekly(_fuel_tables())
    change = client_numbness.fuel_change(weeks)
    # wake spread: SD(420, 480, 540) = 60 min, SD(420, 420, 450) = 17.3 min -> 42.7 / 90
    # = 0.47; alcohol days 2 -> 0 -> 2 / 7 = 0.29: wake spread changed most
    assert change["measure"] == "wake_time_sd_min"
    assert change["first"] == pytest.approx(60.0)
    assert change["last"] == pytest.approx(np.std([420, 420, 450], ddof=1))
    assert change["size"] == pytest.approx((60 - np.std([420, 420, 450], ddof=1)) / 90)


def test_fuel_view_sentence_and_bars():
    view = client_numbness.fuel(_fuel_tables(), "T1", pd.Timestamp("2026-11-09"), END)
    assert view.sentence.endswith("Changed most: spread of wake times, 60 min in the week of "
                                  "9 Nov (3 days logged) against 17 min in the week of 16 Nov "
                                  "(3 days logged).")
    bars = [t for t in view.figure.data if t.name == "alcohol"]
    assert list(bars[0].y) == [2, 0]
    # fields the export does not carry are not drawn as zero bars
    assert not [t for t in view.figure.data if t.name == "cannabis"]


def test_fuel_without_fuel_fields():
    view = client_numbness.fuel(tiny(), "T1", START, END)
    assert view.figure is None and view.sentence == client_numbness.NO_FUEL
