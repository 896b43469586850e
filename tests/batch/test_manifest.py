"""Fingerprints: what changes them and what does not; the client manifest check."""

from __future__ import annotations

import dataclasses

import pandas as pd

from reconnect_analysis.config import DEFAULTS
from reconnect_analysis.report import manifest
from reconnect_analysis.tables import Tables


def caseload(numbness_b=5.0):
    entries = pd.DataFrame({"client_id": ["A", "A", "B"],
                            "date": pd.to_datetime(["2026-11-16", "2026-11-17", "2026-11-16"]),
                            "numbness": [4.0, 6.0, numbness_b]})
    return Tables(entries=entries)


def test_client_hash_depends_on_that_client_only():
    a1 = manifest.client_data_hash(caseload(), "A")
    assert a1 == manifest.client_data_hash(caseload(numbness_b=9.0), "A")  # B changed
    assert manifest.client_data_hash(caseload(), "B") != \
        manifest.client_data_hash(caseload(numbness_b=9.0), "B")
    changed = caseload()
    changed.entries.loc[1, "numbness"] = 6.5
    assert manifest.client_data_hash(changed, "A") != a1


def test_fingerprint_covers_week_formats_settings_templates_version():
    base = dict(data_hash="d", week="2026-W47", formats=("html",), settings=DEFAULTS,
                templates="t", version="1")
    ref = manifest.fingerprint(**base)
    assert manifest.fingerprint(**{**base, "formats": ("html",)}) == ref
    for change in ({"week": "2026-W46"}, {"formats": ("html", "pdf")}, {"templates": "u"},
                   {"version": "2"}, {"data_hash": "e"},
                   {"settings": dataclasses.replace(DEFAULTS, numb_threshold=6.0)}):
        assert manifest.fingerprint(**{**base, **change}) != ref, change


def test_template_hash_is_stable():
    assert manifest.template_hash() == manifest.template_hash()


def test_client_manifest_round_trip(tmp_path):
    report = tmp_path / "report.html"
    report.write_text("x")
    manifest.write_client_manifest(tmp_path, client_id="A", fingerprint_="f", files=[report])
    assert manifest.is_up_to_date(tmp_path, fingerprint_="f", formats=("html",))
    assert not manifest.is_up_to_date(tmp_path, fingerprint_="g", formats=("html",))
    assert not manifest.is_up_to_date(tmp_path, fingerprint_="f", formats=("html", "pdf"))
    report.write_text("y")  # changed after the run
    assert not manifest.is_up_to_date(tmp_path, fingerprint_="f", formats=("html",))
    manifest.forget(tmp_path)
    assert not (tmp_path / manifest.CLIENT_MANIFEST).exists()
