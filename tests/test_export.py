"""``python -m pipeline export --format parquet|csv DIR``: every mart as Parquet and as CSV for Excel,
read back, with its README."""

from __future__ import annotations

import codecs
import csv
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import run_pipeline

from pipeline.export import FORMATS, export_marts


def marts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [
            n
            for (n,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        return {name: con.execute(f'select count(*) from marts."{name}"').fetchone()[0] for name in names}


def columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in con.execute(f"describe select * from {relation}").fetchall()]


@pytest.fixture(scope="module")
def exported(built_warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("parquet")
    result = run_pipeline("export", "--warehouse", str(built_warehouse), "--format", "parquet", str(out))
    assert f"to {out}" in result.stdout
    return out


@pytest.fixture(scope="module")
def exported_csv(built_warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("csv")
    result = run_pipeline("export", "--warehouse", str(built_warehouse), "--format", "csv", str(out))
    assert "as csv" in result.stdout and f"to {out}" in result.stdout
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
        assert (
            con.execute(f"""
            select count(*) from (
                select * from marts.fct_evaluation
                except select * from read_parquet('{exported / "fct_evaluation.parquet"}')
            )
        """).fetchone()[0]
            == 0
        )
        assert (
            con.execute(f"""
            select count(*) from (
                select * from marts.mart_kpi_attainment
                except select * from read_parquet('{exported / "mart_kpi_attainment.parquet"}')
            )
        """).fetchone()[0]
            == 0
        )


def test_every_mart_reads_back_from_csv_with_a_byte_order_mark(built_warehouse, exported_csv):
    tables = marts(built_warehouse)
    assert sorted(p.stem for p in exported_csv.glob("*.csv")) == sorted(tables)
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        for name, rows in tables.items():
            path = exported_csv / f"{name}.csv"
            raw = path.read_bytes()
            # UTF-8 with a BOM, which is what makes Excel read it as UTF-8; the BOM once, at the start.
            assert raw.startswith(codecs.BOM_UTF8) and raw.count(codecs.BOM_UTF8) == 1, name
            with open(path, encoding="utf-8-sig", newline="") as handle:
                header, *records = list(csv.reader(handle))
            described = columns(con, f'marts."{name}"')
            assert header == [column for column, _ in described], name
            assert len(records) == rows, name
            # Every value as the warehouse has it, read back with the warehouse's column types.
            types = "{" + ", ".join(f"'{column}': '{data_type}'" for column, data_type in described) + "}"
            relation = f"read_csv('{path}', header = true, auto_detect = false, columns = {types})"
            for left, right in ((f'marts."{name}"', relation), (relation, f'marts."{name}"')):
                assert (
                    con.execute(f"select count(*) from (select * from {left} except all select * from {right})").fetchone()[0]
                    == 0
                ), name
    text = (exported_csv / "fct_evaluation.csv").read_text(encoding="utf-8-sig")
    assert "国際戦略拠点活性化推進事業" in text and "臨海部国際戦略本部" in text  # Japanese as printed


def test_readme_describes_every_table_and_column(built_warehouse, exported):
    readme = (exported / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(FORMATS["parquet"].readme_title + "\n")
    assert "Descriptions: DuckDB comments" in readme  # dbt persisted them (persist_docs)
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
    assert "the same tables as CSV (`--format csv`, `csv/` beside the warehouse)" in readme


def test_the_csv_readme_lists_the_csv_files_and_names_both_formats(built_warehouse, exported_csv):
    readme = (exported_csv / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(FORMATS["csv"].readme_title + "\n")
    for name, rows in marts(built_warehouse).items():
        assert f"| [`{name}.csv`](#{name}) | {rows} |" in readme, name
    assert ".parquet`" not in readme
    assert "the same tables as Parquet (`--format parquet`, `parquet/` beside the warehouse)" in readme
    assert "byte-order mark" in readme and "Excel" in readme


def test_descriptions_come_from_the_dbt_manifest_when_the_file_has_no_comments(built_warehouse, tmp_path):
    path = tmp_path / "uncommented.duckdb"
    shutil.copyfile(built_warehouse, path)
    with duckdb.connect(str(path)) as con:
        for table, column in con.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = 'marts' and comment is not null"
        ).fetchall():
            con.execute(f'comment on column marts."{table}"."{column}" is null')
        for (table,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' and comment is not null"
        ).fetchall():
            con.execute(f'comment on table marts."{table}" is null')
    export = export_marts(path, tmp_path / "out")
    readme = export.readme.read_text(encoding="utf-8")
    assert export.descriptions_from.startswith("dbt's docs")
    assert "| `initiative_key` | VARCHAR | Stable key of the initiative across years (取組の識別キー). |" in readme


def test_a_second_export_replaces_the_first_and_removes_stale_tables(built_warehouse, tmp_path):
    out = tmp_path / "out"
    export_marts(built_warehouse, out)
    (out / "mart_renamed_since.parquet").write_bytes(b"stale")
    (out / "notes.txt").write_text("an analyst's file")
    export = export_marts(built_warehouse, out)
    assert export.removed == ("mart_renamed_since.parquet",)
    assert (out / "notes.txt").exists()
    assert not list(out.glob(".*.tmp"))
    # A CSV export removes stale CSV files of its own, and nothing of another format.
    csv_out = tmp_path / "csv"
    export_marts(built_warehouse, csv_out, "csv")
    (csv_out / "mart_renamed_since.csv").write_bytes(b"stale")
    (csv_out / "mart_renamed_since.parquet").write_bytes(b"not ours to remove")
    assert export_marts(built_warehouse, csv_out, "csv").removed == ("mart_renamed_since.csv",)
    assert (csv_out / "mart_renamed_since.parquet").exists()
    assert not list(csv_out.glob(".*.tmp")) and not list(csv_out.glob(".*.copy"))
    # A folder that is not an export of ours keeps its Parquet files.
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "README.md").write_text("# Someone else's data\n")
    (foreign / "theirs.parquet").write_bytes(b"x")
    assert export_marts(built_warehouse, foreign).removed == ()
    assert (foreign / "theirs.parquet").exists()


def test_build_writes_both_exports_beside_the_warehouse(built_warehouse):
    """The parquet_export and csv_export assets run in every build (``make run``)."""
    for fmt in ("parquet", "csv"):
        out = built_warehouse.parent / fmt
        assert (out / "README.md").read_text(encoding="utf-8").startswith(FORMATS[fmt].readme_title + "\n")
        assert sorted(p.stem for p in out.glob(f"*.{fmt}")) == sorted(marts(built_warehouse))


def test_cli_errors(tmp_path):
    missing = run_pipeline("export", "--warehouse", str(tmp_path / "none.duckdb"), str(tmp_path / "out"), check=False)
    assert missing.returncode == 1
    assert len(missing.stderr.strip().splitlines()) == 1 and "none.duckdb" in missing.stderr
    xlsx = run_pipeline("export", "--format", "xlsx", str(tmp_path / "out"), check=False)
    assert xlsx.returncode == 2 and "invalid choice: 'xlsx'" in xlsx.stderr
