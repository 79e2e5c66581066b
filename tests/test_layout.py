import pytest

from pipeline.extract import layout


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("川崎市国際施策推進プラン第３期実行プログラム進行管理シート（令和４年度）", 2022),
        ("川崎市国際施策推進プラン第３期実行プログラム進行管理シート（令和7年度）", 2025),
        ("…進行管理シート（令和元年度）", 2019),
        ("…進行管理シート（平成３０年度）", 2018),
        ("進行管理シート ( 令和 ５ 年度 )", 2023),
    ],
)
def test_fiscal_year_from_title(title, year):
    assert layout.fiscal_year_from_title(title) == year


def test_fiscal_year_needs_the_sheet_title():
    assert layout.fiscal_year_from_title("令和４年度の取組内容") is None


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("３．ほぼ目標どお\nり", 3),
        ("2.目標を上回って達成", 2),
        ("５．目標を大きく\n下回った", 5),
        ("１．目標を大きく上回って達成", 1),
    ],
)
def test_parse_achievement(cell, code):
    assert layout.parse_achievement(cell) == code


@pytest.mark.parametrize("cell", ["３．概ね目標どおり", "6．ほぼ目標どおり", "ほぼ目標どおり", "3．目標を上回って達成"])
def test_parse_achievement_rejects_unknown_labels(cell):
    with pytest.raises(ValueError, match="unknown 達成度 grade"):
        layout.parse_achievement(cell)


@pytest.mark.parametrize(
    ("cell", "code"),
    [("A．貢献している", "A"), ("B．やや貢献して\nいる", "B"), ("Ｃ．貢献の度合いが薄い", "C"), ("D．貢献していない", "D")],
)
def test_parse_contribution(cell, code):
    assert layout.parse_contribution(cell) == code


def test_parse_contribution_rejects_a_mismatched_label():
    with pytest.raises(ValueError):
        layout.parse_contribution("A．やや貢献している")


@pytest.mark.parametrize(
    ("cell", "code"), [("４－４－１", "4-4-1"), ("1-4-3", "1-4-3"), ("川崎区", "川崎区"), ("麻生区", "麻生区")]
)
def test_policy_codes(cell, code):
    assert layout.is_policy_code(cell)
    assert layout.normalise_policy_code(cell) == code


@pytest.mark.parametrize("cell", ["４－４", "川崎市", "事業実施", "2022"])
def test_not_policy_codes(cell):
    assert not layout.is_policy_code(cell)


def test_section_rows():
    assert layout.parse_pillar("【取組方針Ⅱ】強みと魅力を活かした世界的プレゼンスの向上") == (
        "Ⅱ",
        "強みと魅力を活かした世界的プレゼンスの向上",
    )
    assert layout.parse_pillar("【取組方針III】多様性") == ("Ⅲ", "多様性")
    assert layout.parse_direction("　取組の方向性２　海外から人を川崎にひきつけるまちづくり") == (
        2,
        "海外から人を川崎にひきつけるまちづくり",
    )
    assert layout.parse_subarea("　　③戦略的な情報発信") == (3, "戦略的な情報発信")
    assert layout.parse_direction("示した取組の方向性に沿って") is None


def test_join_name_keeps_spaces_between_latin_words_only():
    assert layout.join_name(["国際戦略拠点活", "性化推進事業"]) == "国際戦略拠点活性化推進事業"
    assert layout.join_name(["Hello", "Tomorrow"]) == "Hello Tomorrow"
