"""The Dagster code location loads, and its asset graph is the one the README describes."""

import json
import os
import shutil
import subprocess

from conftest import REPO
from dagster import AssetKey

from pipeline.definitions import defs


def test_definitions_load_with_every_stage():
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {
        "sheet_files",
        "extracted_sheet_rows",
        "raw/sheet_rows",
        "marts/fct_evaluation",
        "marts/dim_initiative",
        "marts/dim_bureau",
        "published_warehouse",
    } <= keys
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


def test_every_dbt_data_test_is_an_asset_check():
    # A test dagster-dbt cannot attach to one asset (a singular test of several parents without a
    # meta.dagster.ref) is logged as an observation, never shown as a check.
    from dagster_dbt.asset_utils import get_asset_check_key_for_test

    from pipeline.assets.transform import translator
    from pipeline.dbt_manifest import dbt_project

    manifest = json.loads(dbt_project.manifest_path.read_text())
    tests = [unique_id for unique_id, node in manifest["nodes"].items() if node["resource_type"] == "test"]
    unattached = [t for t in tests if get_asset_check_key_for_test(manifest, translator, t, dbt_project) is None]
    assert tests and unattached == []
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert {manifest["nodes"][t]["name"] for t in tests} <= checks


def test_the_manifests_freshness_is_its_projects_content(tmp_path):
    from pipeline.dbt_project import project_hash

    project = tmp_path / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    environment = {"KAWASAKI_BUILD_DB": "/a/build.duckdb"}
    before = project_hash(project, environment)
    model = next((project / "models").rglob("*.sql"))
    os.utime(model, (0, 0))  # a checkout or a copy changes times, not contents
    assert project_hash(project, environment) == before
    assert project_hash(project, {"KAWASAKI_BUILD_DB": "/b/build.duckdb"}) != before  # the profile's variable
    seed = next((project / "seeds").rglob("*.csv"))
    seed.write_text(seed.read_text() + "\n")
    assert project_hash(project, environment) != before


def test_the_manifest_describes_the_default_warehouse_whatever_this_process_builds(tmp_path, monkeypatch):
    from pipeline import settings
    from pipeline.dbt_manifest import dbt_project, ensure_manifest

    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(tmp_path / "test_build.duckdb"))
    settings.configure()
    dbt_project.manifest_path.with_name("manifest.sha256").unlink(missing_ok=True)  # parse again
    manifest = json.loads(ensure_manifest().read_text())
    databases = {node["database"] for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    assert databases == {settings.DEFAULT_WAREHOUSE.stem}
    parsed = dbt_project.manifest_path.stat().st_mtime_ns
    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(tmp_path / "another.duckdb"))
    settings.configure()
    ensure_manifest()
    assert dbt_project.manifest_path.stat().st_mtime_ns == parsed  # another warehouse: not parsed again


def test_make_ui_passes_the_port_to_dagster(monkeypatch):
    from pipeline import cli

    made = subprocess.run(
        ["make", "--no-print-directory", "-n", "ui", "PORT=3123"], cwd=REPO, capture_output=True, text=True, check=True
    )
    (line,) = [line for line in made.stdout.splitlines() if " -m pipeline ui" in line]
    command = line.split()
    assert command[-4:] == ["pipeline", "ui", "--port", "3123"]
    started = []
    monkeypatch.setattr(cli.os, "execv", lambda path, argv: started.append(argv))
    cli.main(command[command.index("ui") :])
    assert started[0][1:3] == ["dev", "-m"] and started[0][-2:] == ["--port", "3123"]
