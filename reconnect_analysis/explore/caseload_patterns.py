"""Archetype-like patterns of the caseload: each client's summary row
(:func:`reconnect_analysis.explore.caseload.client_summary`) gets the first rule of
:data:`PATTERNS` that holds, or :data:`NO_PATTERN`.

The rules read only the summary columns; a missing value (no practice data, too few days)
never satisfies a rule. The same rules are listed in the notebook (:func:`patterns_markdown`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

__all__ = ["Pattern", "PATTERNS", "NO_PATTERN", "RISK_PATTERN", "STOPPED", "STOPPED_SHARE",
           "patterns_markdown", "pattern_names",
           "assign_patterns", "filter_by_pattern", "ALL_CLIENTS", "PRACTICE_UP", "PRACTICE_DROP",
           "PRACTICE_LOW", "PRACTISING"]

PRACTICE_UP = 0.15
"""A rise in the share of practised days (second half minus first half) this large or larger
is "adherence up" (0.15 = about one more practised day a week)."""
PRACTICE_DROP = 0.25
"""A fall this large or larger is "plan not kept" (the same size the caseload overview
flags week to week)."""
PRACTICE_LOW = 0.3
"""A second-half share of practised days below this (about two days a week) is "plan not
kept"; at or above :data:`PRACTISING` the client is practising."""
PRACTISING = 0.5


@dataclass(frozen=True)
class Pattern:
    """A named archetype-like pattern: ``rule`` takes one summary row (a namedtuple)."""

    name: str
    description: str
    rule: Callable


def _up(row) -> bool:
    return bool(row.practice_change >= PRACTICE_UP - 1e-9)  # NaN compares False


def _points(share: float) -> str:
    return f"{share * 100:.0f} percentage points"


STOPPED_SHARE = 0.5
""""stopped logging": silent (no check-in for the last ``missing_checkin_alert_days``, 3, or
more days) and fewer than this share of the period's days logged."""


def _stopped(row) -> bool:
    return bool(row.silent) and row.days_logged < STOPPED_SHARE * row.days_in_period


RISK_PATTERN = "risk answers: review first"
STOPPED = "stopped logging"

PATTERNS: tuple[Pattern, ...] = (
    Pattern(RISK_PATTERN,
            "a risk answer or red flag in the last 14 days of the period: read Safety first "
            "and talk about safety before anything else; no other label is put on them.",
            lambda r: r.risk_recent > 0),
    Pattern("logs too little to say",
            "too few days logged to read any trend (the table of who logs too little says "
            "why; a client who went silent is named in Safety first too).",
            lambda r: not r.enough_data),
    Pattern(STOPPED,
            "enough days to read, but no check-in for the last 3 days or more and fewer "
            "than half of the period's days logged: the trends only tell how the weeks "
            "before the silence went. The client table says when the last check-in was.",
            _stopped),
    Pattern("numbness rising",
            "numbness is clearly going up over the weeks.",
            lambda r: r.numbness_verdict == "going up"),
    Pattern("plan not kept",
            f"practice on fewer than {PRACTICE_LOW:.0%} of the answered days in the second "
            f"half, or a fall of {_points(PRACTICE_DROP)} or more.",
            lambda r: bool(r.share_practised_second < PRACTICE_LOW
                           or r.practice_change <= -PRACTICE_DROP + 1e-9)),
    Pattern("adherence up and shifts up",
            f"practice rose by {_points(PRACTICE_UP)} or more (about one more practised day "
            "a week) and micro-shifts are clearly going up.",
            lambda r: _up(r) and r.shift_verdict == "going up"),
    Pattern("adherence up, numbness easing",
            f"practice rose by {_points(PRACTICE_UP)} or more and numbness is clearly going "
            "down; micro-shifts not (yet) clearly up.",
            lambda r: _up(r) and r.numbness_verdict == "going down"),
    Pattern("adherence up, shifts not yet",
            f"practice rose by {_points(PRACTICE_UP)} or more; neither micro-shifts nor "
            "numbness clearly changed yet.", _up),
    Pattern("practising, numbness easing",
            f"practice on at least {PRACTISING:.0%} of the answered days in the second half, "
            "and numbness is clearly going down.",
            lambda r: bool(r.share_practised_second >= PRACTISING)
            and r.numbness_verdict == "going down"),
    Pattern("numbness easing",
            "numbness is clearly going down; practice neither up nor steady (or not asked "
            "in this export).", lambda r: r.numbness_verdict == "going down"),
)
"""Archetype-like patterns, tried in this order; a client gets the FIRST that holds, or
:data:`NO_PATTERN`. The order puts what needs attention first: a recent risk answer (so a
client at risk is never labelled "plan not kept"), too little data (no other rule can be
trusted), stopped logging (silent now, with the trends from before the silence), rising
numbness, a plan not kept; then the hopeful patterns from the
strongest (practice and micro-shifts both up) to the weakest. Every rule reads only the
summary columns, and a missing value (no practice data, too few days) never satisfies a
rule (NaN comparisons are False)."""

NO_PATTERN = "no clear pattern"


def patterns_markdown() -> str:
    """The pattern rules as a markdown list for the notebook (one source for both)."""
    items = [f"- *{p.name}*: {p.description}" for p in PATTERNS]
    items.append(f"- *{NO_PATTERN}*: none of these.")
    return "\n".join(items)


def pattern_names() -> list[str]:
    """Every pattern a client can get, in rule order, ending with :data:`NO_PATTERN`."""
    return [p.name for p in PATTERNS] + [NO_PATTERN]


def assign_patterns(summary: pd.DataFrame) -> list[str]:
    """The pattern of each summary row: the first rule of :data:`PATTERNS` that holds."""
    names = []
    for row in summary.itertuples(index=False):
        names.append(next((p.name for p in PATTERNS if p.rule(row)), NO_PATTERN))
    return names


def filter_by_pattern(summary: pd.DataFrame, name: str | None) -> pd.DataFrame:
    """The rows of ``summary`` with pattern ``name`` (None or "All clients": every row).

    Raises ValueError (ReconnectError) for a name that is not a pattern.
    """
    from reconnect_analysis.errors import ReconnectError

    if name in (None, "", ALL_CLIENTS):
        return summary.reset_index(drop=True)
    if name not in pattern_names():
        raise ReconnectError(f"unknown pattern {name!r}; choose one of: "
                             + ", ".join(pattern_names()))
    return summary[summary["pattern"] == name].reset_index(drop=True)


ALL_CLIENTS = "All clients"
