"""Fixtures of the case ledger's tests."""

import pytest

from community_brain.testing import make_case_setup


@pytest.fixture
def cats(world):
    return make_case_setup(world)
