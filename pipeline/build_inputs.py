"""What a warehouse is built from, as it is recorded in the warehouse (``raw.build_inputs``).

A build records, beside the rows it loads: every file of raw/ (its name and content hash; a file set
aside unread by its name), the version of the readers, a hash of the dbt project with its seeds and
dbt's versions (pipeline/dbt_project.py), a hash of the Python that dbt and the landing run (the
KPI grammar, the loading of rows) with DuckDB's version, and the per-file limits. A warehouse whose
record equals what raw/ and the code give now is what a build would publish again. Plain Python:
neither Dagster nor dbt is imported, so ``build`` can tell in a moment that it has nothing to do.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from pathlib import Path

import duckdb

from pipeline import settings
from pipeline.dbt_project import parse_environment, project_hash
from pipeline.files import file_sha256
from pipeline.raw_files import RawFile, is_ignored
from pipeline.reader_version import READER_VERSION

TABLE = "raw.build_inputs"
COLUMNS = "input varchar, name varchar, value varchar"

_PIPELINE = Path(__file__).resolve().parent
# The Python that shapes the warehouse's tables besides the readers: the KPI grammar the dbt models
# call, and the loading of the landed rows and the load report into the build file.
WAREHOUSE_CODE = (*sorted((_PIPELINE / "kpi").rglob("*.py")), _PIPELINE / "warehouse.py", _PIPELINE / "load_plan.py")

Inputs = list[tuple[str, str, str]]  # (input, name, value), sorted


def current(raw_dir: Path, files: list[RawFile] | None = None) -> Inputs:
    """What a build of raw/ would be made from now; ``files``, when given, are raw/ as a build
    scanned it (so the record says exactly what that build read)."""
    if files is None:
        paths = sorted(p for p in raw_dir.iterdir() if p.is_file())
        found = [(p.name, "" if is_ignored(p) else file_sha256(p)) for p in paths]
    else:
        found = [(f.path.name, f.sha256) for f in files]
    limits = settings.file_limits()
    return sorted(
        [
            *(("raw file", name, sha) if sha else ("raw file set aside", name, "") for name, sha in found),
            ("reader version", "", READER_VERSION),
            ("dbt project", "", project_hash(settings.DBT_PROJECT_DIR, parse_environment())),
            ("warehouse code", "", _code_hash()),
            ("file limits", "", f"{limits.memory_mb} MB, {limits.seconds:g} s"),
        ]
    )


def _code_hash() -> str:
    digest = hashlib.sha256(f"duckdb {importlib.metadata.version('duckdb')}\0".encode())
    for path in WAREHOUSE_CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def recorded(warehouse: Path) -> Inputs | None:
    """What the published warehouse was built from; None when there is no warehouse or no record
    (a warehouse built before builds recorded it)."""
    if not warehouse.is_file():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return sorted(con.execute(f"select input, name, value from {TABLE}").fetchall())
    except duckdb.Error:
        return None


def write(con: duckdb.DuckDBPyConnection, inputs: Inputs) -> None:
    """The record, into the build file being written."""
    con.execute(f"create or replace table {TABLE} ({COLUMNS})")
    con.executemany(f"insert into {TABLE} values (?, ?, ?)", inputs)
