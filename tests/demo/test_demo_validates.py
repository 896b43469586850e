"""The demo caseload goes through the validation pipeline as planted (integration check)."""

from __future__ import annotations

import pandas as pd

from reconnect_analysis.demo import generate


def test_default_demo_validates_with_only_the_planted_problems_and_risks(tmp_path):
    from reconnect_analysis.schema import validate_export

    result = generate(tmp_path, seed=1, clients=12, weeks=10)
    tables = validate_export(tmp_path)
    rows = tables.meta["rows_by_table"]["entries"]
    # every row accounted for: 924 read = 740 days kept + 179 merged into them + 5 quarantined
    assert rows["rows_read"] == result.n_entries == 924
    assert rows["rows_read"] == rows["rows_kept"] + rows["rows_merged"] + rows["rows_quarantined"]
    # quarantined: numbness 11 and -1, the two rows of the same-time conflict, one duplicate
    assert rows["rows_quarantined"] == 5
    assert tables.entries["numbness"].between(0, 10).all()
    assert sorted(tables.entries["client_id"].unique()) == [f"C{i:02d}" for i in range(1, 13)]
    # risk answers only for the risk-week client C06, on the planted days
    planted = result.truth["clients"]["C06"]["planted"]
    assert set(tables.risks["client_id"]) == {"C06"}
    found = {(row.field, pd.Timestamp(row.date).strftime("%Y-%m-%d"))
             for row in tables.risks.itertuples()}
    assert ("self_harm_thoughts", planted["self_harm_thoughts"]) in found
    assert ("flag_dissociation", planted["flag_dissociation"]) in found
    assert ("risk_self_harm", "2026-11-16") in found
