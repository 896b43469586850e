"""The docstring examples of the statistics building blocks run and give what they show."""

import doctest

import pytest

from reconnect_analysis.stats import bootstrap, ranks, trend


@pytest.mark.parametrize("module", [bootstrap, ranks, trend])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
