"""dbt in the build's own process, from the project parsed once: no build parses it again, the file
it builds opens under any name, and the build says where its time went."""

import json
import shutil

import duckdb

from pipeline import settings


def test_the_parsed_project_builds_run_from_is_the_manifest_dagster_loads():
    from pipeline.dbt_build import load_parsed_project
    from pipeline.dbt_manifest import dbt_project, ensure_manifest

    ensure_manifest()
    parsed, stamp = load_parsed_project()
    assert stamp == dbt_project.manifest_path.with_name("manifest.sha256").read_text()
    manifest = json.loads(dbt_project.manifest_path.read_text())
    assert set(parsed.nodes) == set(manifest["nodes"])
    # Every build file has the catalog the parse names, whatever the warehouse is called.
    models = [node for node in parsed.nodes.values() if node.resource_type == "model"]
    assert {node.database for node in models} == {settings.BUILD_CATALOG}
    assert settings.build_path_of(settings.DEFAULT_WAREHOUSE.with_name("other.duckdb")).stem == settings.BUILD_CATALOG


def test_a_build_does_not_parse_the_project(built_warehouse):
    log = (built_warehouse.parent / ".build" / f"{built_warehouse.stem}.dbt" / "dbt.log").read_text()
    assert "Running with dbt=" in log and "Completed successfully" in log
    assert "partial parsing" not in log.lower() and "Starting full parse" not in log


def test_the_published_files_views_work_under_another_name(built_warehouse, tmp_path):
    renamed = tmp_path / "renamed.duckdb"
    shutil.copyfile(built_warehouse, renamed)
    with duckdb.connect(str(renamed), read_only=True) as con:
        views = con.execute("select schema_name, view_name from duckdb_views() where not internal").fetchall()
        assert views
        for schema, view in views:
            con.execute(f"select count(*) from {schema}.{view}").fetchone()
        assert con.execute("select count(*) from marts.fct_evaluation").fetchone() == (127,)


def test_a_build_keeps_its_time_per_stage(built_warehouse):
    record = json.loads((built_warehouse.parent / ".build" / f"{built_warehouse.stem}.timings.json").read_text())
    stages = record["stages"]
    for stage in (
        "Python start-up",
        "Dagster import and definitions load",
        "extraction",
        "landing",
        "dbt start-up",
        "dbt nodes",
        "metadata pass",
        "Dagster recording dbt's materialisations",
        "publish",
        "report",
        "exports",
        "Dagster runs",
    ):
        assert any(name.startswith(stage) for name in stages), stage
    assert abs(sum(stages.values()) - record["total_s"]) < 0.01 * len(stages)
    assert {"dbt models", "dbt seeds", "dbt tests", "Dagster recording dbt's check results"} <= set(record["details"])
