"""Publish: move the finished build file over the warehouse that analysts and BI tools read."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipeline import settings, timings, warehouse
from pipeline.assets.metadata import OWNERS, markdown_table
from pipeline.assets.resources import BUILD_LOCK
from pipeline.assets.transform import warehouse_models


@asset(
    deps=list(warehouse_models.keys),
    required_resource_keys={BUILD_LOCK},
    group_name="publish",
    kinds={"duckdb"},
    owners=OWNERS,
    description=(
        "The published warehouse file (warehouse/kawasaki_policy.duckdb by default). It is replaced in "
        "one atomic move, and only after every dbt model was built and every dbt test passed."
    ),
)
def published_warehouse(context: AssetExecutionContext) -> MaterializeResult:
    target = settings.warehouse_path()
    with timings.stage("publish"):
        warehouse.publish(settings.build_path(), target)
        tables = warehouse.query_records(
            target,
            "select schema_name as schema, table_name as table, estimated_size as rows from duckdb_tables() "
            "where schema_name in ('marts', 'reference') order by 1, 2",
        )
    context.log.info(f"published {target}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(target)),
            "tables": MetadataValue.md(markdown_table(tables)),
            "size_bytes": target.stat().st_size,
        }
    )
