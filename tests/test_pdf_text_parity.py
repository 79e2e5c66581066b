"""The PDF and the text export of the FY2022 sheet build the same warehouse (issue 3, "done when").

The FY2022 PDF (tests/fixtures/r04_sheet_calc.pdf, re-rendered by a spreadsheet program) wraps
its cells at other widths than the city's export and lost a few of its line breaks; both readers
give the cells' logical lines and the KPI parser reads targets wherever the line breaks fall, so
every mart is the same — strings compared without white space, the source_* columns aside.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import FY2022_PDF, REPO, run_pipeline


@pytest.fixture(scope="module")
def pdf_warehouse(tmp_path_factory) -> Path:
    """The warehouse built by ``python -m pipeline build`` from a raw/ holding only the shared PDF.

    Its run history goes to a Dagster instance of its own: tests that read the latest materialisation
    in the shared ``dagster_home`` (tests/test_report.py) expect the build of ``built_warehouse``."""
    raw = tmp_path_factory.mktemp("raw_pdf")
    shutil.copy(FY2022_PDF, raw / FY2022_PDF.name)
    home = tmp_path_factory.mktemp("dagster_home_pdf")
    (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    target = tmp_path_factory.mktemp("pdf_warehouse") / "kawasaki_policy.duckdb"
    run_pipeline("build", "--raw-dir", str(raw), "--warehouse", str(target), env={"DAGSTER_HOME": str(home)})
    return target


def comparable(value: object) -> object:
    """A value as compared: strings without white space, inside lists and structs too."""
    if isinstance(value, str):
        return re.sub(r"\s+", "", value)
    if isinstance(value, (list, tuple)):
        return tuple(comparable(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, comparable(item)) for key, item in value.items())
    return value


def marts(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table of the marts schema: its columns but source_*, and its rows in a fixed order."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [name for (name,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]
        out = {}
        for table in tables:
            columns = [name for (name,) in con.execute(
                "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ? order by column_index",
                [table],
            ).fetchall() if not name.startswith("source_")]
            rows = con.execute(f'select {", ".join(columns)} from marts."{table}"').fetchall()
            out[table] = (columns, sorted((comparable(row) for row in rows), key=repr))
        return out
    finally:
        con.close()


def test_the_pdf_builds_the_same_warehouse_as_the_text_export(built_warehouse: Path, pdf_warehouse: Path) -> None:
    text, pdf = marts(built_warehouse), marts(pdf_warehouse)
    assert sorted(pdf) == sorted(text)
    assert {"fct_evaluation", "fct_kpi_target", "fct_kpi_actual", "mart_kpi_attainment"} <= set(text)
    differences = {}
    for table, (columns, rows) in text.items():
        pdf_columns, pdf_rows = pdf[table]
        if (pdf_columns, pdf_rows) != (columns, rows):
            only_text = [row for row in rows if row not in pdf_rows]
            only_pdf = [row for row in pdf_rows if row not in rows]
            differences[table] = {"columns": (columns, pdf_columns) if pdf_columns != columns else None,
                                  "text only": only_text[:3], "pdf only": only_pdf[:3]}
    assert differences == {}


def test_the_pdf_warehouse_reads_the_pdf(pdf_warehouse: Path) -> None:
    con = duckdb.connect(str(pdf_warehouse), read_only=True)
    try:
        assert con.execute("select distinct source_file from marts.fct_evaluation").fetchall() == [(FY2022_PDF.name,)]
        assert con.execute("select count(*) from marts.fct_evaluation where source_page is null").fetchone() == (0,)
        assert con.execute("select count(*) from marts.fct_kpi_target").fetchone() == (47,)
    finally:
        con.close()
