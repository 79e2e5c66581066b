"""The FY2022 sheet printed by a real browser (headless Chromium) at other page sizes, alignments
and fonts: page breaks fall wherever the browser puts them, inside rows and merged cells alike, and
every row reads back as the text export has it."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from conftest import comparable

from pipeline.extract.pdf import read_pdf_sheet
from pipeline.extract.pdf.page import GridRow, read_page
from pipeline.extract.records import Sheet
from tests.html_fixtures import BrowserLayout, write_browser_pdf

LAYOUTS = {
    "b4_middle_mincho": BrowserLayout(page="B4 landscape", vertical_align="middle", font="IPAexMincho"),
    "a4_top_gothic": BrowserLayout(page="A4 landscape", vertical_align="top", font="IPAexGothic"),
    # A break where the browser prints a cut cell's line across the table's bottom rule.
    "a3_wide_220mm_middle_gothic": BrowserLayout(page="420mm 220mm", vertical_align="middle", font="IPAexGothic"),
}


def _fields(sheet: Sheet) -> list[dict]:
    return [{k: comparable(v) for k, v in row.to_dict().items() if k not in ("source_file", "source_page")} for row in sheet.rows]


@pytest.mark.parametrize("name", LAYOUTS)
def test_a_browsers_pdf_reads_back_as_the_text_export(fy2022_sheet: Sheet, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.pdf"
    write_browser_pdf(path, fy2022_sheet, LAYOUTS[name])
    sheet = read_pdf_sheet(path)
    assert sheet.problems == ()
    got, want = _fields(sheet), _fields(fy2022_sheet)
    assert [(r["initiative_no"], r["sub_row"]) for r in got] == [(r["initiative_no"], r["sub_row"]) for r in want]
    assert [{k: v for k, v in g.items() if v != w[k]} for g, w in zip(got, want)] == [{}] * len(want)
    # The browser did break inside rows or merged cells: pages that start with no number of their own.
    with pdfplumber.open(path) as pdf:
        firsts = [next((row for row in read_page(page, path.name).rows if isinstance(row, GridRow)), None) for page in pdf.pages]
    assert sum(1 for row in firsts if row is not None and not "".join(row.cells["initiative_no"].lines).strip()) >= 2
