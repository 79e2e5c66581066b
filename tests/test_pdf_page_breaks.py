"""Page breaks anywhere, drawn the way each kind of producer draws them, read back exactly.

The city's multi-row initiatives are tall, so its page breaks fall inside them and inside rows. What
a break cuts, producers draw differently (see tests/pdf_fixtures.py): the text of a cut cell split
between the pages, or drawn whole on both and clipped to each part, or a merged cell printed again;
the cut cell's rules at the break drawn or left out. The reader must give back every row, with its
merged cells, for every combination and every break position.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.extract.pdf import read_pdf_sheet
from pipeline.extract.records import Sheet, SheetError
from tests.pdf_fixtures import A3_LANDSCAPE, A4_LANDSCAPE, PdfLayout, write_sheet_pdf

PRODUCERS = {
    "split_open": PdfLayout(cut_text="split", cut_rules=False, header_fill=False),  # a browser
    "split_closed": PdfLayout(cut_text="split", cut_rules=True),
    "clipped_open": PdfLayout(cut_text="clipped", cut_rules=False),  # a spreadsheet program
    "repeated_closed": PdfLayout(cut_text="repeated", cut_rules=True),
}

# A run of the FY2022 sheet with single-row initiatives on either side of two ward initiatives of
# seven rows each (61, 62), whose merged cells are short (61) and tall (62's plan runs long).
FIRST, LAST = 60, 63


@pytest.fixture(scope="module")
def excerpt(fy2022_sheet: Sheet) -> Sheet:
    return replace(fy2022_sheet, rows=tuple(row for row in fy2022_sheet.rows if FIRST <= row.initiative_no <= LAST))


def _positions(sheet: Sheet) -> list[tuple[str, tuple[int, int]]]:
    """Every place a break can fall: before each sub-row after an initiative's first (inside its
    merged cells), and inside every row."""
    keys = [(row.initiative_no, row.sub_row) for row in sheet.rows]
    return [("before", key) for key in keys if key[1] > 1] + [("inside", key) for key in keys]


def _read_back(sheet: Sheet, layout: PdfLayout, path: Path) -> None:
    expected = write_sheet_pdf(path, sheet, layout)
    got = read_pdf_sheet(path, workers=1)
    assert [(r.initiative_no, r.sub_row) for r in got.rows] == [(r.initiative_no, r.sub_row) for r in expected]
    assert got.problems == ()
    for read, wanted in zip(got.rows, expected):
        assert read == wanted, f"No. {wanted.initiative_no} ({wanted.sub_row})"


@pytest.mark.parametrize("producer", PRODUCERS)
def test_a_break_at_any_position_reads_back(excerpt: Sheet, tmp_path: Path, producer: str) -> None:
    positions = _positions(excerpt)
    assert len(positions) == 2 * 15 - 2
    for where, key in positions:
        option = {"break_before": frozenset({key})} if where == "before" else {"split_rows": frozenset({key})}
        _read_back(excerpt, replace(PRODUCERS[producer], **option), tmp_path / f"{where}_{key[0]}_{key[1]}.pdf")


@pytest.mark.parametrize("producer", PRODUCERS)
def test_breaks_inside_rows_and_initiatives_on_every_page_of_the_whole_sheet(fy2022_sheet: Sheet, tmp_path: Path, producer: str) -> None:
    # A4 pages hold a third of an A3 page: breaks fall wherever the rows end, inside initiatives and
    # rows alike, besides a cut row inside a merged initiative (61's fourth ward row).
    layout = replace(PRODUCERS[producer], page_size=A4_LANDSCAPE, split_rows=frozenset({(61, 4), (32, 1)}))
    _read_back(fy2022_sheet, layout, tmp_path / "whole.pdf")


def test_a_break_before_an_initiatives_first_row_needs_no_joining(excerpt: Sheet, tmp_path: Path) -> None:
    layout = replace(PRODUCERS["clipped_open"], page_size=A3_LANDSCAPE, break_before=frozenset({(62, 1)}))
    _read_back(excerpt, layout, tmp_path / "between.pdf")
