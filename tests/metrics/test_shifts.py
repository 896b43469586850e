import numpy as np
import pytest

from reconnect_analysis.metrics import shifts


def test_score_uses_answered_signals_only(build):
    # day 1: 2 of 3 answered signals true -> 10 * 2/3; day 2: 1 of 2 answered -> 5
    # day 3: no signal answered -> unknown; day 4 not logged -> unknown
    t = build({"a": {"start": "2026-11-16", "numbness": "5 5 5 . 5",
                     "shift_social": "1 1 . . 0", "shift_preference": "1 . . . 0",
                     "shift_time_faster": "0 0 . . 0", "interest_pct": "20 . 10 . 0"}})
    d = shifts.daily(t)
    assert d["shift_score"].iloc[0] == pytest.approx(20 / 3)
    assert d["shift_score"].iloc[1] == pytest.approx(5.0)
    assert np.isnan(d["shift_score"].iloc[2]) and np.isnan(d["shift_score"].iloc[3])
    assert d["shift_score"].iloc[4] == 0.0  # answered, none noticed: a real zero
    assert d["n_signals_available"].tolist() == [3, 2, 0, 0, 3]
    assert d["score_basis"].tolist() == ["signals", "signals", "", "", "signals"]
    assert d["interest_pct"].iloc[0] == 20
    assert {"shift_social", "shift_preference", "shift_time_faster"} <= set(d.columns)
    assert "shift_emotion_wave" not in d.columns


def test_interest_only_export_falls_back(build):
    t = build({"a": {"start": "2026-11-16", "numbness": "5 5", "interest_pct": "35 ."}})
    d = shifts.daily(t)
    assert d["shift_score"].iloc[0] == pytest.approx(3.5)
    assert np.isnan(d["shift_score"].iloc[1])
    assert d["score_basis"].tolist() == ["interest", ""]
