"""Shared fixtures: the built knowledge index and the location of the shared source material."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.index import PracticeIndex
from knowledge.loader import load_knowledge

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def index() -> PracticeIndex:
    return PracticeIndex(load_knowledge())


def shared_file(relative: str) -> Path:
    """A file of the shared folder beside the checkout; the test skips where it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} is not available on this machine")
    return path
