"""Where the repository and the shared material beside it are."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def shared_file(relative: str) -> Path:
    """A file of the shared folder beside the checkout; the test skips where it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} is not available on this machine")
    return path
