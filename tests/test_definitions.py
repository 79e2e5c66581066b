"""The Dagster code location loads, and its asset graph is the one the README describes."""

from dagster import AssetKey

from pipeline.definitions import defs


def test_definitions_load_with_every_stage():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"sheet_files", "extracted_sheet_rows", "raw/sheet_rows", "marts/fct_evaluation", "marts/dim_initiative",
            "marts/dim_bureau", "published_warehouse"} <= keys
    assert graph.get(AssetKey("extracted_sheet_rows")).partitions_def is not None


def test_every_asset_has_a_description_and_a_group():
    graph = defs.resolve_asset_graph()
    for key in graph.materializable_asset_keys:
        node = graph.get(key)
        assert node.description, key
        assert node.group_name in {"extract", "staging", "intermediate", "marts", "reference", "publish", "report"}, key


def test_dbt_tests_are_asset_checks():
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert any(name.startswith("unique_") for name in checks)
    assert any(name.startswith("relationships_") for name in checks)


def test_the_warehouse_is_published_after_the_marts():
    graph = defs.resolve_asset_graph()
    parents = graph.get(AssetKey("published_warehouse")).parent_keys
    assert AssetKey(["marts", "fct_evaluation"]) in parents


def test_the_dbt_resource_skips_dagster_dbts_adapter():
    # WarehouseDbtCli overrides these dagster-dbt internals; if an upgrade renames them, builds slow down again.
    from dagster_dbt import DbtCliResource

    from pipeline.dbt_manifest import dbt_cli

    assert hasattr(DbtCliResource, "_initialize_dbt_core_adapter") and hasattr(DbtCliResource, "_cli_version")
    assert dbt_cli()._initialize_dbt_core_adapter(["build"]) is None
    assert dbt_cli()._cli_version.major == 1
