"""Statistics building blocks of the trend engine, each checked against scipy or brute force.

- :mod:`~reconnect_analysis.stats.bootstrap`: moving-block bootstrap of daily series.
- :mod:`~reconnect_analysis.stats.ranks`: rank statistics from grouped counts (Spearman for a
  yes/no variable, Mann-Whitney with rank-biserial effect size).
- :mod:`~reconnect_analysis.stats.trend`: Theil-Sen slope with its interval, Kendall's tau.
"""

from reconnect_analysis.stats import bootstrap, ranks, trend

__all__ = ["bootstrap", "ranks", "trend"]
