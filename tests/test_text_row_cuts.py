"""Rows cut by a page break in a text export: the export prints the row's first lines, the next page's
title and header, then the rest of each cut cell, which must join the row before the break."""

import pytest
from text_fixtures import render_text_export

from pipeline.extract import layout
from pipeline.extract.records import SheetError
from pipeline.extract.text import parse_text_export


def comparable(rows):
    return [
        {k: layout.compact(v) if isinstance(v, str) else v for k, v in r.to_dict().items() if not k.startswith("source_")}
        for r in rows
    ]


@pytest.fixture(scope="module")
def expected(fy2022_sheet):
    return comparable(fy2022_sheet.rows)


@pytest.mark.parametrize(
    "cuts",
    [
        # single-row initiatives; after one line the 達成度 label and a two-line 担当局 are cut too
        {(1, 1): 1},
        {(2, 1): 2},
        {(1, 1): 3},
        {(20, 1): 1},
        # the first ward row of a multi-row initiative, and a ward row in the middle of one
        {(61, 1): 1},
        {(61, 1): 2},
        {(61, 1): 3},
        {(84, 3): 2},
        # several cut rows in one export
        {(1, 1): 3, (10, 1): 2, (20, 1): 1, (61, 1): 2, (84, 3): 2},
    ],
    ids=lambda cuts: ",".join(f"No{no}.{sub}@{lines}" for (no, sub), lines in cuts.items()),
)
@pytest.mark.parametrize("seed", [0, 3])
def test_cut_rows_read_back_exactly(fy2022_sheet, expected, cuts, seed):
    text = render_text_export(fy2022_sheet.rows, seed=seed, cuts=cuts)
    sheet = parse_text_export(text, "cut.txt")
    assert not sheet.problems
    assert comparable(sheet.rows) == expected


def test_a_cut_cell_that_may_be_either_of_two_is_refused(fy2022_sheet):
    """No. 5 cut after two lines: its 取組名 goes on with one short line (「業」), and its 事務事業名
    ended just at the break; the line fits either column, so the reader cannot tell and refuses."""
    text = render_text_export(fy2022_sheet.rows, seed=0, cuts={(5, 1): 2})
    continued_at = next(
        n for n, line in enumerate(text.split("\n"), start=1) if line == "業" and text.split("\n")[n - 3] == ""
    )
    with pytest.raises(SheetError) as refused:
        parse_text_export(text, "ambiguous.txt")
    message = str(refused.value)
    assert "ambiguous.txt" in message
    assert "cut by a page break" in message and "more than one way" in message
    assert f"at line {continued_at}" in message
