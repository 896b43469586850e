"""The one place great_expectations is imported, with everything that leaves the machine off.

Before the import, ``GX_ANALYTICS_ENABLED`` is forced to ``false`` (in this process, whatever
the user's environment says); the context is ephemeral (in memory, no project folder), created
with ``analytics_enabled=False``, progress bars off and no Data Docs site, and GX's PyPI
version check is pre-answered so it never asks the network.
"""

from __future__ import annotations

import os
from functools import lru_cache

os.environ["GX_ANALYTICS_ENABLED"] = "false"

import great_expectations as gx  # noqa: E402
from great_expectations.data_context.types.base import (  # noqa: E402
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

try:  # GX's version check would call PyPI; answer it with our own version
    from great_expectations.data_context._version_checker import _VersionChecker
    from packaging import version as _version

    _VersionChecker._LATEST_GX_VERSION_CACHE = _version.Version(gx.__version__)
except ImportError:  # pragma: no cover - older or newer GX without the checker
    pass

GX_VERSION = gx.__version__


@lru_cache(maxsize=1)
def context():
    """The process's ephemeral GX context (analytics off, no Data Docs, no progress bars)."""
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        data_docs_sites={},
    )
    return gx.get_context(mode="ephemeral", project_config=config)


@lru_cache(maxsize=8)
def batch_definition(name: str):
    """A whole-dataframe batch definition of the pandas data source, one per table."""
    sources = context().data_sources
    try:
        source = sources.get("reconnect")
    except (KeyError, ValueError, LookupError):
        source = sources.add_pandas("reconnect")
    return source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")


def suite_from_dict(body: dict):
    """An ExpectationSuite from its stored JSON form."""
    return gx.ExpectationSuite(**body)


def analytics_enabled() -> bool:
    """True if anything in GX would send usage analytics (the tests require False)."""
    if os.environ.get("GX_ANALYTICS_ENABLED", "").lower() != "false":
        return True
    if context().config.analytics_enabled not in (False,):
        return True
    try:
        from great_expectations.analytics.config import ENV_CONFIG  # GX versions with PostHog
    except ImportError:
        return False
    return bool(getattr(ENV_CONFIG, "gx_analytics_enabled", False))
