"""A build with nothing to do: the published warehouse was built from raw/ and the code as they are.

Such a build starts neither Dagster nor dbt: it says so, with what became of each file when the
warehouse was built, and exits as that build did. Only the report and the exports are written
again, when one is missing or older than the warehouse. Plain Python up to that point.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline import build_inputs, settings, warehouse
from pipeline.build_summary import exit_code, summary, tell

# The assets written from the published warehouse (pipeline/assets/report.py) and the files they write.
REPORT_ASSET = "html_report"
EXPORT_ASSETS = {"parquet_export": "parquet", "csv_export": "csv"}


def finish_if_up_to_date(quiet: bool) -> int | None:
    """The exit code of a build with nothing to do, once done; None when there is something to build."""
    raw_dir, target = settings.raw_dir(), settings.warehouse_path()
    if not raw_dir.is_dir():
        return None
    recorded = build_inputs.recorded(target)
    if recorded is None or recorded != build_inputs.current(raw_dir):
        return None
    plan = warehouse.published_plan(target)
    outputs_written = True
    stale = stale_outputs(target)
    if stale:
        from pipeline.build import write_outputs  # Dagster is only imported when there is something to write

        outputs_written = write_outputs(stale, quiet)
    code = exit_code(plan, published=True, runs_succeeded=outputs_written)
    tell(summary(plan, published=True, up_to_date=True), code)
    return code


def stale_outputs(target: Path) -> list[str]:
    """The report and export assets whose files are missing or older than the warehouse."""
    from pipeline.export import README, default_export_dir
    from pipeline.report import default_report_dir

    built = target.stat().st_mtime_ns
    with duckdb.connect(str(target), read_only=True) as con:
        marts = [name for (name,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()]

    def fresh(paths: list[Path]) -> bool:
        return all(path.is_file() and path.stat().st_mtime_ns >= built for path in paths)

    stale = [] if fresh([default_report_dir(target) / "index.html"]) else [REPORT_ASSET]
    for asset, fmt in EXPORT_ASSETS.items():
        folder = default_export_dir(target, fmt)
        if not fresh([folder / README, *(folder / f"{mart}.{fmt}" for mart in marts)]):
            stale.append(asset)
    return stale
