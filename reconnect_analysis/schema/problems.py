"""Collects per-cell and per-row problems while a table is validated.

A problem is ``(row position, column, value, reason, action)``; ``action`` is ``quarantine``
(the whole row is set aside), ``blank`` (the cell is set missing, the row kept) or ``fix``
(the value was repaired, e.g. an over-long note cut). Values of text fields are never
recorded (free text stays out of every table but the data itself).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ACTIONS = ("quarantine", "blank", "fix")
MAX_VALUE_CHARS = 100


class Problems:
    """Accumulates problems as small column blocks (cheap for a million rows)."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def add(self, positions, *, column: str, reason: str, action: str,
            values=None) -> None:
        """Record ``reason`` for every row position in ``positions``.

        ``values`` (same length) are the offending raw values; None records no value.
        """
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if values is None:
            shown = pd.Series([""] * positions.size, dtype=object)
        else:
            shown = pd.Series(np.asarray(values, dtype=object)).map(_show)
        self._parts.append(pd.DataFrame({
            "_pos": positions,
            "column": column,
            "value": shown.to_numpy(dtype=object),
            "reason": reason,
            "action": action,
        }))

    def frame(self) -> pd.DataFrame:
        """All problems, in the order recorded."""
        if not self._parts:
            return pd.DataFrame({"_pos": pd.Series(dtype=np.int64),
                                 "column": pd.Series(dtype=object),
                                 "value": pd.Series(dtype=object),
                                 "reason": pd.Series(dtype=object),
                                 "action": pd.Series(dtype=object)})
        return pd.concat(self._parts, ignore_index=True)


def _show(value) -> str:
    """A raw value as a short string for the quarantine table (never more than 100 chars)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    text = str(value)
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS] + "..."
    return text
