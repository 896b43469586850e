"""The trend engine: pure functions ``Tables -> tidy DataFrame``, one module per concept.

Each concept is a module with one or more *views* (``metrics.duration.summary``,
``metrics.adherence.weekly`` ...). Every view takes ``tables`` first and keyword-only options
(``settings=DEFAULTS``, ``start``/``end`` or ``as_of``), works on one client or the whole
caseload at once, and returns the same numbers either way. Definitions, verdict rules and
defaults: ``docs/metrics.md``.

Each concept module can also be *called* directly, which runs its main view, so a notebook
can write ``metrics.duration(tables)`` (= ``metrics.duration.summary(tables)``). The same
callables exist as plain functions in :mod:`reconnect_analysis.metrics.api`.

========================  ================================
``metrics.<concept>(t)``  runs
========================  ================================
``daily``                 ``daily.grid``
``duration``              ``duration.summary``
``adherence``             ``adherence.weekly``
``shifts``                ``shifts.daily``
``association``           ``association.link``
``trends``                ``trends.slopes``
``windows``               ``windows.before_after``
``fuel``                  ``fuel.weekly``
``safety``                ``safety.risks``
``quality``               ``quality.sufficiency``
========================  ================================
"""

from __future__ import annotations

import types

from reconnect_analysis.metrics import (
    adherence,
    association,
    daily,
    duration,
    fuel,
    quality,
    safety,
    shifts,
    trends,
    windows,
)

MAIN_VIEW = {
    "daily": "grid",
    "duration": "summary",
    "adherence": "weekly",
    "shifts": "daily",
    "association": "link",
    "trends": "slopes",
    "windows": "before_after",
    "fuel": "weekly",
    "safety": "risks",
    "quality": "sufficiency",
}
"""Which view a call of the concept module runs."""


class _ConceptModule(types.ModuleType):
    """A concept module that can be called: ``metrics.duration(tables)`` runs its main view."""

    def __call__(self, tables, **options):
        return getattr(self, MAIN_VIEW[self.__name__.rsplit(".", 1)[-1]])(tables, **options)


for _module in (daily, duration, adherence, shifts, association, trends, windows, fuel,
                safety, quality):
    _module.__class__ = _ConceptModule

from reconnect_analysis.metrics import api  # noqa: E402

__all__ = ["MAIN_VIEW", "adherence", "api", "association", "daily", "duration", "fuel",
           "quality", "safety", "shifts", "trends", "windows"]
