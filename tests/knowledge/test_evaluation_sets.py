"""The labelled evaluation sets stay well formed: every label an exact OECD practice title of
the right principle, no question in two files, the tuning and held-out halves split as
documented (`benchmarks/sets/README.md`), later held-out files checked item by item."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from tests.utils.paths import REPO, shared_file

CHECKER = REPO / "benchmarks/sets/check_sets.py"


def checker() -> ModuleType:
    # A script run by path (it needs only PyYAML), not a module of the package.
    spec = importlib.util.spec_from_file_location("check_sets", CHECKER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_evaluation_sets_pass_their_checker(capsys: pytest.CaptureFixture[str]) -> None:
    seed = shared_file("seed/oecd-good-practice-principles.txt")
    status = checker().main([str(seed)])
    out = capsys.readouterr()
    assert status == 0, out.err
    assert "all checks passed" in out.out


def test_the_checker_rejects_a_label_that_is_not_an_oecd_title(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = shared_file("seed/oecd-good-practice-principles.txt")
    sets = REPO / "benchmarks/sets"
    for path in sets.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "standards.fresh.yaml").write_text(
        '- q: "Publish the service\'s performance data every quarter."\n'
        "  principle: 8\n  practice: Publishing performance data\n  source: made-up\n",
        encoding="utf-8")
    status = checker().main([str(seed), "--dir", str(tmp_path)])
    assert status == 1
    assert "is not one of the 65 titles" in capsys.readouterr().err
