"""reconnect_analysis: check-in analysis and weekly reports for emotional-numbness work."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("reconnect_analysis")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
