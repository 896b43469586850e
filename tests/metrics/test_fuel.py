import numpy as np
import pandas as pd
import pytest

from reconnect_analysis.metrics import fuel


def test_weekly_fuel(build):
    # Mon 11-16 .. Sun 11-22
    t = build({"a": {"start": "2026-11-16", "numbness": "5 5 5 . 5 5 5",
                     "wake_time": "07:00 07:30 08:00 . . 06:30 .",
                     "sleep_hours": "6 7 8 . 5 . .", "alcohol_drinks": "0 2 . . 1 0 0",
                     "conflict": "1 0 0 . 0 . ."}})
    w = fuel.weekly(t).iloc[0]
    assert w["week_start"] == pd.Timestamp("2026-11-16")
    assert (w["days_in_week"], w["days_logged"], w["wake_times_logged"]) == (7, 6, 4)
    # wake minutes 420 450 480 390: mean 435, sd = sqrt((225+225+2025+2025)/3) = 38.73
    assert w["wake_time_sd_min"] == pytest.approx(np.sqrt(4500 / 3))
    assert w["mean_sleep_hours"] == pytest.approx(6.5)
    assert w["alcohol_days"] == 2 and w["conflict_days"] == 1
    assert pd.isna(w["cannabis_days"])  # not in the export: unknown, not 0


def test_arousal_zones(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "5 5 5 5 5 5",
                     "arousal": "-3 -2 -1 1 2 ."}})
    z = fuel.arousal_zones(t).set_index("zone")
    assert z["days"].to_dict() == {"hypoarousal": 2, "window": 2, "hyperarousal": 1}
    assert (z["days_with_arousal"] == 5).all()
    assert z.loc["window", "share"] == pytest.approx(0.4)


def test_wake_time_parsing():
    from reconnect_analysis.metrics._common import wake_minutes
    frame = pd.DataFrame({"wake_time": ["07:30", "7:05", None, "23:59", "24:10", "ab:cd",
                                        "07:30:15", np.nan]})
    expected = [450, 425, np.nan, 1439, np.nan, np.nan, 450, np.nan]
    np.testing.assert_array_equal(wake_minutes(frame), np.array(expected, dtype=float))
