"""The PDFs and the text export of the FY2022 sheet build the same warehouse.

The FY2022 PDFs (tests/fixtures/, rendered by a spreadsheet program and by a browser, with page
breaks between and inside initiatives and inside a row) wrap their cells at other widths than the
city's export and lost a few of its line breaks; both readers give the cells' logical lines and the
KPI parser reads targets wherever the line breaks fall, so every mart is the same — strings compared
without white space, the source_* columns aside.

A build is the slowest thing a test can do, so one PDF per producer is built. A producer lays out
and wraps its cells the same way whatever its page breaks, so its other PDFs must give exactly the
same rows (line breaks included) as the one built: the build is then the same too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, FY2022_TEXT, REPO, comparable, run_pipeline

from pipeline.extract import read_sheet

# The PDF built for each producer, and its others that must read to exactly the same rows.
BUILT = {"calc": "r04_sheet_calc.pdf", "chromium": "r04_sheet_chromium_splits.pdf"}
SAME_ROWS = {
    "r04_sheet_calc_splits.pdf": "r04_sheet_calc.pdf",
    "r04_sheet_chromium_rowsplit.pdf": "r04_sheet_chromium_splits.pdf",
}


@pytest.fixture(scope="module", params=sorted(BUILT))
def pdf_warehouse(request, tmp_path_factory) -> Path:
    """The warehouse built by ``python -m pipeline build`` from a raw/ holding only one producer's PDF.

    Its run history goes to a Dagster instance of its own: tests that read the latest materialisation
    in the shared ``dagster_home`` (tests/test_report.py) expect the build of ``built_warehouse``."""
    pdf = FIXTURES / BUILT[request.param]
    raw = tmp_path_factory.mktemp("raw_pdf")
    shutil.copy(pdf, raw / pdf.name)
    home = tmp_path_factory.mktemp("dagster_home_pdf")
    (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    target = tmp_path_factory.mktemp("pdf_warehouse") / "kawasaki_policy.duckdb"
    run_pipeline("build", "--raw-dir", str(raw), "--warehouse", str(target), env={"DAGSTER_HOME": str(home)})
    return target


def marts(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table of the marts schema: its columns but source_*, and its rows in a fixed order."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            name
            for (name,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()
        ]
        out = {}
        for table in tables:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ? order by column_index",
                    [table],
                ).fetchall()
                if not name.startswith("source_")
            ]
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
            differences[table] = {
                "columns": (columns, pdf_columns) if pdf_columns != columns else None,
                "text only": only_text[:3],
                "pdf only": only_pdf[:3],
            }
    assert differences == {}


def test_the_pdf_warehouse_reads_the_pdf(pdf_warehouse: Path) -> None:
    con = duckdb.connect(str(pdf_warehouse), read_only=True)
    try:
        (source_file,) = con.execute("select distinct source_file from marts.fct_evaluation").fetchone()
        assert source_file in BUILT.values()
        assert con.execute("select count(*) from marts.fct_evaluation where source_page is null").fetchone() == (0,)
        assert con.execute("select count(*) from marts.fct_kpi_target").fetchone() == (47,)
    finally:
        con.close()


def _rows(path: Path) -> list[dict]:
    return [{k: v for k, v in row.to_dict().items() if k not in ("source_file", "source_page")} for row in read_sheet(path).rows]


@pytest.mark.parametrize("name", sorted(SAME_ROWS))
def test_a_producers_pdfs_give_the_same_rows_whatever_their_page_breaks(name: str) -> None:
    assert _rows(FIXTURES / name) == _rows(FIXTURES / SAME_ROWS[name])


@pytest.mark.parametrize("name", sorted([*BUILT.values(), *SAME_ROWS]))
def test_every_pdf_gives_the_text_exports_rows(name: str) -> None:
    text = [{k: comparable(v) for k, v in row.items()} for row in _rows(FY2022_TEXT)]
    pdf = [{k: comparable(v) for k, v in row.items()} for row in _rows(FIXTURES / name)]
    assert len(pdf) == len(text) == 127
    assert [(row["initiative_no"], row["sub_row"]) for row in pdf] == [(row["initiative_no"], row["sub_row"]) for row in text]
    assert [{k: v for k, v in p.items() if p[k] != t[k]} for p, t in zip(pdf, text)] == [{}] * 127
