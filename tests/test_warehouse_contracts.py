"""Keys and comments in the published file, as BI tools read them: dbt's model contracts declare each
mart's primary key, not-null columns, foreign keys and allowed values as DuckDB constraints, and
``persist_docs`` writes every mart's and column's description (with its Japanese term) as a comment.
Read back from the warehouse built once for the session, with this project's DuckDB and with a DuckDB
1.x client (``.tools/duckdb1``, made by ``make test``), as drivers still ship it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import duckdb
import pytest
from conftest import REPO

DUCKDB1_PYTHON = REPO / ".tools" / "duckdb1" / "bin" / "python"
MANIFEST = REPO / "dbt_project" / "target" / "manifest.json"

# The marts' keys (docs/warehouse.md, "Marts and their grain").
PRIMARY_KEYS = {
    "dim_achievement_grade": "achievement_code",
    "dim_bureau": "bureau_key",
    "dim_contribution_grade": "contribution_code",
    "dim_fiscal_year": "fiscal_year",
    "dim_initiative": "initiative_year_id",
    "dim_policy_area": "policy_area_id",
    "dim_policy_code": "policy_code",
    "dim_project": "project_key",
    "fct_evaluation": "evaluation_id",
    "fct_kpi_actual": "kpi_actual_id",
    "fct_kpi_target": "kpi_target_id",
    "mart_attainment_trend": "trend_row_id",
    "mart_initiative_crosswalk": "crosswalk_row_id",
    "mart_initiative_history": "history_row_id",
    "mart_initiative_lineage": "lineage_row_id",
    "mart_kpi_attainment": "kpi_target_id",
    "mart_kpi_target_history": "kpi_history_row_id",
    "mart_name_crosswalk": "crosswalk_row_id",
}

# (table, column) → (referenced table, column): how facts join to dimensions.
FOREIGN_KEYS = {
    ("fct_evaluation", "fiscal_year"): ("dim_fiscal_year", "fiscal_year"),
    ("fct_evaluation", "initiative_year_id"): ("dim_initiative", "initiative_year_id"),
    ("fct_evaluation", "project_key"): ("dim_project", "project_key"),
    ("fct_evaluation", "bureau_key"): ("dim_bureau", "bureau_key"),
    ("fct_evaluation", "policy_code"): ("dim_policy_code", "policy_code"),
    ("fct_evaluation", "policy_area_id"): ("dim_policy_area", "policy_area_id"),
    ("fct_evaluation", "achievement_code"): ("dim_achievement_grade", "achievement_code"),
    ("fct_evaluation", "contribution_code"): ("dim_contribution_grade", "contribution_code"),
    ("dim_initiative", "fiscal_year"): ("dim_fiscal_year", "fiscal_year"),
    ("dim_initiative", "policy_area_id"): ("dim_policy_area", "policy_area_id"),
    ("mart_attainment_trend", "fiscal_year"): ("dim_fiscal_year", "fiscal_year"),
    ("mart_initiative_crosswalk", "from_year"): ("dim_fiscal_year", "fiscal_year"),
    ("mart_initiative_crosswalk", "from_initiative_year_id"): ("dim_initiative", "initiative_year_id"),
    ("mart_initiative_crosswalk", "to_initiative_year_id"): ("dim_initiative", "initiative_year_id"),
    ("mart_initiative_history", "fiscal_year"): ("dim_fiscal_year", "fiscal_year"),
    ("mart_initiative_history", "initiative_year_id"): ("dim_initiative", "initiative_year_id"),
    ("mart_initiative_lineage", "ancestor_fiscal_year"): ("dim_fiscal_year", "fiscal_year"),
    ("mart_initiative_lineage", "fiscal_year"): ("dim_fiscal_year", "fiscal_year"),
    ("fct_kpi_target", "fiscal_year"): ("dim_fiscal_year", "fiscal_year"),
    ("fct_kpi_target", "initiative_year_id"): ("dim_initiative", "initiative_year_id"),
    ("fct_kpi_actual", "evaluation_id"): ("fct_evaluation", "evaluation_id"),
    ("fct_kpi_actual", "fiscal_year"): ("dim_fiscal_year", "fiscal_year"),
    ("fct_kpi_actual", "initiative_year_id"): ("dim_initiative", "initiative_year_id"),
    ("mart_kpi_attainment", "initiative_year_id"): ("dim_initiative", "initiative_year_id"),
    ("mart_kpi_attainment", "evaluation_id"): ("fct_evaluation", "evaluation_id"),
    ("mart_kpi_attainment", "kpi_actual_id"): ("fct_kpi_actual", "kpi_actual_id"),
    ("mart_kpi_target_history", "kpi_target_id"): ("fct_kpi_target", "kpi_target_id"),
}

# What a client reads: constraints and comments of schema marts, as plain JSON.
READ_BACK = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({
    "version": duckdb.__version__,
    "constraints": sorted(con.execute('''
        select table_name, constraint_type, constraint_column_names, referenced_table, referenced_column_names
        from duckdb_constraints() where schema_name = 'marts'
    ''').fetchall()),
    "tables": dict(con.execute("select table_name, comment from duckdb_tables() where schema_name = 'marts'").fetchall()),
    "columns": sorted(con.execute('''
        select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'
    ''').fetchall()),
}, ensure_ascii=False, default=list))
"""


def read_back(python: str, warehouse) -> dict:
    out = subprocess.run([python, "-c", READ_BACK, str(warehouse)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def published(built_warehouse) -> dict:
    import sys

    return read_back(sys.executable, built_warehouse)


def keys_of(found: dict, kind: str) -> dict:
    return {
        (table, tuple(columns)): (referenced, tuple(referenced_columns))
        for table, constraint, columns, referenced, referenced_columns in found["constraints"]
        if constraint == kind
    }


def test_every_contracted_mart_declares_its_primary_key(published):
    assert {table: columns for (table, columns) in keys_of(published, "PRIMARY KEY")} == {
        table: (key,) for table, key in PRIMARY_KEYS.items()
    }


def test_facts_declare_their_joins_to_the_dimensions(published):
    found = {
        (table, columns[0]): (referenced, referenced_columns[0])
        for (table, columns), (referenced, referenced_columns) in keys_of(published, "FOREIGN KEY").items()
    }
    assert found == FOREIGN_KEYS
    # Every referenced column is a declared key, so a BI tool can follow each join to one row.
    assert {target for target in FOREIGN_KEYS.values()} <= set(PRIMARY_KEYS.items())


def test_required_columns_grain_and_codes_are_constraints(published):
    not_null = {(table, columns[0]) for table, kind, columns, *_ in published["constraints"] if kind == "NOT NULL"}
    assert {("fct_evaluation", c) for c in ("fiscal_year", "initiative_key", "bureau_key", "achievement_code")} <= not_null
    unique = {(table, tuple(columns)) for table, kind, columns, *_ in published["constraints"] if kind == "UNIQUE"}
    assert ("dim_initiative", ("fiscal_year", "initiative_key")) in unique
    assert ("mart_attainment_trend", ("fiscal_year", "grouping", "group_id")) in unique
    checks = {(table, columns[0]) for table, kind, columns, *_ in published["constraints"] if kind == "CHECK"}
    assert {
        ("fct_evaluation", "achievement_code"),
        ("fct_evaluation", "contribution_code"),
        ("mart_attainment_trend", "grouping"),
        ("dim_bureau", "kind"),
        ("fct_kpi_target", "comparator"),
        ("fct_kpi_actual", "match_status"),
        ("mart_kpi_attainment", "attainment_status"),
    } <= checks
    assert ("fct_kpi_target", ("initiative_year_id", "kpi_no")) in unique
    assert {("fct_kpi_actual", ("kpi_target_id",)), ("mart_kpi_attainment", ("kpi_actual_id",))} <= unique


def test_bi_tools_see_the_keys_in_the_information_schema(built_warehouse):
    """JDBC drivers (DBeaver, Metabase) read keys from information_schema, not duckdb_constraints()."""
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        primary = dict(
            con.execute("""
            select k.table_name, k.column_name
            from information_schema.table_constraints as t
            join information_schema.key_column_usage as k using (constraint_schema, constraint_name)
            where t.table_schema = 'marts' and t.constraint_type = 'PRIMARY KEY'
        """).fetchall()
        )
        references = con.execute("""
            select count(*) from information_schema.referential_constraints where constraint_schema = 'marts'
        """).fetchone()[0]
    assert primary == PRIMARY_KEYS
    assert references == len(FOREIGN_KEYS)


def test_the_constraints_are_enforced(built_warehouse, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(built_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        with pytest.raises(duckdb.ConstraintException):  # a second row with an existing key
            con.execute("insert into marts.dim_bureau select * from marts.dim_bureau limit 1")
        with pytest.raises(duckdb.ConstraintException):  # a fact pointing at no bureau
            con.execute(
                "insert into marts.fct_evaluation select * replace ('2022-999-1' as evaluation_id, "
                "'nowhere' as bureau_key) from marts.fct_evaluation limit 1"
            )
        with pytest.raises(duckdb.ConstraintException):  # a grouping outside its values
            con.execute("update marts.mart_attainment_trend set grouping = 'ward' where grouping = 'bureau'")


def test_every_mart_and_column_carries_its_description_as_a_comment(published):
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    models = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    assert set(published["tables"]) == set(models)
    japanese = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
    for table, comment in published["tables"].items():
        assert comment and comment.strip() == models[table]["description"].strip(), table
        assert japanese.search(comment), table
    for table, column, comment in published["columns"]:
        assert comment and comment.strip() == models[table]["columns"][column]["description"].strip(), (table, column)
        assert japanese.search(comment), (table, column)


def test_a_duckdb_1x_client_reads_the_same_keys_and_comments(built_warehouse, published):
    """The file is written in the v1.0.0 storage format; its constraints and comments survive it."""
    assert DUCKDB1_PYTHON.exists(), "run `make test` (it creates .tools/duckdb1, a DuckDB 1.x environment)"
    old = read_back(str(DUCKDB1_PYTHON), built_warehouse)
    assert old["version"].startswith("1.")
    assert old["constraints"] == published["constraints"]
    assert old["tables"] == published["tables"] and old["columns"] == published["columns"]
