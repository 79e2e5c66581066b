"""The Dagster code location: ``dagster dev -m pipeline.definitions``."""

from dagster import Definitions, in_process_executor

from pipeline import settings
from pipeline.assets.automation import (
    extract_job,
    nightly_build,
    raw_sheet_files_sensor,
    warehouse_after_extraction,
    warehouse_job,
)
from pipeline.assets.publish import published_warehouse
from pipeline.assets.report import csv_export, html_report, parquet_export
from pipeline.assets.resources import BUILD_LOCK, WarehouseBuildLock
from pipeline.assets.sheets import extracted_sheet_rows, raw_sheet_rows, sheet_files
from pipeline.assets.transform import warehouse_models

settings.configure()

defs = Definitions(
    assets=[
        sheet_files,
        extracted_sheet_rows,
        raw_sheet_rows,
        warehouse_models,
        published_warehouse,
        html_report,
        parquet_export,
        csv_export,
    ],
    jobs=[extract_job, warehouse_job],
    sensors=[raw_sheet_files_sensor, warehouse_after_extraction],
    schedules=[nightly_build],
    resources={BUILD_LOCK: WarehouseBuildLock()},
    # One process per run: the build lock spans the run, and no step pays for a Python start and
    # Dagster's import of its own.
    executor=in_process_executor,
)
