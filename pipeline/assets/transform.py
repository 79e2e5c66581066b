"""Transform: the dbt project, each model an asset and each dbt test an asset check."""


from collections.abc import Mapping
from typing import Any

import duckdb
from dagster import AssetExecutionContext, AssetKey, MetadataValue, Output
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipeline import settings
from pipeline.assets.metadata import OWNERS, markdown_table
from pipeline.assets.resources import WarehouseBuildLock
from pipeline.dbt_manifest import ensure_manifest


class WarehouseTranslator(DagsterDbtTranslator):
    """Asset keys mirror the warehouse (``marts/fct_evaluation``); groups follow the model folders."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return AssetKey([dbt_resource_props["config"]["schema"] or "main", dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return dbt_resource_props["fqn"][1]

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return OWNERS


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=ensure_manifest(), dagster_dbt_translator=translator)
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource, build_lock: WarehouseBuildLock):
    """``dbt build`` of the selected models, seeds and tests into the build file; each model's
    materialisation carries its row count and a preview of its first rows. ``build_lock`` is held
    for the run (dbt writes the build file)."""
    # The warehouse's own target path keeps dbt's partial parse between its builds, and apart from
    # other warehouses' builds. dbt's unit tests check the SQL's logic, not the data: the test suite
    # runs them (tests/test_dbt_unit_tests.py), builds need not.
    invocation = dbt.cli(["build", "--exclude-resource-type", "unit_test"], context=context,
                         target_path=settings.dbt_target_dir(), raise_on_error=False)
    outputs = []
    for event in invocation.stream():
        if isinstance(event, Output):
            outputs.append(event)
        else:
            yield event
    # dbt holds the build file while it runs, so the tables are read once it has finished.
    keys = [context.asset_key_for_output(output.output_name) for output in outputs]
    for output, metadata in zip(outputs, _table_metadata(keys)):
        yield output.with_metadata({**output.metadata, **metadata})
    if not invocation.is_successful():
        raise invocation.get_error()


def _table_metadata(keys: list[AssetKey]) -> list[dict]:
    """Row count and a preview of the first rows of each model's table or view."""
    out = []
    with duckdb.connect(str(settings.build_path()), read_only=True) as con:
        for key in keys:
            relation = ".".join(key.path)
            count = con.execute(f"select count(*) from {relation}").fetchone()[0]
            cursor = con.execute(f"select * from {relation} limit 5")
            columns = [d[0] for d in cursor.description]
            preview = [dict(zip(columns, row)) for row in cursor.fetchall()]
            out.append({"dagster/row_count": count, "preview": MetadataValue.md(markdown_table(preview, max_cell=40))})
    return out
