"""Fixtures shared by the test modules.

The example corpus is built once per test session: a build takes seconds, and a dozen modules
read it. Tests must treat it as read-only (copy it to change it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> Path:
    """The example corpus built with every output (explorer included), shared and read-only."""
    from kg.build import build

    out = tmp_path_factory.mktemp("example") / "build"
    build([CORPUS], out)
    return out
