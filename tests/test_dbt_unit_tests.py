"""dbt's unit tests (the KPI parser, the matching rules, the trend's changes), run against a copy of
a built warehouse: builds leave them out, as they check the SQL's logic rather than the data."""

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_every_dbt_unit_test_passes(built_warehouse, tmp_path):
    copy = tmp_path / "unit.duckdb"
    copy.write_bytes(built_warehouse.read_bytes())
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "test",
            "--select",
            "test_type:unit",
            "--target-path",
            str(tmp_path / "target"),
        ],
        cwd=REPO / "dbt_project",
        env={**os.environ, "KAWASAKI_BUILD_DB": str(copy)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) >= 15 and all(r["status"] == "pass" for r in unit_tests)
