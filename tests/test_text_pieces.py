"""Text exports of the FY2022 rows printed in ways another exporter or another year may print them
(a BOM, tabs, a header wrapped otherwise, ...), read back to exactly the rows they were made from."""

import pytest
import text_fixtures
from text_fixtures import render_text_export

from pipeline.extract import layout
from pipeline.extract.text import parse_text_export, read_text_export


def comparable(rows):
    return [
        {k: layout.compact(v) if isinstance(v, str) else v for k, v in r.to_dict().items() if not k.startswith("source_")}
        for r in rows
    ]


@pytest.fixture(scope="module")
def expected(fy2022_sheet):
    return comparable(fy2022_sheet.rows)


def test_a_bom_then_a_blank_line(fy2022_sheet, expected, tmp_path):
    text = "\ufeff\n" + render_text_export(fy2022_sheet.rows, seed=0)
    assert comparable(parse_text_export(text, "bom.txt").rows) == expected
    path = tmp_path / "bom.txt"
    path.write_text(text, encoding="utf-8")
    assert comparable(read_text_export(path).rows) == expected


def test_tabs_between_cells_sharing_a_line(fy2022_sheet, expected):
    text = render_text_export(fy2022_sheet.rows, seed=0).replace(" ", "\t")
    assert "\t" in text
    assert comparable(parse_text_export(text, "tabs.txt").rows) == expected


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
    assert comparable(parse_text_export(text, "header.txt").rows) == expected
