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


WARM_UP = """
import json, sys, threading
from pathlib import Path
import pipeline.dbt_build as worker
from dbt_common.clients.jinja import template_cache
worker.MACROS_USED = Path(sys.argv[3])
project, _ = worker.load_parsed_project()
until = threading.Event()
if sys.argv[1] == "stopped":
    until.set()
worker._warm_up(project, worker._options(sys.argv[2]), until)
compiled = [m.unique_id for m in project.macros.values() if m.macro_sql in template_cache.file_cache]
print(json.dumps({"compiled": compiled, "project": project.metadata.project_name}))
"""


def _warm_up(tmp_path, mode: str, recorded: list[str] | None = None) -> dict:
    import os
    import subprocess
    import sys

    from pipeline.dbt_manifest import ensure_manifest

    ensure_manifest()
    record = tmp_path / "macros_used.json"
    if recorded is not None:
        record.write_text(json.dumps(recorded))
    env = {
        **os.environ,
        settings.BUILD_DB_ENV: str(tmp_path / "build" / "kawasaki_policy.duckdb"),
        "PYTHONPATH": str(settings.REPO_ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", WARM_UP, mode, str(tmp_path / "target"), str(record)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_the_worker_warms_dbt_up_without_touching_the_build_file(tmp_path):
    warmed = _warm_up(tmp_path, "running")
    packages = {unique_id.split(".")[1] for unique_id in warmed["compiled"]}
    assert packages == {warmed["project"], "dbt_duckdb"}  # before any build recorded what it used
    assert not (tmp_path / "build").exists()  # the landing creates it, later


def test_the_warm_up_compiles_the_macros_the_last_build_recorded(tmp_path):
    recorded = ["macro.dbt.materialization_test_default", "macro.dbt_duckdb.materialization_table_duckdb"]
    assert sorted(_warm_up(tmp_path, "running", recorded)["compiled"]) == recorded


def test_the_warm_up_stops_compiling_once_the_command_has_arrived(tmp_path):
    assert _warm_up(tmp_path, "stopped")["compiled"] == []


def test_a_build_records_the_macros_it_compiled(built_warehouse):
    from pipeline.dbt_build import MACROS_USED

    recorded = set(json.loads(MACROS_USED.read_text()))
    assert {"macro.dbt_duckdb.materialization_table_duckdb", "macro.dbt.materialization_view_default"} <= recorded


def test_dbts_own_log_keeps_the_nodes_and_leaves_the_statements_out(built_warehouse):
    log = (built_warehouse.parent / ".build" / f"{built_warehouse.stem}.dbt" / "dbt.log").read_text()
    assert "OK created sql table model marts.fct_evaluation" in log
    assert "[debug]" not in log and "create  table" not in log
