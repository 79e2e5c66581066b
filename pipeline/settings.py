"""Where the pipeline reads and writes, from environment variables with repository defaults.

The environment is the one channel every process shares: the CLI, Dagster's run workers and the
dbt subprocesses all read the same variables.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from pipeline.limits import FILE_MEMORY_MB_ENV, FILE_SECONDS_ENV, FileLimits
from pipeline.processes import REPO_ROOT

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
    return build_path_of(warehouse_path())


# The build file is named alike for every warehouse: DuckDB names a file's catalog after it, and
# dbt's manifest names that catalog, so one manifest, parsed once, serves the builds of every warehouse.
# Nothing in the file names its catalog (views and keys name schemas only), so it opens under any name.
BUILD_CATALOG = DEFAULT_WAREHOUSE.stem


def build_path_of(warehouse: Path) -> Path:
    return _build_dir(warehouse) / warehouse.stem / f"{BUILD_CATALOG}.duckdb"


def _build_dir(warehouse: Path) -> Path:
    return warehouse.parent / ".build"


# Everything a build keeps on disk is named after its warehouse, so builds of two warehouses in one
# folder never share a file.


def build_log_path() -> Path:
    """The build's full log (Dagster's and dbt's output), kept after the build."""
    return _build_dir(warehouse_path()) / f"{warehouse_path().stem}.log"


def build_lock_path() -> Path:
    """The lock file that lets one build of this warehouse run at a time (pipeline/build_lock.py)."""
    return _build_dir(warehouse_path()) / f"{warehouse_path().stem}.lock"


def build_timings_path() -> Path:
    """Where the latest build's time per stage is kept (``build --timings`` prints it)."""
    return _build_dir(warehouse_path()) / f"{warehouse_path().stem}.timings.json"


def dbt_target_dir() -> Path:
    """dbt's target and log folder for this warehouse's builds (compiled SQL, run results), apart
    from other warehouses' builds."""
    return _build_dir(warehouse_path()) / f"{warehouse_path().stem}.dbt"


def landing_dir() -> Path:
    """Extracted rows per fiscal year, kept between builds so unchanged sheets are not read again."""
    warehouse = warehouse_path()
    return warehouse.parent / ".landing" / warehouse.stem


# A sheet of a dozen A3 pages is read in about 50 MB and a few seconds: the limits leave room for
# far larger files while keeping a hostile one (a content stream that inflates to gigabytes) from
# taking the machine down.
DEFAULT_FILE_MEMORY_MB = 384
DEFAULT_FILE_SECONDS = 300


def file_limits() -> FileLimits:
    """The memory and time that reading one file in raw/ may take."""
    return FileLimits(
        int(os.environ.get(FILE_MEMORY_MB_ENV) or DEFAULT_FILE_MEMORY_MB),
        float(os.environ.get(FILE_SECONDS_ENV) or DEFAULT_FILE_SECONDS),
    )


def available_cores() -> int:
    """The cores this process may use: a container or a scheduler may allow fewer than the machine has."""
    return len(os.sched_getaffinity(0))


def configure(raw_dir: Path | None = None, warehouse: Path | None = None) -> None:
    """Point this process, and every process it starts (Dagster runs, dbt), at these paths."""
    if raw_dir is not None:
        os.environ[RAW_DIR_ENV] = str(Path(raw_dir).resolve())
    if warehouse is not None:
        os.environ[WAREHOUSE_ENV] = str(Path(warehouse).resolve())
    os.environ[BUILD_DB_ENV] = str(build_path())
    home = Path(os.environ.setdefault(DAGSTER_HOME_ENV, str(DEFAULT_DAGSTER_HOME)))
    home.mkdir(parents=True, exist_ok=True)
    # The repository's dagster.yaml is the instance's: a home made before it changed gets the new one.
    source, copy = REPO_ROOT / "dagster.yaml", home / "dagster.yaml"
    if not copy.exists() or copy.read_bytes() != source.read_bytes():
        shutil.copyfile(source, copy)
