"""Every view gives the same numbers for one client as for the whole caseload."""

import pandas as pd
import pytest

from reconnect_analysis import metrics

SPEC = {
    "a": {"start": "2026-10-26", "numbness": "8 7 . 7 6 6 5 . . 5 4 4 3 3 3 2 2 . 2 1 1 1",
          "cue_body": "1 0 . 1 1 0 1 . . 1 1 1 0 1 1 1 0 . 1 1 1 1",
          "shift_social": "0 0 . 1 0 0 1 . . 1 1 0 0 1 1 1 0 . 1 1 1 1",
          "alcohol_drinks": "3 4 . 0 0 5 0 . . 0 0 0 0 3 0 0 0 . 0 0 0 0",
          "arousal": "-3 -2 . -1 0 0 1 . . 2 0 0 0 0 0 0 0 . 0 0 0 0",
          "wake_time": "07:00 09:00 . 06:00 07:00 07:30 08:00 . . 07:00 07:00 07:10 07:00 "
                       "07:00 07:00 07:00 07:00 . 07:00 07:00 07:00 07:00"},
    "b": {"start": "2026-11-02", "numbness": "5 . 5 . 5 9 . 9 . 9 . 3",
          "cue_body": "0 . 1 . 0 1 . 1 . 0 . 1", "shift_social": "0 . 1 . 0 1 . 0 . 0 . 1",
          "alcohol_drinks": ". . . . . . . . . . . .", "arousal": "0 . 0 . 0 3 . 3 . 3 . 0",
          "wake_time": ". . . . . . . . . . . ."},
    "c": {"start": "2026-11-20", "numbness": "6", "cue_body": "1", "shift_social": "1",
          "alcohol_drinks": "0", "arousal": "0", "wake_time": "07:00"},
}
EVENTS = [("a", "2026-11-06", "lever_start", "daylight walk"),
          ("b", "2026-11-07", "medication_start", "")]

VIEWS = [
    (metrics.daily.grid, {}), (metrics.daily.grid, {"start": "2026-11-01", "end": "2026-11-15"}),
    (metrics.duration.numb_days, {}), (metrics.duration.episodes, {}),
    (metrics.duration.summary, {}), (metrics.duration.summary, {"as_of": "2026-11-12"}),
    (metrics.adherence.daily, {}), (metrics.adherence.weekly, {}),
    (metrics.adherence.block, {}), (metrics.adherence.block, {"as_of": "2026-11-10"}),
    (metrics.shifts.daily, {}), (metrics.association.link, {}),
    (metrics.trends.slopes, {}), (metrics.trends.week_over_week, {"week": "2026-W47"}),
    (metrics.windows.before_after, {}), (metrics.fuel.weekly, {}),
    (metrics.fuel.arousal_zones, {}), (metrics.quality.sufficiency, {}),
    (metrics.quality.sufficiency, {"start": "2026-11-01", "end": "2026-11-22"}),
    (metrics.quality.last_checkin, {"as_of": "2026-11-22"}), (metrics.quality.missingness, {}),
    (metrics.quality.prompts_daily, {}),
]


@pytest.mark.parametrize("view, options", VIEWS,
                         ids=[f"{v.__module__.rsplit('.', 1)[-1]}.{v.__name__}-{i}"
                              for i, (v, _o) in enumerate(VIEWS)])
def test_one_client_equals_caseload(build, view, options):
    tables = build(SPEC, events=EVENTS)
    together = view(tables, **options)
    assert "client_id" in together.columns
    for client in SPEC:
        alone = view(tables.for_client(client), **options)
        part = together[together["client_id"] == client].reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone.reset_index(drop=True), check_dtype=False)


def test_concept_modules_are_callable_and_api_matches(build):
    tables = build(SPEC, events=EVENTS)
    for concept, view in metrics.MAIN_VIEW.items():
        module = getattr(metrics, concept)
        by_call = module(tables)
        pd.testing.assert_frame_equal(by_call, getattr(module, view)(tables))
        pd.testing.assert_frame_equal(by_call, getattr(metrics.api, concept)(tables))


def test_views_do_not_mutate_tables(build):
    tables = build(SPEC, events=EVENTS)
    before = tables.entries.copy(), tables.events.copy()
    for view, options in VIEWS:
        view(tables, **options)
    pd.testing.assert_frame_equal(tables.entries, before[0])
    pd.testing.assert_frame_equal(tables.events, before[1])


@pytest.mark.parametrize("view, options", VIEWS)
def test_empty_period_gives_columns_not_errors(build, view, options):
    from reconnect_analysis.tables import Tables
    empty = Tables(entries=build(SPEC).entries.iloc[0:0])
    out = view(empty, **{k: v for k, v in options.items() if k != "week"})
    assert out.empty and "client_id" in out.columns


def test_every_view_accepts_settings_and_a_period(build):
    from reconnect_analysis.config import DEFAULTS
    tables = build(SPEC, events=EVENTS)
    period = {"settings": DEFAULTS, "start": "2026-11-01", "end": "2026-11-22"}
    import inspect
    for view, _options in VIEWS:
        accepted = inspect.signature(view).parameters
        if "start" not in accepted:  # views of one day (as_of) or one week (week)
            assert "as_of" in accepted or "week" in accepted
            assert "settings" in accepted
            continue
        out = view(tables, **period)
        assert "client_id" in out.columns
