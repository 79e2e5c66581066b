"""``python -m pipeline build``: materialise every asset for the configured raw/ and warehouse.

Two runs, because Dagster runs a partitioned asset apart from unpartitioned ones: first every fiscal
year's extraction (one run over all years, files read in parallel), then the landing, dbt and the
publish step. A year that cannot be read does not stop the others; the build then ends with a
report of every file and a non-zero exit code.
"""

from __future__ import annotations

import contextlib
import sys

from dagster import DagsterInstance

from pipeline import landing, settings
from pipeline.assets.automation import extract_job, warehouse_job
from pipeline.assets.partitions import fiscal_year_partitions
from pipeline.assets.publish import published_warehouse
from pipeline.definitions import defs


def build_all(quiet: bool = False) -> int:
    """Build and publish; ``quiet`` keeps the terminal to the final summary. dbt's own output goes to
    ``build.log`` beside the build file."""
    raw_dir = settings.raw_dir()
    if not raw_dir.is_dir():
        print(f"error: {raw_dir} is not a folder of sheet files", file=sys.stderr)
        return 2
    files = landing.scan_raw_dir(raw_dir, settings.landing_dir())
    years = [str(year) for year in landing.files_by_year(files)]
    instance = DagsterInstance.get()
    keys = sync_partitions(instance, years)
    run_config = {"loggers": {"console": {"config": {"log_level": "ERROR" if quiet else "INFO"}}}}
    log_path = settings.build_path().parent / "build.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    extracted = True
    published = rest_succeeded = False
    with open(log_path, "w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        if keys:
            extracted = defs.resolve_job_def(extract_job.name).execute_in_process(
                instance=instance,
                run_config=run_config,
                tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
                raise_on_error=False,
            ).success
        plan = landing.plan_load(files, settings.landing_dir())
        if plan.years:
            result = defs.resolve_job_def(warehouse_job.name).execute_in_process(
                instance=instance, run_config=run_config, raise_on_error=False
            )
            # The report and export come after the publish step: their failure leaves the warehouse published.
            published = result.is_node_success(published_warehouse.op.name)
            rest_succeeded = result.success
    ok = extracted and published and rest_succeeded and not plan.failed
    print(summary(plan, published) + ("" if ok else f"\n(dbt's output: {log_path})"), file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def sync_partitions(instance: DagsterInstance, years: list[str]) -> list[str]:
    """Make the fiscal-year partitions exactly the years in raw/; their keys in partition order."""
    name = fiscal_year_partitions.name
    known = instance.get_dynamic_partitions(name)
    for stale in set(known) - set(years):
        instance.delete_dynamic_partition(name, stale)
    instance.add_dynamic_partitions(name, [year for year in years if year not in known])
    return [key for key in instance.get_dynamic_partitions(name) if key in years]


def summary(plan: landing.LoadPlan, published: bool) -> str:
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
