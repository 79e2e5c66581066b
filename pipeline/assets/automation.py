"""When the warehouse is rebuilt: a sensor on raw/, a run after each extraction, and a nightly schedule.

Dagster runs a partitioned asset apart from unpartitioned ones, so a rebuild is two jobs: the
extraction of some fiscal years, then everything after it (landing, dbt, publish, report).
"""

import json

from dagster import (
    AssetSelection,
    DagsterRunStatus,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    define_asset_job,
    run_status_sensor,
    schedule,
    sensor,
)

from pipeline import settings, warehouse
from pipeline.assets.partitions import fiscal_year_partitions
from pipeline.assets.sheets import extracted_sheet_rows
from pipeline.landing import up_to_date_years
from pipeline.raw_files import RawFile, files_by_year, scan_raw_dir

extract_job = define_asset_job(
    "extract_sheets",
    selection=AssetSelection.assets(extracted_sheet_rows),
    description="Extract the sheets of the selected fiscal years from raw/ (a year at a time, or a range in one run).",
)

warehouse_job = define_asset_job(
    "build_warehouse",
    selection=AssetSelection.all() - AssetSelection.assets(extracted_sheet_rows),
    description="Land every extracted year, run dbt (models and tests) and publish the warehouse.",
)


def year_hashes(files: list[RawFile]) -> dict[str, list[str]]:
    """The content hashes of each fiscal year's files: what the sensor compares between ticks."""
    return {str(year): sorted(f.sha256 for f in year_files) for year, year_files in files_by_year(files).items()}


@sensor(
    job=extract_job,
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description=(
        "Extracts a fiscal year when a file in raw/ giving that year is added or its content changes. Its "
        "first tick starts from what is built: years the landing and the published warehouse already hold "
        "from the same files are not extracted again."
    ),
)
def raw_sheet_files_sensor(context: SensorEvaluationContext):
    files = scan_raw_dir(settings.raw_dir(), settings.landing_dir())
    current = year_hashes(files)
    seen = json.loads(context.cursor) if context.cursor else built_year_hashes(files, current)
    changed = [year for year, hashes in current.items() if seen.get(year) != hashes]
    known = set(context.instance.get_dynamic_partitions(fiscal_year_partitions.name))
    new, stale = [year for year in current if year not in known], sorted(known - set(current))
    cursor = json.dumps(current, sort_keys=True)
    if not changed and not new and not stale:
        skip = f"no new or changed sheet in {settings.raw_dir()}"
        return SkipReason(skip) if context.cursor == cursor else SensorResult(skip_reason=skip, cursor=cursor)
    return SensorResult(
        run_requests=[RunRequest(partition_key=year, run_key=f"{year}:{','.join(current[year])}") for year in changed],
        dynamic_partitions_requests=[
            fiscal_year_partitions.build_add_request(new),
            fiscal_year_partitions.build_delete_request(stale),
        ],
        cursor=cursor,
    )


def built_year_hashes(files: list[RawFile], current: dict[str, list[str]]) -> dict[str, list[str]]:
    """The years of ``current`` that an extraction would not change (landed and published from these
    very files, or found unreadable already): where a sensor with no cursor starts from."""
    published = warehouse.published_sources(settings.warehouse_path())
    return {str(year): current[str(year)] for year in up_to_date_years(files, settings.landing_dir(), published)}


@run_status_sensor(
    run_status=DagsterRunStatus.SUCCESS,
    monitored_jobs=[extract_job],
    request_job=warehouse_job,
    default_status=DefaultSensorStatus.RUNNING,
    description="Rebuilds and publishes the warehouse after each successful extraction.",
)
def warehouse_after_extraction(context):
    return RunRequest(run_key=f"after:{context.dagster_run.run_id}")


@schedule(
    job=extract_job,
    cron_schedule="0 3 * * *",
    execution_timezone="Asia/Tokyo",
    default_status=DefaultScheduleStatus.STOPPED,
    description=(
        "Nightly, 03:00 Tokyo: every fiscal year in raw/ in one extraction run (unchanged sheets are not read "
        "again), after which warehouse_after_extraction rebuilds and publishes the warehouse."
    ),
)
def nightly_build(context: ScheduleEvaluationContext):
    years = list(year_hashes(scan_raw_dir(settings.raw_dir(), settings.landing_dir())))
    keys = [key for key in context.instance.get_dynamic_partitions(fiscal_year_partitions.name) if key in years]
    if not keys:
        return SkipReason("no fiscal-year partition for the sheets in raw/; the raw/ sensor adds them")
    return RunRequest(
        run_key=None,
        tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
    )
