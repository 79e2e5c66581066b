"""``python -m pipeline docs`` (``make docs``): dbt's docs of the published warehouse as one offline page,
generated read-only from the file, with a catalog of every model, seed and source, and exposures that
carry the lineage to the report and the exports."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_pipeline
from PIL import Image
from test_report import chromium_screenshot, coloured, ink

from pipeline.report import data as report_data

DBT = str(Path(sys.executable).parent / "dbt")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def docs(built_warehouse) -> dict:
    before = sha256(built_warehouse)
    files_before = {p.name for p in built_warehouse.parent.iterdir()}
    result = run_pipeline("docs", "--warehouse", str(built_warehouse))
    out = built_warehouse.parent / "docs"
    assert f"wrote {out / 'index.html'}" in result.stdout
    return {
        "out": out,
        "unchanged": sha256(built_warehouse) == before,
        "new_files": {p.name for p in built_warehouse.parent.iterdir()} - files_before,
        "catalog": json.loads((out / "catalog.json").read_text(encoding="utf-8")),
        "manifest": json.loads((out / "manifest.json").read_text(encoding="utf-8")),
    }


def test_docs_are_one_page_beside_the_warehouse_which_they_leave_as_it_was(docs):
    assert sorted(p.name for p in docs["out"].iterdir()) == ["catalog.json", "index.html", "manifest.json"]
    assert docs["unchanged"], "the warehouse file changed"
    assert docs["new_files"] <= {"docs"}, docs["new_files"]  # no .wal, no second database


def test_the_catalog_holds_every_model_seed_and_source(docs):
    manifest, catalog = docs["manifest"], docs["catalog"]
    models = {uid for uid, n in manifest["nodes"].items() if n["resource_type"] in ("model", "seed")}
    assert len(models) > 30 and {"model.kawasaki_policy.fct_evaluation", "seed.kawasaki_policy.bureaus"} <= models
    assert models <= set(catalog["nodes"])
    assert manifest["sources"] and set(manifest["sources"]) <= set(catalog["sources"])
    evaluation = catalog["nodes"]["model.kawasaki_policy.fct_evaluation"]
    assert evaluation["metadata"]["schema"] == "marts"
    assert evaluation["columns"]["bureau_key"]["type"] == "VARCHAR"
    assert "担当局" in evaluation["columns"]["bureau_key"]["comment"]  # persisted from the YAML


def test_the_page_is_static_and_opens_offline(docs, tmp_path):
    html = (docs["out"] / "index.html").read_text(encoding="utf-8")
    # dbt's static page carries the manifest and the catalog inside: nothing is fetched, not even beside it.
    assert 'manifest:{"metadata": {"dbt_schema_version"' in html
    assert 'catalog:{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/' in html
    png = tmp_path / "docs.png"
    requests = chromium_screenshot(
        docs["out"] / "index.html", png, 1280, 900, fragment="#!/model/model.kawasaki_policy.fct_evaluation", wait_ms=5000
    )
    assert requests == []
    image = Image.open(png)
    assert ink(image) > 20000, "dbt's page did not render"
    assert coloured(image) > 500, "no dbt logo or links drawn"


def test_exposures_name_what_the_report_and_the_exports_read(docs):
    manifest = docs["manifest"]
    marts = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"}
    exposures = {e["name"]: {uid.split(".")[-1] for uid in e["depends_on"]["nodes"]} for e in manifest["exposures"].values()}
    source = Path(report_data.__file__).read_text(encoding="utf-8")
    read_by_report = set(re.findall(r"\bmarts\.(\w+)", source)) | {report_data.CROSSWALK_TABLE}
    assert exposures == {"html_report": read_by_report, "mart_exports": marts}


def test_a_missing_warehouse_is_an_error_and_no_file_appears(tmp_path):
    missing = tmp_path / "none.duckdb"
    result = run_pipeline("docs", "--warehouse", str(missing), check=False)
    assert result.returncode == 1 and "none.duckdb" in result.stderr
    # The profile's docs target itself never creates the file it is pointed at.
    dbt = subprocess.run(
        [DBT, "docs", "generate", "--target", "docs", "--target-path", str(tmp_path / "target")],
        cwd=REPO / "dbt_project",
        env={**os.environ, "KAWASAKI_WAREHOUSE": str(missing)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert dbt.returncode != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target"]
