"""The DuckDB files: a fresh build file per build, published over the warehouse in one atomic move.

A build never writes to the published file, so analysts' and BI tools' read-only connections keep
reading the previous data until the move, and a build that dies leaves the published file intact.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from pipeline import build_inputs
from pipeline.load_plan import LoadPlan

# DuckDB 2.x writes a storage format DuckDB 1.x cannot open; many BI drivers still ship 1.x.
STORAGE_COMPATIBILITY_VERSION = "v1.0.0"


def start_build(build_path: Path) -> None:
    """An empty build file, written in the storage format DuckDB 1.x readers can open."""
    build_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (build_path, build_path.with_name(build_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    with duckdb.connect(str(build_path), config={"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION}):
        pass


def load_raw_rows(build_path: Path, parquet_files: list[Path], plan: LoadPlan, inputs: build_inputs.Inputs) -> int:
    """Land the extracted rows (one Parquet file per year) as ``raw.sheet_rows`` in the build file,
    with ``raw.load_report`` (a line per file in raw/), ``raw.quarantine`` (unreadable rows) and
    ``raw.build_inputs`` (what the build is made from, pipeline/build_inputs.py)."""
    report, quarantine = plan.report, plan.quarantine
    with duckdb.connect(str(build_path)) as con:
        con.execute("create schema if not exists raw")
        con.execute(
            "create or replace table raw.sheet_rows as "
            "select * from read_parquet(?, union_by_name = true) order by fiscal_year, initiative_no, sub_row",
            [[str(path) for path in parquet_files]],
        )
        con.execute(
            "create or replace table raw.load_report "
            "(file varchar, fiscal_year integer, status varchar, rows integer, message varchar)"
        )
        _insert(con, "raw.load_report", [(r["file"], r["fiscal_year"], r["status"], r["rows"], r["message"]) for r in report])
        con.execute(
            "create or replace table raw.quarantine "
            "(fiscal_year integer, source_file varchar, page integer, row varchar, reason varchar, fields json)"
        )
        _insert(
            con,
            "raw.quarantine",
            [
                (
                    q["fiscal_year"],
                    q["source_file"],
                    q["page"],
                    q["row"],
                    q["reason"],
                    json.dumps(q["fields"], ensure_ascii=False),
                )
                for q in quarantine
            ],
        )
        build_inputs.write(con, inputs)
        return con.execute("select count(*) from raw.sheet_rows").fetchone()[0]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    if rows:
        con.executemany(f"insert into {table} values ({', '.join('?' * len(rows[0]))})", rows)


def publish(build_path: Path, warehouse_path: Path) -> None:
    """Move the finished build over the published warehouse in one step that survives a power cut:
    the build file's data reaches the disk before the move, and the move before this returns."""
    with duckdb.connect(str(build_path)) as con:
        con.execute("checkpoint")
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    _fsync(build_path)
    os.replace(build_path, warehouse_path)
    _fsync(warehouse_path.parent)
    if build_path.parent != warehouse_path.parent:
        _fsync(build_path.parent)


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def published_sources(warehouse_path: Path) -> dict[int, set[str]]:
    """The content hashes of the files each fiscal year's published rows came from; empty when
    nothing is published (or the file is not a warehouse of ours)."""
    if not warehouse_path.exists():
        return {}
    try:
        rows = query_records(warehouse_path, "select distinct fiscal_year, source_sha256 from raw.sheet_rows")
    except duckdb.Error:
        return {}
    sources: dict[int, set[str]] = {}
    for row in rows:
        sources.setdefault(row["fiscal_year"], set()).add(row["source_sha256"])
    return sources


def published_plan(warehouse_path: Path) -> LoadPlan:
    """The load plan a published warehouse was built with, from its own tables."""
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        years = [year for (year,) in con.execute("select distinct fiscal_year from raw.sheet_rows order by 1").fetchall()]
        report = _records(con, "select file, fiscal_year, status, rows, message from raw.load_report")
        quarantine = _records(con, "select fiscal_year, source_file, page, row, reason, fields from raw.quarantine")
    return LoadPlan(years, report, [{**q, "fields": json.loads(q["fields"])} for q in quarantine])


def query_records(path: Path, sql: str) -> list[dict]:
    """Rows of a read-only query as dicts, for metadata previews and checks."""
    with duckdb.connect(str(path), read_only=True) as con:
        return _records(con, sql)


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]
