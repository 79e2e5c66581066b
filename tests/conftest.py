"""Shared fixtures: the real FY2022 sheet (tests/fixtures/), and one warehouse built from raw/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# The real FY2022 sheet as the city's text export, and the same content as PDFs of several producers
# and page breaks (see tests/fixtures/README.md). Kept apart from raw/, which is the user's.
FIXTURES = REPO / "tests" / "fixtures"
FY2022_TEXT = FIXTURES / "r04_sheet.txt"
FY2022_PDF = FIXTURES / "r04_sheet_calc.pdf"

sys.path.insert(0, str(Path(__file__).resolve().parent))


def comparable(value: object) -> object:
    """A value as two readers' rows or two warehouses are compared: strings without white space
    (the readers agree on the text, not on where a producer's wrapping broke its lines), inside
    lists and structs too."""
    if isinstance(value, str):
        return re.sub(r"\s+", "", value)
    if isinstance(value, (list, tuple)):
        return tuple(comparable(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, comparable(item)) for key, item in value.items())
    return value


def run_pipeline(*args: str, env: dict | None = None, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
    """``python -m pipeline …`` in a subprocess, as a user runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"pipeline {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


@pytest.fixture(scope="session")
def fy2022_sheet():
    from pipeline.extract.text import read_text_export

    assert FY2022_TEXT.exists(), f"the FY2022 sheet is missing: {FY2022_TEXT}"
    return read_text_export(FY2022_TEXT)


def new_dagster_home(tmp_path_factory, name: str) -> Path:
    """A throwaway Dagster instance, so tests never touch the developer's run history."""
    home = tmp_path_factory.mktemp(name)
    (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    return home


@pytest.fixture(scope="session")
def dagster_home(tmp_path_factory) -> Path:
    """The instance of the tests' own builds (their run histories mix)."""
    return new_dagster_home(tmp_path_factory, "dagster_home")


@pytest.fixture(scope="session")
def built_home(tmp_path_factory) -> Path:
    """The instance of ``built_warehouse``'s build alone, for tests of what that build recorded."""
    return new_dagster_home(tmp_path_factory, "built_home")


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory, built_home) -> Path:
    """The warehouse built once by ``python -m pipeline build`` from the repository's raw/."""
    target = tmp_path_factory.mktemp("warehouse") / "kawasaki_policy.duckdb"
    run_pipeline("build", "--raw-dir", str(REPO / "raw"), "--warehouse", str(target), env={"DAGSTER_HOME": str(built_home)})
    return target
