"""``python -m pipeline build``: materialise every asset for the configured raw/ and warehouse.

Two runs, because Dagster runs a partitioned asset apart from unpartitioned ones: first every fiscal
year's extraction (one run over all years, files read in parallel), then the landing, dbt and the
publish step.
"""

from __future__ import annotations

import os
import sys

from dagster import AssetSelection, DagsterInstance

from pipeline import landing, settings
from pipeline.assets.partitions import fiscal_year_partitions
from pipeline.assets.sheets import extracted_sheet_rows, files_by_year
from pipeline.definitions import defs


def build_all() -> int:
    raw_dir = settings.raw_dir()
    if not raw_dir.is_dir():
        print(f"error: {raw_dir} is not a folder of sheet files", file=sys.stderr)
        return 2
    files = landing.scan_raw_dir(raw_dir, settings.landing_dir())
    years = [str(year) for year in sorted(files_by_year(files))]
    if not years:
        print(f"error: no sheet in {raw_dir} (PDFs or text exports with a 「…進行管理シート（令和N年度）」 title)", file=sys.stderr)
        return 2
    instance = DagsterInstance.get()
    known = set(instance.get_dynamic_partitions(fiscal_year_partitions.name))
    instance.add_dynamic_partitions(fiscal_year_partitions.name, [year for year in years if year not in known])

    job = defs.resolve_implicit_global_asset_job_def()
    run_config = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
    extract = job.get_subset(asset_selection={extracted_sheet_rows.key}).execute_in_process(
        instance=instance,
        run_config=run_config,
        tags={"dagster/asset_partition_range_start": years[0], "dagster/asset_partition_range_end": years[-1]},
        raise_on_error=False,
    )
    if not extract.success:
        return 1
    rest = AssetSelection.all() - AssetSelection.assets(extracted_sheet_rows)
    result = job.get_subset(asset_selection=rest.resolve(defs.resolve_asset_graph())).execute_in_process(
        instance=instance, run_config=run_config, raise_on_error=False
    )
    if not result.success:
        return 1
    print(f"published {settings.warehouse_path()} ({', '.join('FY' + y for y in years)})")
    return 0
