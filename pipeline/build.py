"""``python -m pipeline build``: materialise every asset for the configured raw/ and warehouse.

Two runs, because Dagster runs a partitioned asset apart from unpartitioned ones: first every fiscal
year's extraction (one run over all years, files read in parallel), then the landing, dbt and the
publish step. A year that cannot be read does not stop the others; the build then ends with a
report of every file, and its exit code says what happened (pipeline/exit_codes.py).
"""

from __future__ import annotations

import contextlib
import sys

from dagster import DagsterInstance

from pipeline import exit_codes, settings
from pipeline.assets.automation import extract_job, warehouse_job
from pipeline.assets.partitions import fiscal_year_partitions
from pipeline.assets.publish import published_warehouse
from pipeline.assets.transform import warehouse_models
from pipeline.definitions import defs
from pipeline.load_plan import LoadPlan, current_plan
from pipeline.raw_files import files_by_year, scan_raw_dir


def build_all(quiet: bool = False) -> int:
    """Build and publish; ``quiet`` keeps the terminal to the final summary. dbt's own output goes to
    the build's log beside the build file. The caller holds the warehouse's build lock
    (``python -m pipeline build`` takes it before it imports Dagster, so that waiting, or refusing,
    is the first thing it does)."""
    raw_dir = settings.raw_dir()
    if not raw_dir.is_dir():
        print(f"error: {raw_dir} is not a folder of sheet files", file=sys.stderr)
        return exit_codes.NOT_PUBLISHED
    years = [str(year) for year in files_by_year(scan_raw_dir(raw_dir, settings.landing_dir()))]
    instance = DagsterInstance.get()
    keys = sync_partitions(instance, years)
    run_config = {"loggers": {"console": {"config": {"log_level": "ERROR" if quiet else "INFO"}}}}
    log_path = settings.build_log_path()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    extracted = True
    published = rest_succeeded = dbt_failed = False
    with open(log_path, "w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        if keys:
            extracted = defs.resolve_job_def(extract_job.name).execute_in_process(
                instance=instance,
                run_config=run_config,
                tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
                raise_on_error=False,
            ).success
        plan = current_plan(raw_dir, settings.landing_dir())
        if plan.years:
            result = defs.resolve_job_def(warehouse_job.name).execute_in_process(
                instance=instance, run_config=run_config, raise_on_error=False
            )
            # The report and export come after the publish step: their failure leaves the warehouse published.
            published = result.is_node_success(published_warehouse.op.name)
            rest_succeeded = result.success
            dbt_failed = result.is_node_failed(warehouse_models.op.name)
    code = exit_code(plan, published, extracted and rest_succeeded)
    text = summary(plan, published) + (f"\n(dbt failed; its output: {log_path})" if dbt_failed else "")
    print(text, file=sys.stdout if code == exit_codes.PUBLISHED else sys.stderr)
    return code


def exit_code(plan: LoadPlan, published: bool, runs_succeeded: bool) -> int:
    if not published:
        return exit_codes.NOT_PUBLISHED
    return exit_codes.PUBLISHED if runs_succeeded and not plan.failed else exit_codes.PUBLISHED_WITH_PROBLEMS


def sync_partitions(instance: DagsterInstance, years: list[str]) -> list[str]:
    """Make the fiscal-year partitions exactly the years in raw/; their keys in partition order."""
    name = fiscal_year_partitions.name
    known = instance.get_dynamic_partitions(name)
    for stale in set(known) - set(years):
        instance.delete_dynamic_partition(name, stale)
    instance.add_dynamic_partitions(name, [year for year in years if year not in known])
    return [key for key in instance.get_dynamic_partitions(name) if key in years]


def summary(plan: LoadPlan, published: bool) -> str:
    """What became of each file in raw/, and where the warehouse is."""
    lines = []
    for item in plan.report:
        year = f"FY{item['fiscal_year']}" if item["fiscal_year"] else "—"
        detail = f"{item['rows']} rows" if item["status"] == "loaded" else item["message"]
        lines.append(f"  {item['status']:<9} {year:<7} {item['file']}: {detail}")
    if plan.quarantine:
        lines.append(f"  {len(plan.quarantine)} rows quarantined (see raw.quarantine):")
        lines += [f"    FY{q['fiscal_year']} {q['source_file']} {q['row'] or ''}: {q['reason']}" for q in plan.quarantine[:20]]
    target = settings.warehouse_path()
    if published:
        lines.append(f"published {target} ({', '.join(f'FY{y}' for y in plan.years)})")
    else:
        lines.append(f"not published: {target} is unchanged")
    return "\n".join(lines)
