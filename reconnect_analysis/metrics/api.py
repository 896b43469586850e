"""The main view of each concept as a plain function: ``api.duration(tables)`` and so on.

Identical to calling the concept module (``metrics.duration(tables)``); use whichever reads
better. Each function passes its keyword options through unchanged.
"""

from __future__ import annotations

import pandas as pd

from reconnect_analysis.metrics import (
    adherence as _adherence,
)
from reconnect_analysis.metrics import (
    association as _association,
)
from reconnect_analysis.metrics import (
    daily as _daily,
)
from reconnect_analysis.metrics import (
    duration as _duration,
)
from reconnect_analysis.metrics import (
    fuel as _fuel,
)
from reconnect_analysis.metrics import (
    quality as _quality,
)
from reconnect_analysis.metrics import (
    safety as _safety,
)
from reconnect_analysis.metrics import (
    shifts as _shifts,
)
from reconnect_analysis.metrics import (
    trends as _trends,
)
from reconnect_analysis.metrics import (
    windows as _windows,
)
from reconnect_analysis.tables import Tables

__all__ = ["adherence", "association", "daily", "duration", "fuel", "quality", "safety",
           "shifts", "trends", "windows"]


def daily(tables: Tables, **options) -> pd.DataFrame:
    """:func:`reconnect_analysis.metrics.daily.grid`."""
    return _daily.grid(tables, **options)


def duration(tables: Tables, **options) -> pd.DataFrame:
    """:func:`reconnect_analysis.metrics.duration.summary`."""
    return _duration.summary(tables, **options)


def adherence(tables: Tables, **options) -> pd.DataFrame:
    """:func:`reconnect_analysis.metrics.adherence.weekly`."""
    return _adherence.weekly(tables, **options)


def shifts(tables: Tables, **options) -> pd.DataFrame:
    """:func:`reconnect_analysis.metrics.shifts.daily`."""
    return _shifts.daily(tables, **options)


def association(tables: Tables, **options) -> pd.DataFrame:
    """:func:`reconnect_analysis.metrics.association.link`."""
    return _association.link(tables, **options)


def trends(tables: Tables, **options) -> pd.DataFrame:
    """:func:`reconnect_analysis.metrics.trends.slopes`."""
    return _trends.slopes(tables, **options)


def windows(tables: Tables, **options) -> pd.DataFrame:
    """:func:`reconnect_analysis.metrics.windows.before_after`."""
    return _windows.before_after(tables, **options)


def fuel(tables: Tables, **options) -> pd.DataFrame:
    """:func:`reconnect_analysis.metrics.fuel.weekly`."""
    return _fuel.weekly(tables, **options)


def safety(tables: Tables, **options) -> pd.DataFrame:
    """:func:`reconnect_analysis.metrics.safety.risks`."""
    return _safety.risks(tables, **options)


def quality(tables: Tables, **options) -> pd.DataFrame:
    """:func:`reconnect_analysis.metrics.quality.sufficiency`."""
    return _quality.sufficiency(tables, **options)
