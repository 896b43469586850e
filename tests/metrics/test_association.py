import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reconnect_analysis.metrics import association
from reconnect_analysis.tables import Tables


def _series(seed, n=56, effect=0.0, phi=0.0, client="a"):
    rng = np.random.default_rng(seed)
    x = rng.random(n) < 0.5
    y = np.empty(n)
    y[0] = rng.normal()
    for i in range(1, n):
        y[i] = phi * y[i - 1] + rng.normal()
    y[1:] += effect * x[:-1]
    return pd.DataFrame({"client_id": client, "date": pd.date_range("2026-09-28", periods=n),
                         "numbness": 5.0, "cue_body": pd.array(x, dtype="boolean"),
                         "interest_pct": np.round(np.clip(50 + 15 * y, 0, 100))})


def test_rho_and_mann_whitney_match_scipy():
    e = _series(1, effect=1.0)
    r = association.link(Tables(entries=e))
    x = e["cue_body"].to_numpy(dtype=float)
    y = e["interest_pct"].to_numpy() / 10
    same = r[(r["cue"] == "body") & (r["lag"] == 0)].iloc[0]
    nxt = r[(r["cue"] == "body") & (r["lag"] == 1)].iloc[0]
    assert same["rho"] == pytest.approx(stats.spearmanr(x, y).statistic)
    assert nxt["rho"] == pytest.approx(stats.spearmanr(x[:-1], y[1:]).statistic)
    assert nxt["n_days"] == 55
    mw = stats.mannwhitneyu(y[1:][x[:-1] == 1], y[1:][x[:-1] == 0], method="asymptotic")
    assert nxt["mw_p"] == pytest.approx(mw.pvalue)
    assert nxt["rank_biserial"] == pytest.approx(
        2 * mw.statistic / (x[:-1].sum() * (55 - x[:-1].sum())) - 1)
    assert nxt["ci_low"] < nxt["rho"] < nxt["ci_high"]
    assert nxt["verdict"] in ("possible link", "clear link")
    # only cue_body is in the export: "any" and "body", two lags
    assert sorted(set(r["cue"])) == ["any", "body"] and len(r) == 4


def test_default_period_is_last_eight_weeks():
    e = _series(2, n=80)
    r = association.link(Tables(entries=e)).iloc[0]
    assert r["period_end"] == pd.Timestamp("2026-09-28") + pd.Timedelta(days=79)
    assert (r["period_end"] - r["period_start"]).days == 55
    r = association.link(Tables(entries=e), start="2026-09-28", end="2026-10-07").iloc[0]
    assert r["n_days"] == 10 and r["verdict"] == "not enough data yet"
    assert "Not enough data yet" in r["sentence"]


def test_caseload_equals_single_client():
    e = pd.concat([_series(3, client="a", effect=1.0), _series(4, client="b"),
                   _series(5, client="c", n=20)], ignore_index=True)
    t = Tables(entries=e)
    together = association.link(t)
    for client in ("a", "b", "c"):
        alone = association.link(t.for_client(client))
        pd.testing.assert_frame_equal(
            together[together["client_id"] == client].reset_index(drop=True), alone)


def test_wording_never_claims_cause():
    e = pd.concat([_series(s, client=f"c{s}", effect=e) for s, e in
                   [(1, 1.5), (2, 0), (3, -1.5), (4, 0.5)]], ignore_index=True)
    sentences = association.link(Tables(entries=e))["sentence"]
    text = " ".join(sentences).lower()
    for word in ("cause", "because", "leads to", "makes", "improves"):
        assert word not in text.replace("not proof that one causes the other", "")
    assert set(association.link(Tables(entries=e))["verdict"]) <= set(association.VERDICTS)


def test_constant_shift_score_is_not_enough_data():
    e = _series(6)
    e["interest_pct"] = 30.0
    r = association.link(Tables(entries=e))
    assert (r["verdict"] == "not enough data yet").all()
    assert r["rho"].isna().all()


def _caseload(n_sims, phi, effect, seed):
    rng = np.random.default_rng(seed)
    frames = []
    for s in range(n_sims):
        def ar1():
            out = np.empty(56)
            out[0] = rng.normal() / np.sqrt(1 - phi ** 2)
            for i in range(1, 56):
                out[i] = phi * out[i - 1] + rng.normal()
            return out
        x = ar1() > 0
        y = ar1()
        y[1:] += effect * x[:-1]
        frames.append(pd.DataFrame({
            "client_id": f"s{s:03d}", "date": pd.date_range("2026-01-05", periods=56),
            "numbness": 5.0, "cue_body": pd.array(x, dtype="boolean"),
            "interest_pct": 50 + 10 * y}))
    return Tables(entries=pd.concat(frames, ignore_index=True))


@pytest.mark.slow
@pytest.mark.parametrize("phi", [0.0, 0.6])
def test_calibration_no_association_interval_covers_zero(phi):
    # 200 simulated 8-week clients, practice and micro-shifts independent (AR(1) each).
    r = association.link(_caseload(200, phi, 0.0, seed=7))
    same = r[(r["cue"] == "any") & (r["lag"] == 0)]
    coverage = ((same["ci_low"] <= 0) & (same["ci_high"] >= 0)).mean()
    print(f"phi={phi}: same-day 95% interval covers 0 in {coverage:.3f}")
    assert coverage >= 0.90


@pytest.mark.slow
def test_calibration_planted_next_day_effect_is_found():
    # Next-day effect of 1.2 innovation SDs (about 0.5 SD of practice-free days' spread
    # with phi 0.6), both series AR(1) 0.6, 8 weeks.
    r = association.link(_caseload(200, 0.6, 1.2, seed=8))
    nxt = r[(r["cue"] == "any") & (r["lag"] == 1)]
    found = nxt["verdict"].isin(["possible link", "clear link"]).mean()
    print(f"planted next-day effect found in {found:.3f}")
    assert found >= 0.80


def test_single_cue_intervals_are_widened_for_four_looks():
    e = _series(12, effect=1.0)
    rng = np.random.default_rng(12)
    for cue in ("sensory", "connection", "meaning"):
        e[f"cue_{cue}"] = pd.array(rng.random(len(e)) < 0.5, dtype="boolean")
    r = association.link(Tables(entries=e)).set_index(["cue", "lag"])
    # 4 cue columns: single cues at 1 - 0.05 / 4 = 0.9875, "any" at 0.95
    assert r.loc[("any", 0), "level"] == 0.95
    assert r.loc[("body", 1), "level"] == pytest.approx(0.9875)
    assert "98.75% interval" in r.loc[("body", 1), "sentence"] or (
        r.loc[("body", 1), "verdict"] == "not enough data yet")
    # the same data with only one cue column: no widening (m = 1)
    alone = association.link(Tables(entries=e.drop(columns=["cue_sensory", "cue_connection",
                                                           "cue_meaning"])))
    assert (alone["level"] == 0.95).all()
    body = alone.set_index(["cue", "lag"]).loc[("body", 1)]
    # a wider level gives a wider interval around the same rho
    assert body["rho"] == pytest.approx(r.loc[("body", 1), "rho"])
    assert (r.loc[("body", 1), "ci_high"] - r.loc[("body", 1), "ci_low"]
            > body["ci_high"] - body["ci_low"])
