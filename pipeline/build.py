"""``python -m pipeline build``: materialise every asset for the configured raw/ and warehouse.

Two runs, because Dagster runs a partitioned asset apart from unpartitioned ones: first every fiscal
year's extraction (one run over all years, files read in parallel), then the landing, dbt and the
publish step. A year that cannot be read does not stop the others; the build then ends with a
report of every file, and its exit code says what happened (pipeline/exit_codes.py).
"""

from __future__ import annotations

import contextlib
import sys
import time

from dagster import AssetKey, DagsterInstance

from pipeline import exit_codes, settings, timings
from pipeline.assets.automation import extract_job, warehouse_job
from pipeline.assets.partitions import fiscal_year_partitions
from pipeline.assets.publish import published_warehouse
from pipeline.assets.transform import warehouse_models
from pipeline.build_summary import exit_code, summary, tell
from pipeline.definitions import defs
from pipeline.instance_storage import build_instance
from pipeline.load_plan import current_plan
from pipeline.raw_files import files_by_year, scan_raw_dir

RUNS = "Dagster runs: creating them, their steps' and checks' events"


def build_all(quiet: bool = False) -> int:
    """Build and publish; ``quiet`` keeps the terminal to the final summary. dbt's own output goes to
    the build's log beside the build file. The caller holds the warehouse's build lock
    (``python -m pipeline build`` takes it before it imports Dagster, so that waiting, or refusing,
    is the first thing it does)."""
    raw_dir = settings.raw_dir()
    if not raw_dir.is_dir():
        print(f"error: {raw_dir} is not a folder of sheet files", file=sys.stderr)
        return exit_codes.NOT_PUBLISHED
    with timings.stage("Dagster instance and partitions"):
        years = [str(year) for year in files_by_year(scan_raw_dir(raw_dir, settings.landing_dir()))]
        instance = build_instance()
        keys = sync_partitions(instance, years)
    log_path = settings.build_log_path()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    extracted = True
    published = rest_succeeded = dbt_failed = False
    with open(log_path, "w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        if keys:
            extracted = _run(
                extract_job.name,
                instance,
                quiet,
                tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
            ).success
        plan = current_plan(raw_dir, settings.landing_dir())
        if plan.years:
            result = _run(warehouse_job.name, instance, quiet)
            # The report and export come after the publish step: their failure leaves the warehouse published.
            published = result.is_node_success(published_warehouse.op.name)
            rest_succeeded = result.success
            dbt_failed = result.is_node_failed(warehouse_models.op.name)
    code = exit_code(plan, published, extracted and rest_succeeded)
    tell(summary(plan, published) + (f"\n(dbt failed; its output: {log_path})" if dbt_failed else ""), code)
    return code


def write_outputs(assets: list[str], quiet: bool) -> bool:
    """Materialise these assets of the warehouse job alone (the report, the exports) from the
    published warehouse; whether they were written."""
    log_path = settings.build_log_path()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        return _run(warehouse_job.name, build_instance(), quiet, asset_selection=[AssetKey(a) for a in assets]).success


def _run(job: str, instance: DagsterInstance, quiet: bool, **kwargs):
    """One in-process run of a job; what it costs beyond its steps' own stages goes to the timings."""
    before, start = timings.total(), time.perf_counter()
    result = defs.resolve_job_def(job).execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "ERROR" if quiet else "INFO"}}}},
        **kwargs,
    )
    timings.add(RUNS, time.perf_counter() - start - (timings.total() - before))
    return result


def sync_partitions(instance: DagsterInstance, years: list[str]) -> list[str]:
    """Make the fiscal-year partitions exactly the years in raw/; their keys in partition order."""
    name = fiscal_year_partitions.name
    known = instance.get_dynamic_partitions(name)
    for stale in set(known) - set(years):
        instance.delete_dynamic_partition(name, stale)
    instance.add_dynamic_partitions(name, [year for year in years if year not in known])
    return [key for key in instance.get_dynamic_partitions(name) if key in years]
