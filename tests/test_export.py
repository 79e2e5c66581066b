"""``python -m pipeline export --format parquet DIR``: every mart as Parquet, read back, with its README."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import run_pipeline

from pipeline.export import README_TITLE, export_marts


def marts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [n for (n,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()]
        return {name: con.execute(f'select count(*) from marts."{name}"').fetchone()[0] for name in names}


def columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in con.execute(f"describe select * from {relation}").fetchall()]


@pytest.fixture(scope="module")
def exported(built_warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("parquet")
    result = run_pipeline("export", "--warehouse", str(built_warehouse), "--format", "parquet", str(out))
    assert f"to {out}" in result.stdout
    return out


def test_every_mart_reads_back_with_its_rows_and_columns(built_warehouse, exported):
    tables = marts(built_warehouse)
    assert {"fct_evaluation", "dim_initiative", "mart_attainment_trend", "mart_kpi_attainment"} <= set(tables)
    assert sorted(p.stem for p in exported.glob("*.parquet")) == sorted(tables)
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        for name, rows in tables.items():
            parquet = f"read_parquet('{exported / (name + '.parquet')}')"
            assert con.execute(f"select count(*) from {parquet}").fetchone()[0] == rows, name
            assert columns(con, parquet) == columns(con, f'marts."{name}"'), name
        # Values survive, Japanese text and decimals included.
        assert con.execute(f"""
            select count(*) from (
                select * from marts.fct_evaluation
                except select * from read_parquet('{exported / "fct_evaluation.parquet"}')
            )
        """).fetchone()[0] == 0
        assert con.execute(f"""
            select count(*) from (
                select * from marts.mart_kpi_attainment
                except select * from read_parquet('{exported / "mart_kpi_attainment.parquet"}')
            )
        """).fetchone()[0] == 0


def test_readme_describes_every_table_and_column(built_warehouse, exported):
    readme = (exported / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(README_TITLE)
    assert "dbt's docs" in readme  # the build did not persist comments: descriptions from the manifest
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        for name, rows in marts(built_warehouse).items():
            assert f"| [`{name}.parquet`](#{name}) | {rows} |" in readme, name
            section = readme.split(f"\n## {name}\n")[1].split("\n## ")[0]
            assert "(no description)" not in section, name  # the grain, from the model's description
            for column, data_type in columns(con, f'marts."{name}"'):
                line = re.search(rf"^\| `{column}` \| {re.escape(data_type)} \| (.*) \|$", section, re.M)
                assert line, f"{name}.{column} missing from the README"
                assert line.group(1).strip(), f"{name}.{column} has no description"
    assert "| `initiative_key` | VARCHAR | Stable key of the initiative across years (取組の識別キー). |" in readme


def test_descriptions_come_from_duckdb_comments_when_dbt_persisted_them(built_warehouse, tmp_path):
    path = tmp_path / "commented.duckdb"
    shutil.copyfile(built_warehouse, path)
    with duckdb.connect(str(path)) as con:
        con.execute("comment on table marts.dim_bureau is 'One row per bureau (from a comment).'")
        con.execute("comment on column marts.dim_bureau.name_en is 'English name (from a comment).'")
    export = export_marts(path, tmp_path / "out")
    readme = export.readme.read_text(encoding="utf-8")
    assert export.descriptions_from.startswith("DuckDB comments")
    assert "| `name_en` | VARCHAR | English name (from a comment). |" in readme
    assert "One row per bureau (from a comment)." in readme


def test_a_second_export_replaces_the_first_and_removes_stale_tables(built_warehouse, tmp_path):
    out = tmp_path / "out"
    export_marts(built_warehouse, out)
    (out / "mart_renamed_since.parquet").write_bytes(b"stale")
    (out / "notes.txt").write_text("an analyst's file")
    export = export_marts(built_warehouse, out)
    assert export.removed == ("mart_renamed_since.parquet",)
    assert (out / "notes.txt").exists()
    assert not list(out.glob(".*.tmp"))
    # A folder that is not an export of ours keeps its Parquet files.
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "README.md").write_text("# Someone else's data\n")
    (foreign / "theirs.parquet").write_bytes(b"x")
    assert export_marts(built_warehouse, foreign).removed == ()
    assert (foreign / "theirs.parquet").exists()


def test_build_writes_the_export_beside_the_warehouse(built_warehouse):
    """The parquet_export asset runs in every build (``make run``)."""
    out = built_warehouse.parent / "parquet"
    assert (out / "README.md").is_file()
    assert sorted(p.stem for p in out.glob("*.parquet")) == sorted(marts(built_warehouse))


def test_cli_errors(tmp_path):
    missing = run_pipeline("export", "--warehouse", str(tmp_path / "none.duckdb"), str(tmp_path / "out"), check=False)
    assert missing.returncode == 1
    assert len(missing.stderr.strip().splitlines()) == 1 and "none.duckdb" in missing.stderr
    csv = run_pipeline("export", "--format", "csv", str(tmp_path / "out"), check=False)
    assert csv.returncode == 2 and "invalid choice: 'csv'" in csv.stderr
