"""Extract: the sheet files in raw/ → each fiscal year's rows → ``raw.sheet_rows`` in the build file."""


import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from pipeline import landing, settings, warehouse
from pipeline.assets.metadata import markdown_table
from pipeline.assets.partitions import fiscal_year_partitions

OWNERS = ["team:policy-data"]

sheet_files = AssetSpec(
    key="sheet_files",
    description="The yearly progress-management sheets (進行管理シート) in raw/: PDFs and text exports.",
    group_name="extract",
    kinds={"file"},
    owners=OWNERS,
)


def files_by_year(files: list[landing.RawFile]) -> dict[int, list[landing.RawFile]]:
    years: dict[int, list[landing.RawFile]] = defaultdict(list)
    for file in files:
        if file.fiscal_year is not None:
            years[file.fiscal_year].append(file)
    return dict(years)


@asset(
    deps=[sheet_files],
    partitions_def=fiscal_year_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    group_name="extract",
    kinds={"python", "parquet"},
    owners=OWNERS,
    description=(
        "Each fiscal year's sheet rows, extracted from its file in raw/ (PDF or text export) and kept "
        "as Parquet with the file's content hash; a year whose file did not change is not read again."
    ),
)
def extracted_sheet_rows(context: AssetExecutionContext) -> MaterializeResult:
    landing_dir = settings.landing_dir()
    by_year = files_by_year(landing.scan_raw_dir(settings.raw_dir(), landing_dir))
    years = sorted(int(key) for key in context.partition_keys)
    missing = [year for year in years if year not in by_year]
    if missing:
        raise Failure(f"no file in {settings.raw_dir()} gives fiscal year {', '.join(map(str, missing))}")
    stale = [year for year in years if not landing.is_landed(landing_dir, year, by_year[year])]
    sheets = _extract([file for year in stale for file in by_year[year]])
    summary = []
    for year in years:
        if year in stale:
            landed = landing.land_year(landing_dir, year, by_year[year], [sheets[f.path] for f in by_year[year]])
        else:
            landed = landing.read_manifest(landing_dir, year)
        summary.append({"fiscal_year": year, "rows": landed.rows, "file": landed.used_file,
                        "extracted": year in stale, "note": landed.note})
        context.log.info(f"FY{year}: {landed.rows} rows from {landed.used_file}"
                         + ("" if year in stale else " (unchanged, not read again)") + (f"; {landed.note}" if landed.note else ""))
    return MaterializeResult(metadata={
        "years": MetadataValue.md(markdown_table(summary)),
        "rows": sum(item["rows"] for item in summary),
        "files_read": sum(len(by_year[year]) for year in stale),
        "source_files": MetadataValue.json({str(y): [{"name": f.path.name, "sha256": f.sha256} for f in by_year[y]] for y in years}),
    })


def _extract(files: list[landing.RawFile]) -> dict:
    """Each file's sheet; several files are read in parallel, one process per core."""
    if len(files) <= 1:
        return {file.path: landing.extract_file(file.path) for file in files}
    with ProcessPoolExecutor(max_workers=min(len(files), os.cpu_count() or 1)) as pool:
        sheets = pool.map(landing.extract_file, [f.path for f in files], [1] * len(files))
        return dict(zip((f.path for f in files), sheets))


@asset(
    key=AssetKey(["raw", "sheet_rows"]),
    deps=[extracted_sheet_rows],
    group_name="extract",
    kinds={"duckdb"},
    owners=OWNERS,
    description=(
        "Every fiscal year's extracted rows landed as the DuckDB table raw.sheet_rows in a fresh build "
        "file beside the warehouse; dbt builds on it and the publish step moves it into place."
    ),
)
def raw_sheet_rows(context: AssetExecutionContext) -> MaterializeResult:
    landing_dir = settings.landing_dir()
    years = sorted(files_by_year(landing.scan_raw_dir(settings.raw_dir(), landing_dir)))
    not_landed = [year for year in years if landing.read_manifest(landing_dir, year) is None]
    if not_landed:
        raise Failure(f"fiscal years {not_landed} have not been extracted; materialise extracted_sheet_rows first")
    build_path = settings.build_path()
    warehouse.start_build(build_path)
    count = warehouse.load_raw_rows(build_path, [landing.landed_path(landing_dir, year) for year in years])
    per_year = warehouse.query_records(build_path, "select fiscal_year, count(*) as rows from raw.sheet_rows group by 1 order by 1")
    preview = warehouse.query_records(
        build_path,
        "select fiscal_year, initiative_no, sub_row, initiative_name, achievement_code, contribution_code, bureau "
        "from raw.sheet_rows limit 5",
    )
    return MaterializeResult(metadata={
        "dagster/row_count": count,
        "rows_per_year": MetadataValue.md(markdown_table(per_year)),
        "preview": MetadataValue.md(markdown_table(preview)),
        "build_file": MetadataValue.path(str(build_path)),
    })

