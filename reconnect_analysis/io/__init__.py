"""Readers: one module per export format, each returning a :class:`RawExport`."""

from reconnect_analysis.io.raw import READER_PROBLEM, RawExport

__all__ = ["READER_PROBLEM", "RawExport"]
