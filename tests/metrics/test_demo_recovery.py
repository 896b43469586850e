"""The demo caseload's planted effects (demo_truth.json) are recovered by the engine."""

import json

import pytest

from reconnect_analysis import demo, metrics, schema


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "export"
    demo.generate(folder, seed=1)
    truth = json.loads((folder / "demo_truth.json").read_text(encoding="utf-8"))
    return schema.validate_export(folder), truth


def _clients(truth, archetype):
    return [c for c, v in truth["clients"].items() if v["archetype"] == archetype]


def test_responder_next_day_link_and_falling_numbness(caseload):
    tables, truth = caseload
    link = metrics.association.link(tables).set_index(["client_id", "cue", "lag"])
    slopes = metrics.trends.slopes(tables).set_index(["client_id", "measure"])
    for client in _clients(truth, "responder"):
        assert link.loc[(client, "any", 1), "verdict"] in ("possible link", "clear link")
        assert link.loc[(client, "any", 1), "rho"] > 0
        assert slopes.loc[(client, "numbness"), "slope_per_week"] < 0
        assert slopes.loc[(client, "numbness"), "verdict"] == "going down"


def test_medication_client_numbness_higher_after_dose_change(caseload):
    tables, truth = caseload
    w = metrics.windows.before_after(tables)
    for client in _clients(truth, "medication_blunting"):
        row = w[(w["client_id"] == client) & (w["kind"] == "medication_dose_change")
                & (w["measure"] == "numbness")].iloc[0]
        assert row["after_mean"] > row["before_mean"]
        assert row["verdict"] == "higher after"


def test_burnout_client_wake_spread_lower_after_lever(caseload):
    tables, truth = caseload
    w = metrics.windows.before_after(tables)
    for client in _clients(truth, "burnout_lever"):
        row = w[(w["client_id"] == client) & (w["kind"] == "lever_start")
                & (w["measure"] == "wake_time_sd_min")].iloc[0]
        assert row["after_mean"] < row["before_mean"]
        assert row["verdict"] == "lower after"


def test_sparse_logger_flagged_for_little_data(caseload):
    tables, truth = caseload
    period = truth["generator"]
    suff = metrics.quality.sufficiency(tables, start=period["period_start"],
                                       end=period["period_end"]).set_index("client_id")
    last = metrics.quality.last_checkin(tables, as_of=period["period_end"]).set_index(
        "client_id")
    for client in _clients(truth, "sparse_logger"):
        assert suff.loc[client, "share_logged"] < 0.5
        assert bool(last.loc[client, "alert"])
        others = suff.drop(index=_clients(truth, "sparse_logger"))
        assert (others["share_logged"] > 0.8).all()


def test_risk_client_risks_listed(caseload):
    tables, truth = caseload
    risks = metrics.safety.risks(tables)
    for client in _clients(truth, "risk_week"):
        planted = truth["clients"][client]["planted"]
        mine = risks[risks["client_id"] == client]
        fields = set(zip(mine["field"], mine["date"].dt.strftime("%Y-%m-%d"), strict=True))
        assert ("self_harm_thoughts", planted["self_harm_thoughts"]) in fields
        assert ("flag_dissociation", planted["flag_dissociation"]) in fields
