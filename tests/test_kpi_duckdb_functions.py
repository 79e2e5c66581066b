"""The KPI grammar as DuckDB functions: what the dbt models call is the Python the other tests test."""

from __future__ import annotations

import json
from dataclasses import asdict

import duckdb
import pytest
import yaml
from conftest import REPO

from pipeline.kpi.dbt_plugin import Plugin
from pipeline.kpi.duckdb_functions import FUNCTIONS, register
from pipeline.kpi.statements import parse_figures
from pipeline.kpi.targets import parse_targets

PLAN = "●相談窓口の運営\n・生活相談の実施\n相談件数：2,720件以上\n●交流会の開催（参加者数：300人）"
RESULTS = "相談件数が3,314件と大幅に増加しました。交流会には約280名が来場しました。"


@pytest.fixture
def con():
    connection = duckdb.connect()
    register(connection)
    yield connection
    connection.close()


def test_targets_as_the_python_parses_them(con):
    rows = con.execute("select unnest(kpi_plan_targets(?, ['参加者数']))", [PLAN]).fetchall()
    assert [row[0] for row in rows] == [asdict(t) for t in parse_targets(PLAN, ["参加者数"])]
    assert con.execute("select kpi_plan_metrics(?)", [PLAN]).fetchone() == (["参加者数", "相談件数"],)


def test_figures_as_the_python_reads_them(con):
    [(figures,)] = con.execute("select kpi_result_figures(?)", [RESULTS]).fetchall()
    assert [(f["statement_no"], f["actual_value"], f["actual_unit"]) for f in figures] == [
        (f.statement_no, f.value, f.unit) for f in parse_figures(RESULTS)
    ]
    assert figures[1]["is_approximate"] and figures[0]["metric_key"] == "相談件数"


def test_match_takes_targets_and_rows_as_json(con):
    targets = json.dumps(
        [
            {"kpi_no": 1, "metric": "相談件数", "target_value": 2720, "unit": "件", "comparator": ">="},
            {"kpi_no": 2, "metric": "参加者数", "target_value": 300, "unit": "人", "comparator": "="},
        ]
    )
    rows = json.dumps([{"sub_row": 1, "achievement_code": 3, "results": RESULTS}])
    outcomes = con.execute("select unnest(kpi_match(?, ?))", [targets, rows]).fetchall()
    assert [(o["kpi_no"], o["statement_no"], o["match_rule"], o["is_met"]) for (o,) in outcomes] == [
        (1, 1, "metric", True),
        (2, 2, "synonym", False),
    ]


def test_an_empty_cell_gives_null(con):
    assert con.execute("select kpi_result_figures(null), kpi_plan_targets(null, [])").fetchone() == (None, None)


def test_the_dbt_plugin_registers_every_function():
    connection = duckdb.connect()
    Plugin("dbt_plugin", {}).configure_connection(connection)
    names = {name for (name,) in connection.execute("select function_name from duckdb_functions()").fetchall()}
    assert set(FUNCTIONS) <= names


def test_the_profile_loads_the_plugin_from_the_repository_root():
    output = yaml.safe_load((REPO / "dbt_project" / "profiles.yml").read_text())["kawasaki_policy"]["outputs"]["build"]
    assert output["plugins"] == [{"module": "pipeline.kpi.dbt_plugin"}]
    assert [(REPO / "dbt_project" / path).resolve() for path in output["module_paths"]] == [REPO]
