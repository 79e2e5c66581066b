"""Report and export: the HTML report and the Parquet and CSV files, written from the published warehouse."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipeline import settings, timings, warm
from pipeline.assets.metadata import OWNERS, markdown_table
from pipeline.assets.publish import published_warehouse


@asset(
    deps=[published_warehouse],
    group_name="report",
    kinds={"html", "python"},
    owners=OWNERS,
    description=(
        "The HTML report (report/index.html beside the warehouse): attainment trend for the whole plan and "
        "each pillar, grades per bureau, initiatives below target with their reasons, KPI targets against "
        "stated actuals and, once several years exist, initiatives added and dropped. One self-contained "
        "page (inline CSS and SVG charts) that opens offline."
    ),
)
def html_report(context: AssetExecutionContext) -> MaterializeResult:
    from pipeline.report import default_report_dir, write_report

    with timings.stage("report"):
        # In the process ``python -m pipeline build`` started for it with matplotlib imported (pipeline/warm.py).
        written = warm.call("html_report", write_report, settings.warehouse_path(), default_report_dir())
    context.log.info(f"wrote {written.path} ({written.size_bytes:,} bytes)")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(written.path)),
            "size": MetadataValue.int(written.size_bytes),
            "sections": MetadataValue.md("\n".join(f"- {title}" for title in written.sections)),
            "fiscal_years": MetadataValue.text(", ".join(f"FY{year}" for year in written.fiscal_years)),
        }
    )


def _export(context: AssetExecutionContext, fmt: str) -> MaterializeResult:
    from pipeline.export import default_export_dir, export_marts

    with timings.stage("exports (Parquet, CSV)"):
        export = export_marts(settings.warehouse_path(), default_export_dir(fmt=fmt), fmt)
    context.log.info(f"wrote {len(export.tables)} {fmt} files to {export.out_dir}")
    if export.removed:
        context.log.info(f"removed stale files of tables no longer in the warehouse: {', '.join(export.removed)}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(export.out_dir)),
            "size": MetadataValue.int(sum(t.size_bytes for t in export.tables)),
            "tables": MetadataValue.md(
                markdown_table([{"file": t.path.name, "rows": t.rows, "bytes": t.size_bytes} for t in export.tables])
            ),
            "descriptions_from": MetadataValue.text(export.descriptions_from),
            "readme": MetadataValue.path(str(export.readme)),
        }
    )


@asset(
    deps=[published_warehouse],
    group_name="report",
    kinds={"parquet", "duckdb"},
    owners=OWNERS,
    description=(
        "Every table of the warehouse's marts schema as Parquet (parquet/ beside the warehouse), with a "
        "README.md of each table's grain and columns, for BI tools that read Parquet rather than DuckDB."
    ),
)
def parquet_export(context: AssetExecutionContext) -> MaterializeResult:
    return _export(context, "parquet")


@asset(
    deps=[published_warehouse],
    group_name="report",
    kinds={"csv", "duckdb"},
    owners=OWNERS,
    description=(
        "Every table of the warehouse's marts schema as CSV (csv/ beside the warehouse), UTF-8 with a "
        "byte-order mark so that Excel opens it with the Japanese intact, with a README.md of each "
        "table's grain and columns."
    ),
)
def csv_export(context: AssetExecutionContext) -> MaterializeResult:
    return _export(context, "csv")
