"""cohortbot's tests, one package per part of the tree; shared helpers in ``tests.support``."""

import pytest

# The shared helpers assert too; rewrite them so their failures explain themselves.
pytest.register_assert_rewrite("tests.support")
