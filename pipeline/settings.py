"""Where the pipeline reads and writes, from environment variables with repository defaults.

The environment is the one channel every process shares: the CLI, Dagster's run workers and the
dbt subprocesses all read the same three variables.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# The dbt of this interpreter's environment, found without the venv being activated.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

RAW_DIR_ENV = "KAWASAKI_RAW_DIR"
WAREHOUSE_ENV = "KAWASAKI_WAREHOUSE"
BUILD_DB_ENV = "KAWASAKI_BUILD_DB"  # read by dbt_project/profiles.yml

DAGSTER_HOME_ENV = "DAGSTER_HOME"
DEFAULT_DAGSTER_HOME = REPO_ROOT / ".dagster_home"

DEFAULT_RAW_DIR = REPO_ROOT / "raw"
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse" / "kawasaki_policy.duckdb"


def raw_dir() -> Path:
    """The folder of yearly sheet files (PDFs and text exports)."""
    return Path(os.environ.get(RAW_DIR_ENV) or DEFAULT_RAW_DIR).resolve()


def warehouse_path() -> Path:
    """The published DuckDB file that analysts and BI tools open."""
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).resolve()


def build_path() -> Path:
    """Where a build writes before it is published: beside the warehouse, so the move is atomic."""
    warehouse = warehouse_path()
    return warehouse.parent / ".build" / warehouse.name


def landing_dir() -> Path:
    """Extracted rows per fiscal year, kept between builds so unchanged sheets are not read again."""
    return warehouse_path().parent / ".landing"


def configure(raw_dir: Path | None = None, warehouse: Path | None = None) -> None:
    """Point this process, and every process it starts (Dagster runs, dbt), at these paths."""
    if raw_dir is not None:
        os.environ[RAW_DIR_ENV] = str(Path(raw_dir).resolve())
    if warehouse is not None:
        os.environ[WAREHOUSE_ENV] = str(Path(warehouse).resolve())
    os.environ[BUILD_DB_ENV] = str(build_path())
    home = Path(os.environ.setdefault(DAGSTER_HOME_ENV, str(DEFAULT_DAGSTER_HOME)))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
