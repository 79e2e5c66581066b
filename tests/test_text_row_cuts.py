"""Rows cut by a page break in a text export: the export prints the row's first lines, the next page's
title and header, then the rest of each cut cell, which must join the row before the break."""

import pytest
from test_text_roundtrip import comparable
from text_fixtures import render_text_export

from pipeline.extract.records import SheetError
from pipeline.extract.text import parse_text_export


@pytest.mark.parametrize(
    "cuts",
    [
        # single-row initiatives; after one line the 達成度 label and a two-line 担当局 are cut too
        {(1, 1): 1},
        {(1, 1): 2},
        {(1, 1): 3},
        {(20, 1): 1},
        {(20, 1): 2},
        # ward rows of multi-row initiatives: the first of one, and others in the middle
        {(61, 1): 1},
        {(61, 3): 1},
        {(84, 1): 2},
        {(84, 3): 2},
        {(84, 5): 1},
        {(106, 1): 3},
        # several cut rows in one export
        {(1, 1): 3, (20, 1): 1, (61, 3): 1, (84, 3): 2, (106, 1): 2},
    ],
    ids=lambda cuts: "+".join(f"No{no}_{sub}_after{lines}" for (no, sub), lines in cuts.items()),
)
@pytest.mark.parametrize("seed", [0, 3])
def test_cut_rows_read_back_exactly(fy2022_sheet, cuts, seed):
    text = render_text_export(fy2022_sheet.rows, seed=seed, cuts=cuts)
    sheet = parse_text_export(text, "cut.txt")
    assert not sheet.problems
    assert comparable(sheet.rows) == comparable(fy2022_sheet.rows)


def test_a_continuation_that_fits_two_readings_is_refused(fy2022_sheet):
    """No. 5 cut after three lines: what goes on after the break fits the row's cells in more than
    one way (a cell that ended at the break and one cut by it take the same lines), so the reader
    refuses rather than guess, naming the file and the continuation's first line."""
    text = render_text_export(fy2022_sheet.rows, seed=0, cuts={(5, 1): 3})
    lines = text.split("\n")
    number = lines.index("5")
    title = next(i for i in range(number, len(lines)) if lines[i].endswith("進行管理シート（令和４年度）"))
    header_end = next(i for i in range(title, len(lines)) if lines[i].endswith("担当局"))
    continued_at = next(i for i in range(header_end + 1, len(lines)) if lines[i]) + 1
    with pytest.raises(SheetError) as refused:
        parse_text_export(text, "ambiguous.txt")
    message = str(refused.value)
    assert message.startswith("ambiguous.txt")
    assert "cut by a page break" in message and "more than one way" in message
    assert f"at line {continued_at}:" in message
