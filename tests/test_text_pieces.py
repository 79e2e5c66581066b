"""Text exports of the FY2022 rows printed in ways another exporter or another year may print them
(a BOM, tabs, a header wrapped otherwise, a blank line inside a cell, a name starting with ASCII),
read back to exactly the rows they were made from, or refused where they cannot be read safely."""

from collections import Counter
from dataclasses import replace

import pytest
import text_fixtures
from conftest import comparable
from text_fixtures import render_text_export

from pipeline.extract.records import SheetError
from pipeline.extract.text import parse_text_export, read_text_export


def comparable_rows(rows):
    return [comparable({k: v for k, v in row.to_dict().items() if not k.startswith("source_")}) for row in rows]


@pytest.fixture(scope="module")
def expected(fy2022_sheet):
    return comparable_rows(fy2022_sheet.rows)


def test_a_bom_then_a_blank_line(fy2022_sheet, expected, tmp_path):
    text = "\ufeff\n" + render_text_export(fy2022_sheet.rows, seed=0)
    assert comparable_rows(parse_text_export(text, "bom.txt").rows) == expected
    path = tmp_path / "bom.txt"
    path.write_text(text, encoding="utf-8")
    assert comparable_rows(read_text_export(path).rows) == expected


def test_tabs_between_cells_sharing_a_line(fy2022_sheet, expected):
    text = render_text_export(fy2022_sheet.rows, seed=0).replace(" ", "\t")
    assert "\t" in text
    assert comparable_rows(parse_text_export(text, "tabs.txt").rows) == expected


@pytest.mark.parametrize(
    "header",
    [
        [
            "取組名 事務事業名 施策番号 取組の内容 {plan_header} 「⑤{era}の取組内容」に対する達成度",
            "",
            "取組内容の実績等 施策への貢献度（評価）",
            "",
            "評価の理由 今後の事業の方向性 担当局",
        ],
        [
            "取組名 事務事業名 施策番号 取組の内容 {plan_header} 「⑤{era}の取組内容」に対する達成度 取組内容の実績等 施策への貢献度（評価） 評価の理由 今後の事業の方向性 担当局"
        ],
        [
            "No. 取組名",
            "事務事",
            "業名 施策番号",
            "取組の",
            "内容",
            "{plan_header}",
            "「⑤{era}の取組",
            "内容」に対する",
            "達成度",
            "取組内容の実績 施策への貢献度",
            "評価の理由",
            "今後の事業の方向性",
            "担当局",
        ],
    ],
    ids=["fewer_lines", "one_line", "many_lines"],
)
def test_a_header_wrapped_otherwise(fy2022_sheet, expected, monkeypatch, header):
    monkeypatch.setattr(text_fixtures, "HEADER_LINES", header)
    # Pages print the header in part too, from one of its lines on (a one-line header cannot be).
    quirks = text_fixtures.Quirks(partial_header=0.5 if len(header) > 2 else 0)
    text = render_text_export(fy2022_sheet.rows, seed=0, quirks=quirks)
    assert comparable_rows(parse_text_export(text, "header.txt").rows) == expected


def _with(rows, number, **fields):
    return [replace(row, **fields) if row.initiative_no == number else row for row in rows]


@pytest.mark.parametrize(
    "name", ["SDGsの達成に向けた国際連携の推進", "2025年に向けた国際交流の推進", "ICT活用"], ids=["letters", "digits", "short"]
)
def test_a_name_starting_with_ascii_after_its_number(fy2022_sheet, name):
    rows = _with(fy2022_sheet.rows, 10, initiative_name=name)
    quirks = text_fixtures.Quirks(number_on_name_line=1.0, number_leading_space=0.5)
    text = render_text_export(rows, seed=1, quirks=quirks)
    assert f"10 {name[:4]}" in text
    assert comparable_rows(parse_text_export(text, "ascii.txt").rows) == comparable_rows(rows)


@pytest.mark.parametrize("field", ["description", "results", "reason"])
def test_a_text_cell_starting_with_a_number_and_ascii(fy2022_sheet, field):
    value = "12 SDGsの目標達成に向けて、市内企業や大学と連携した国際的な取組を推進し、その成果を広く発信します。"
    rows = _with(fy2022_sheet.rows, 10, **{field: value})
    text = render_text_export(rows, seed=1, quirks=text_fixtures.Quirks(number_on_name_line=1.0))
    assert "\n12 SDGs" in text
    assert comparable_rows(parse_text_export(text, "text.txt").rows) == comparable_rows(rows)


def _blank_inside(text: str, cell: str, width: int, at: int) -> str:
    """The export with a blank line inside one cell, after its line ``at``."""
    lines = text_fixtures.wrap(cell, width)
    assert len(lines) > at
    printed = "\n" + "\n".join(lines) + "\n"
    assert printed in text
    return text.replace(printed, "\n" + "\n".join([*lines[:at], "", *lines[at:]]) + "\n", 1)


def _single_rows(rows):
    counts = Counter(row.initiative_no for row in rows)
    return [row for row in rows if counts[row.initiative_no] == 1]


@pytest.mark.parametrize("index", [0, 20, 60])
@pytest.mark.parametrize("at", [1, 2])
def test_a_blank_line_inside_a_description(fy2022_sheet, expected, index, at):
    row = _single_rows(fy2022_sheet.rows)[index]
    quirks = text_fixtures.Quirks(shared_line=0)
    text = render_text_export(fy2022_sheet.rows, seed=2, quirks=quirks)
    text = _blank_inside(text, row.description, text_fixtures.WIDTHS["description"], at)
    assert comparable_rows(parse_text_export(text, "blank.txt").rows) == expected


def test_a_blank_line_inside_a_plan(fy2022_sheet, expected):
    row = next(row for row in _single_rows(fy2022_sheet.rows) if row.plan_fy.count("\n") >= 2)
    text = render_text_export(fy2022_sheet.rows, seed=2, quirks=text_fixtures.Quirks(shared_line=0))
    text = _blank_inside(text, row.plan_fy, text_fixtures.WIDTHS["plan"], 1)
    assert comparable_rows(parse_text_export(text, "blank.txt").rows) == expected


def test_a_description_cut_mid_sentence_before_a_wide_block_is_refused(fy2022_sheet):
    # A description of one full line that ends mid-sentence, then a plan line far wider than the
    # description column, then the rest of the plan after a blank line: which block is which?
    row = _single_rows(fy2022_sheet.rows)[5]
    description = "市内企業と海外の企業や研究機関との連携"
    assert text_fixtures.display_width(description) == text_fixtures.WIDTHS["description"]
    plan = (
        "●" + "海外の研究機関との共同研究や実証事業を推進し、その成果を市内外に広く発信します" * 2 + "\n・事業実施\n・成果の発信"
    )
    rows = _with(fy2022_sheet.rows, row.initiative_no, description=description, plan_fy=plan)
    text = render_text_export(rows, seed=2, quirks=text_fixtures.Quirks(shared_line=0))
    text = _blank_inside(text, plan, text_fixtures.WIDTHS["plan"], 2)
    with pytest.raises(SheetError, match=r"blank\.txt, row at line \d+: a blank line inside 取組の内容"):
        parse_text_export(text, "blank.txt")


def test_blank_lines_inside_every_description_are_refused(fy2022_sheet):
    rows = _single_rows(fy2022_sheet.rows)[:3]
    text = render_text_export(rows, seed=2, quirks=text_fixtures.Quirks(shared_line=0))
    for row in rows:
        text = _blank_inside(text, row.description, text_fixtures.WIDTHS["description"], 1)
    with pytest.raises(SheetError, match="no row has them as two blocks"):
        parse_text_export(text, "blank.txt")


def test_a_blank_line_inside_a_plan_that_starts_as_narrow_as_a_description_is_refused(fy2022_sheet):
    # Its first block could as well be the description's last paragraph.
    row = _single_rows(fy2022_sheet.rows)[5]
    plan = "●研修の実施\n・事業実施\n●" + "海外の研究機関との共同研究や実証事業を推進し、その成果を市内外に広く発信します" * 2
    rows = _with(fy2022_sheet.rows, row.initiative_no, plan_fy=plan)
    text = render_text_export(rows, seed=2, quirks=text_fixtures.Quirks(shared_line=0))
    text = _blank_inside(text, plan, text_fixtures.WIDTHS["plan"], 2)
    with pytest.raises(SheetError, match="the block after the 取組の内容 fits its column"):
        parse_text_export(text, "blank.txt")
