"""Session fixture for tests/lambda: the template's stack, against moto and a fake upstream.

`tests/lambda` cannot be a package (`lambda` is a keyword), so the helpers live in
`samharness/` beside this file and this directory is put on sys.path here, which
works under pytest's prepend and importlib import modes alike. Tests import shared
names from `samharness.stack`, never from this file: `conftest` is not a unique
module name in this repository.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from samharness.stack import Stack, running_stack  # noqa: E402


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("lambda-logs")) as running:
        yield running
