"""The caseload patterns: each rule hit by one hand-made client, and filtering by pattern."""

from __future__ import annotations

import pytest

from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.explore import caseload_patterns as cp
from tests.explore import test_caseload as base
from tests.explore.test_caseload import EXPECTED

summary, tiny = base.summary, base.tiny  # fixtures of test_caseload.py


def test_every_pattern_rule_is_hit(summary):
    assert dict(zip(summary["client_id"], summary["pattern"], strict=True)) == EXPECTED
    hit = set(summary["pattern"])
    assert hit == set(cp.pattern_names())  # each rule (and "no clear pattern") by one client


def test_filter_by_pattern(summary):
    assert list(cp.filter_by_pattern(summary, "logs too little to say")["client_id"]) == [
        "H", "I"]
    assert len(cp.filter_by_pattern(summary, cp.ALL_CLIENTS)) == len(summary)
    assert len(cp.filter_by_pattern(summary, None)) == len(summary)
    with pytest.raises(ReconnectError, match="unknown pattern 'adherence up'"):
        cp.filter_by_pattern(summary, "adherence up")


def test_pattern_order_puts_risk_first_then_too_little_then_stopped():
    assert cp.pattern_names()[:4] == ["risk answers: review first", "logs too little to say",
                                      "stopped logging", "numbness rising"]
    markdown = cp.patterns_markdown()
    assert markdown.index("*risk answers: review first*") < markdown.index("*plan not kept*")
