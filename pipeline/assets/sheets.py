"""Extract: the sheet files in raw/ → each fiscal year's rows → ``raw.sheet_rows`` in the build file."""

import warnings

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    BetaWarning,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from pipeline import build_inputs, settings, timings, warehouse
from pipeline.assets.metadata import OWNERS, markdown_table
from pipeline.assets.partitions import fiscal_year_partitions
from pipeline.assets.resources import BUILD_LOCK
from pipeline.extraction import MissingYears, extract_years
from pipeline.landing import landed_path
from pipeline.load_plan import plan_load
from pipeline.raw_files import scan_raw_dir

# A single-run backfill (every year's extraction in one run, files in parallel) is what this asset
# is for; Dagster marks the policy beta, which is no news to the people running a build.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=BetaWarning)

RAW_SHEET_ROWS = AssetKey(["raw", "sheet_rows"])

sheet_files = AssetSpec(
    key="sheet_files",
    description="The yearly progress-management sheets (進行管理シート) in raw/: PDFs and text exports.",
    group_name="extract",
    kinds={"file"},
    owners=OWNERS,
)


@asset(
    deps=[sheet_files],
    partitions_def=fiscal_year_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    required_resource_keys={BUILD_LOCK},
    group_name="extract",
    kinds={"python", "parquet"},
    owners=OWNERS,
    description=(
        "Each fiscal year's sheet rows, extracted from its file in raw/ (PDF or text export), checked, "
        "and kept as Parquet with the file's content hash; a year whose file did not change is not read "
        "again. A year whose file cannot be read fails with the reason and keeps its earlier rows."
    ),
)
def extracted_sheet_rows(context: AssetExecutionContext) -> MaterializeResult:
    try:
        with timings.stage("extraction (reading the sheets that changed, into the landing)"):
            extraction = extract_years(settings.raw_dir(), settings.landing_dir(), [int(key) for key in context.partition_keys])
    except MissingYears as missing:
        raise Failure(str(missing)) from None
    summary = []
    for year in extraction.years:
        if year.landed is None:
            context.log.error(year.describe())
            continue
        context.log.info(year.describe())
        summary.append(
            {
                "fiscal_year": year.fiscal_year,
                "rows": year.landed.rows,
                "file": year.landed.used_file,
                "read": year.read,
                "quarantined": len(year.landed.problems),
                "note": year.landed.note,
            }
        )
    if extraction.failures:
        raise Failure(
            "some fiscal years could not be extracted:\n" + "\n".join(year.describe() for year in extraction.failures),
            metadata={"landed": MetadataValue.md(markdown_table(summary))},
        )
    return MaterializeResult(
        metadata={
            "years": MetadataValue.md(markdown_table(summary)),
            "rows": sum(item["rows"] for item in summary),
            "files_read": sum(len(year.files) for year in extraction.years if year.read),
            "source_files": MetadataValue.json(
                {
                    str(year.fiscal_year): [{"name": f.path.name, "sha256": f.sha256} for f in year.files]
                    for year in extraction.years
                }
            ),
        }
    )


@asset(
    key=RAW_SHEET_ROWS,
    deps=[extracted_sheet_rows],
    required_resource_keys={BUILD_LOCK},
    group_name="extract",
    kinds={"duckdb"},
    owners=OWNERS,
    description=(
        "Every fiscal year's extracted rows landed as the DuckDB table raw.sheet_rows in a fresh build "
        "file beside the warehouse, with raw.load_report (what became of each file in raw/) and "
        "raw.quarantine (rows that could not be read, and why); dbt builds on them and the publish step "
        "moves the file into place."
    ),
    check_specs=[
        AssetCheckSpec(
            "every_sheet_file_loaded",
            asset=RAW_SHEET_ROWS,
            description="Every file in raw/ was read into the warehouse (or is a duplicate of one that was).",
        ),
        AssetCheckSpec(
            "no_quarantined_rows",
            asset=RAW_SHEET_ROWS,
            description="No sheet row was quarantined as unreadable, and no sheet has numbering gaps.",
        ),
    ],
)
def raw_sheet_rows(context: AssetExecutionContext) -> MaterializeResult:
    with timings.stage("landing (raw.sheet_rows into a fresh build file)"):
        landing_dir = settings.landing_dir()
        files = scan_raw_dir(settings.raw_dir(), landing_dir)
        plan = plan_load(files, landing_dir)
        if not plan.years:
            raise Failure("no fiscal year could be loaded:\n" + "\n".join(f"{r['file']}: {r['message']}" for r in plan.report))
        build_path = settings.build_path()
        warehouse.start_build(build_path)
        count = warehouse.load_raw_rows(
            build_path,
            [landed_path(landing_dir, year) for year in plan.years],
            plan,
            build_inputs.current(settings.raw_dir(), files),
        )
        per_year = warehouse.query_records(
            build_path, "select fiscal_year, count(*) as rows from raw.sheet_rows group by 1 order by 1"
        )
        preview = warehouse.query_records(
            build_path,
            "select fiscal_year, initiative_no, sub_row, initiative_name, achievement_code, contribution_code, bureau "
            "from raw.sheet_rows limit 5",
        )
    not_loaded = plan.refused
    return MaterializeResult(
        metadata={
            "dagster/row_count": count,
            "rows_per_year": MetadataValue.md(markdown_table(per_year)),
            "load_report": MetadataValue.md(markdown_table(plan.report, max_cell=200)),
            "preview": MetadataValue.md(markdown_table(preview)),
            "build_file": MetadataValue.path(str(build_path)),
        },
        check_results=[
            AssetCheckResult(
                check_name="every_sheet_file_loaded",
                passed=not not_loaded,
                severity=AssetCheckSeverity.ERROR,
                metadata={"files": MetadataValue.md(markdown_table(not_loaded or plan.report, max_cell=200))},
            ),
            AssetCheckResult(
                check_name="no_quarantined_rows",
                passed=not plan.quarantine,
                severity=AssetCheckSeverity.ERROR,
                metadata={
                    "quarantined": len(plan.quarantine),
                    "rows": MetadataValue.md(
                        markdown_table(
                            [{k: q[k] for k in ("fiscal_year", "source_file", "page", "row", "reason")} for q in plan.quarantine],
                            max_cell=200,
                        )
                    ),
                },
            ),
        ],
    )
