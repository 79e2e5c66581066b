"""Text exports generated from the FY2022 rows, with other page breaks, wrapping and placements of
the merged cells, read back to exactly the rows they were made from."""

import pytest
from text_fixtures import WIDTHS, Quirks, render_text_export

from pipeline.extract import layout
from pipeline.extract.text import parse_text_export


def comparable(rows):
    return [
        {k: layout.compact(v) if isinstance(v, str) else v for k, v in r.to_dict().items() if not k.startswith("source_")}
        for r in rows
    ]


@pytest.fixture(scope="module")
def expected(fy2022_sheet):
    return comparable(fy2022_sheet.rows)


@pytest.mark.parametrize("seed", range(8))
def test_other_page_breaks_and_placements(fy2022_sheet, expected, seed):
    text = render_text_export(fy2022_sheet.rows, seed=seed)
    assert comparable(parse_text_export(text, f"generated_{seed}.txt").rows) == expected


@pytest.mark.parametrize("scale", [0.8, 1.25, 1.5])
def test_other_column_widths(fy2022_sheet, expected, scale):
    widths = tuple((name, max(4, round(width * scale))) for name, width in WIDTHS.items())
    text = render_text_export(fy2022_sheet.rows, seed=100 + int(scale * 10), quirks=Quirks(widths=widths))
    assert comparable(parse_text_export(text, "wide.txt").rows) == expected


def test_every_quirk_at_once(fy2022_sheet, expected):
    quirks = Quirks(
        shared_line=0.9,
        blank_inside_cell=0.9,
        number_on_name_line=0.5,
        number_leading_space=0.5,
        number_missing=0.3,
        merged_at_page_end=1.0,
        merged_number_missing=0.5,
        rows_per_page=(1, 3),
        partial_header=0.9,
    )
    text = render_text_export(fy2022_sheet.rows, seed=7, quirks=quirks)
    assert comparable(parse_text_export(text, "quirky.txt").rows) == expected
