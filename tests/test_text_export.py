"""The text-export reader on the real FY2022 sheet: its own counts, and rows checked by hand against
the document, one for each quirk of the export listed in tests/fixtures/README.md."""

from collections import Counter

import pytest
from conftest import FY2022_TEXT

from pipeline.extract import layout
from pipeline.extract.records import ROW_FIELDS, SheetError
from pipeline.extract.text import parse_text_export


def row(sheet, no, sub=1):
    return next(r for r in sheet.rows if r.initiative_no == no and r.sub_row == sub)


def same(text: str, expected: str) -> bool:
    return layout.compact(text) == layout.compact(expected)


def test_counts_match_the_document(fy2022_sheet):
    rows = fy2022_sheet.rows
    assert fy2022_sheet.fiscal_year == 2022
    assert len(rows) == 127
    assert sorted({r.initiative_no for r in rows}) == list(range(1, 107))
    assert Counter(r.achievement_code for r in rows) == {3: 106, 4: 15, 2: 6}
    assert Counter(r.contribution_code for r in rows) == {"A": 64, "B": 61, "C": 2}
    assert {r.pillar for r in rows} == {"Ⅰ", "Ⅱ", "Ⅲ"}
    # The document prints nine 取組の方向性 rows (Ⅰ–Ⅲ × 1–3; see tests/fixtures/README.md).
    assert len({(r.pillar, r.direction_no) for r in rows}) == 9
    assert len({(r.pillar, r.direction_no, r.subarea_no) for r in rows}) == 22
    assert len({r.bureau for r in rows}) == 21


def test_every_row_is_complete(fy2022_sheet):
    for r in fy2022_sheet.rows:
        for name in ROW_FIELDS:
            if name != "source_page":
                assert getattr(r, name) not in ("", None), (r.initiative_no, r.sub_row, name)
        assert "\n" not in r.initiative_name + r.project_name + r.bureau + r.policy_code
        assert r.source_file == FY2022_TEXT.name and r.source_page is None


def test_sub_rows_are_numbered_in_sheet_order(fy2022_sheet):
    counts = Counter(r.initiative_no for r in fy2022_sheet.rows)
    assert {no: n for no, n in counts.items() if n > 1} == {46: 2, 61: 7, 62: 7, 76: 2, 84: 6, 85: 2, 106: 2}
    for no, n in counts.items():
        assert [r.sub_row for r in fy2022_sheet.rows if r.initiative_no == no] == list(range(1, n + 1))


def test_first_row_number_on_the_name_line_and_a_blank_inside_the_project(fy2022_sheet):
    r = row(fy2022_sheet, 1)
    assert (r.pillar, r.direction_no, r.subarea_no) == ("Ⅰ", 1, 1)
    assert r.pillar_title == "先端技術や産業集積を生かした国際展開"
    assert r.direction_title == "世界をけん引するビジネス拠点の創出"
    assert r.subarea_title == "キングスカイフロントを中心とした国際戦略拠点形成等"
    assert r.initiative_name == "国際戦略拠点活性化推進事業"
    assert r.project_name == "国際戦略拠点活性化推進事業"
    assert r.policy_code == "4-4-1"
    assert r.description.startswith("世界トップクラスの研究者たちが集まり、") and r.description.endswith("を形成します。")
    assert "マッチング数：85件以上" in r.plan_fy.split("\n")
    assert r.plan_fy.endswith("・電線類地中化や憩い交流機能の導入など拠点整備の推進")
    assert (r.achievement_code, r.contribution_code) == (3, "A")
    assert r.results.startswith("ほぼ目標どおり達成できました。") and r.results.endswith("次年度実施することとなりました。")
    assert r.reason.endswith("ため。") and r.future_direction.endswith("に取り組みます。")
    assert r.bureau == "臨海部国際戦略本部"


def test_cells_sharing_a_line_are_split(fy2022_sheet):
    r = row(fy2022_sheet, 5)  # 「…情報交換の実施 ３．ほぼ目標どお」 and 「…行いました。 B．やや貢献して」
    assert r.plan_fy.endswith("実務的な情報交換の実施")
    assert r.results.endswith("意見交換を行いました。")
    assert (r.achievement_code, r.contribution_code, r.bureau) == (3, "B", "港湾局")
    ward = row(fy2022_sheet, 61, 1)  # reason and future direction on one line
    assert ward.reason == "外国人市民が必要とする情報の提供を行ったため。"
    assert ward.future_direction == "現行のまま、配布体制を継続します。"
    assert ward.project_name == "区役所等管理運営事業（川崎区）" and ward.policy_code == "川崎区"
    r = row(fy2022_sheet, 56)  # 「…につなげていきます。」 then 「市民文／／化局」
    assert r.future_direction.endswith("印刷費等の削減につなげていきます。")
    assert r.bureau == "市民文化局"
    assert row(fy2022_sheet, 84, 2).policy_code == "中原区"  # 「原区） 中原区」


def test_rows_printed_without_their_number(fy2022_sheet):
    assert [row(fy2022_sheet, n).initiative_name for n in (33, 34, 35)] == [
        "市制100周年記念事業",
        "シティプロモーション推進事業",
        "映像のまち・かわさき推進事業",
    ]
    assert (row(fy2022_sheet, 33).subarea_no, row(fy2022_sheet, 33).subarea_title) == (3, "戦略的な情報発信")
    assert [row(fy2022_sheet, n).bureau for n in (33, 34, 35)] == ["総務企画局", "総務企画局", "市民文化局"]
    assert row(fy2022_sheet, 34).achievement_code == 4


def test_numbers_with_a_leading_space(fy2022_sheet):
    assert row(fy2022_sheet, 18).initiative_name == "国際連携・研究推進事業"
    assert row(fy2022_sheet, 57).initiative_name == "コンタクトセンターにおける多言語対応"
    assert row(fy2022_sheet, 75).initiative_name == "海外帰国・外国人児童生徒相談・支援事業"


def test_narrow_cells_with_blank_lines_inside(fy2022_sheet):
    assert row(fy2022_sheet, 16).project_name == "グリーン・イノベーション・国際環境施策推進事業"
    assert row(fy2022_sheet, 22).initiative_name == "水素戦略・カーボンニュートラル産業推進事業"
    assert row(fy2022_sheet, 22).project_name == "水素戦略・カーボンニュートラル産業推進事業"
    assert row(fy2022_sheet, 36).project_name == "観光振興事業"


def test_merged_cells_printed_after_the_rows_of_later_initiatives(fy2022_sheet):
    first, second = row(fy2022_sheet, 46, 1), row(fy2022_sheet, 46, 2)
    assert first.initiative_name == second.initiative_name == "川崎市ふれあい館を活用した取組"
    assert first.description == second.description and first.description.startswith("日本人と在日外国人との交流施設である")
    assert first.plan_fy.startswith("●外国人高齢者支援の実施") and first.plan_fy.endswith("・多様な講座等の実施")
    assert (first.pillar, first.direction_no, first.subarea_no) == ("Ⅲ", 1, 1)
    assert (first.project_name, first.policy_code, first.achievement_code, first.contribution_code, first.bureau) == (
        "生涯現役対策事業",
        "1-4-3",
        3,
        "A",
        "健康福祉局",
    )
    assert (second.project_name, second.policy_code, second.achievement_code, second.contribution_code, second.bureau) == (
        "社会教育振興事業",
        "2-3-2",
        4,
        "B",
        "教育委員会事務局",
    )


def test_ward_initiatives_printed_back_to_back(fy2022_sheet):
    wards = list(layout.WARDS)
    assert [r.policy_code for r in fy2022_sheet.rows if r.initiative_no == 61] == wards
    assert [r.policy_code for r in fy2022_sheet.rows if r.initiative_no == 62] == wards
    assert row(fy2022_sheet, 61).initiative_name == "外国人転入者に対する生活に必要な情報提供"
    assert row(fy2022_sheet, 62).initiative_name == "区役所総合案内板の多言語化"
    assert row(fy2022_sheet, 62).project_name == "地域課題対応事業（川崎区）"
    assert row(fy2022_sheet, 62).description.startswith("外国人の来庁者に向けて")
    assert [r.bureau for r in fy2022_sheet.rows if r.initiative_no == 62] == [w + "役所" for w in wards]


def test_merged_cells_of_two_initiatives_interleaved(fy2022_sheet):
    # 84's name, text and plan, then 76's text running into its name 「…周知をします。外国人保護者へ」.
    r76 = row(fy2022_sheet, 76)
    assert r76.initiative_name == "外国人保護者への就学ハンドブック・就学案内の配布、就学援助の案内"
    assert layout.compact(r76.description).endswith("制度の周知をします。")
    assert r76.plan_fy.startswith("●「外国人保護者用就学ハンドブック」の作成")
    assert [r.project_name for r in fy2022_sheet.rows if r.initiative_no == 76] == ["人権尊重教育推進事業", "就学等支援事業"]
    r84 = row(fy2022_sheet, 84)
    assert r84.initiative_name == "乳幼児保護者への子育て情報の発信"
    assert same(r84.description, "ルビ付きや多言語による子育てガイドブックの配布により外国人市民の子育てを支援します。")
    assert [r.policy_code for r in fy2022_sheet.rows if r.initiative_no == 84] == [
        "川崎区",
        "中原区",
        "高津区",
        "宮前区",
        "多摩区",
        "麻生区",
    ]


def test_merged_cells_without_a_number_pages_later(fy2022_sheet):
    # 85's two ward rows follow a partial page header; its name and texts come after initiative 94.
    rows = [r for r in fy2022_sheet.rows if r.initiative_no == 85]
    assert [r.policy_code for r in rows] == ["中原区", "多摩区"]
    assert rows[0].initiative_name == "子育てサロンの開催"
    assert same(rows[0].description, "乳幼児と保護者の交流の場である子育てサロンの開催等により外国人市民の子育てを支援します。")
    assert same(rows[0].plan_fy, "●子育てサロンの開催\n事業実施")
    assert row(fy2022_sheet, 95).initiative_name == "かわさきパラムーブメント推進事業"


def test_last_initiative_with_merged_cells_at_the_end(fy2022_sheet):
    rows = [r for r in fy2022_sheet.rows if r.initiative_no == 106]
    assert [r.project_name for r in rows] == ["教職員研修事業", "人権尊重教育推進事業"]
    assert rows[0].initiative_name == "教職員への人権・多文化共生研修の実施"
    assert rows[0].description.startswith("教職員の悉皆研修に、人権尊重教育を")


def test_grade_label_broken_by_a_blank_line(fy2022_sheet):
    assert row(fy2022_sheet, 46, 2).achievement_code == 4  # 「４．目標を下回っ／／た」


def test_other_years_and_a_byte_order_mark():
    text = (
        "\ufeff川崎市国際施策推進プラン第３期実行プログラム進行管理シート（令和５年度）\n\n"
        "【取組方針Ⅰ】柱\n\n　取組の方向性１　方向\n\n　　①小分類\n\n"
        "1 取組の名前\n\n事務事業\n\n４－４－１\n\n内容です。\n\n・計画\n\n３．ほぼ目標どお\nり\n\n実績\n\n"
        "A．貢献している\n\n理由です。\n\n方向性です。\n\n港湾局\n"
    )
    sheet = parse_text_export(text, "r05.txt")
    assert sheet.fiscal_year == 2023
    (only,) = sheet.rows
    assert (only.initiative_no, only.initiative_name, only.project_name, only.bureau) == (1, "取組の名前", "事務事業", "港湾局")
    assert (only.description, only.plan_fy, only.results, only.reason, only.future_direction) == (
        "内容です。",
        "・計画",
        "実績",
        "理由です。",
        "方向性です。",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello\nworld\n", "no sheet title"),
        ("川崎市国際施策推進プラン第３期実行プログラム進行管理シート（令和４年度）\n取組名 事務事業名\n", "no evaluation rows"),
        (
            "…進行管理シート（令和４年度）\n\n1 名前\n\n事業\n\n４－４－１\n\n内容\n\n計画\n\n３．ほぼ目標どおり\n\n実績\n",
            "a 達成度 grade without a 貢献度 grade",
        ),
    ],
)
def test_unreadable_input_names_the_file(text, message):
    with pytest.raises(SheetError, match=message) as error:
        parse_text_export(text, "broken.txt")
    assert str(error.value).startswith("broken.txt")


def test_a_row_with_an_unknown_grade_is_quarantined_not_dropped(fy2022_sheet):
    text = FY2022_TEXT.read_text(encoding="utf-8").replace("４．目標を下回っ\nた", "４．概ね目標を下回っ\nた", 1)
    sheet = parse_text_export(text, "edited.txt")
    assert len(sheet.rows) == 126
    (problem,) = sheet.problems
    assert problem.row == "No. 4 (1)" and "unknown 達成度 grade 「4.概ね目標を下回った」" in problem.reason
    assert problem.fields["initiative_name"] == "ポートセールス事業" and problem.fields["achievement_code"] is None
    assert [r.initiative_no for r in sheet.rows][:4] == [1, 2, 3, 5]


# --- soft wraps ----------------------------------------------------------------------------------


def test_text_cells_give_their_logical_lines(fy2022_sheet):
    """Lines the export ended because the column was full run on into the next; hard breaks stay."""
    r = row(fy2022_sheet, 1)
    assert r.description == (
        "世界トップクラスの研究者たちが集まり、活発な交流から川崎発の革新的なイノベーションが次々に生まれる"
        "エコシステムを構築することで、ライフサイエンス分野における世界最高水準の研究開発拠点を形成します。"
    )
    plan = r.plan_fy.split("\n")
    assert "∘クラスター化推進事業を中心とする域内外への産業波及に向けた取組の推進" in plan  # 「…取組の」 / 「推進」
    assert plan[:3] == [
        "●キングスカイフロント域内外の連携促進に向けた取組",
        "∘特区制度等の国の支援策等を活用した取組の推進",
        "・新たな国の支援策の獲得や活用の取組",
    ]  # short lines, and a full one before a bullet
    assert r.results.split("\n")[0] == "ほぼ目標どおり達成できました。"
    # 「…相談の実」 / 「施」 is one line; the target after it stays a line of its own
    plan = row(fy2022_sheet, 67).plan_fy.split("\n")
    assert plan[plan.index("∘住宅確保要配慮者の住み替え相談や空き家の利活用に関する相談の実施") + 1] == "相談件数：500件以上"
    # a full plan line never runs on into a 「label：value」 target line
    plan = row(fy2022_sheet, 24).plan_fy.split("\n")
    assert plan[-2:] == ["●アジア諸国の民族音楽・舞踊等による「アジア交流音楽祭」の開催", "入場者数：50,000人以上"]
    assert row(fy2022_sheet, 24).results.split("\n")[0].endswith("実施しました。（入場者数：23,000人）")


def test_soft_wraps_are_measured_per_cell_and_column():
    """A line within the slack of its cell's widest line is full; a cell far narrower than its column
    does not wrap; bullets and numbering start a line; two Latin words keep their space."""
    from pipeline.extract.text.wraps import SoftWraps

    wide = "あ" * 30  # 60 display columns
    wrapped = "\n".join([wide, "い" * 29 + "、", "う" * 28, "えお。", "・" + "か" * 29, "き", "（1）く"])
    other = "\n".join(["さ" * 30, "し" * 10])
    narrow = "\n".join(["た" * 20, "ち" * 19, "つ"])  # 40 columns in a 60-column column: never wrapped
    latin = "\n".join(["な" * 26 + "abc defg", "hij klm", "ぬ"])
    wraps = SoftWraps({"results": [wrapped, other, narrow, latin]})
    assert wraps.columns["results"] == 60
    assert wraps.join("results", wrapped).split("\n") == [
        wide + "い" * 29 + "、" + "う" * 28 + "えお。",  # 「、」 hangs; 28 of 30 characters is full
        "・" + "か" * 29 + "き",
        "（1）く",
    ]
    assert wraps.join("results", narrow) == narrow
    assert wraps.join("results", latin) == "な" * 26 + "abc defg hij klm\nぬ"


def test_plan_keeps_target_lines_apart():
    """In the plan, a 「label：value」 target line does not run on from its activity's line (●…),
    though that is full; a target line wrapped inside its own label does join up."""
    from pipeline.extract.text.wraps import SoftWraps

    plan = "\n".join(
        [
            "●" + "あ" * 30,
            "相談件数：500件以上",
            "・" + "い" * 30,
            "10:00から開始",
            "キングスカイフロントにおけるインキュベーション施設への累計入居企業",
            "数：14社以上",
        ]
    )
    wraps = SoftWraps({"plan_fy": [plan], "results": [plan]})
    assert wraps.join("plan_fy", plan).split("\n") == [
        "●" + "あ" * 30,
        "相談件数：500件以上",
        "・" + "い" * 30 + "10:00から開始",
        "キングスカイフロントにおけるインキュベーション施設への累計入居企業数：14社以上",
    ]
    assert wraps.join("results", plan).split("\n") == [
        "●" + "あ" * 30 + "相談件数：500件以上",
        "・" + "い" * 30 + "10:00から開始",
        "キングスカイフロントにおけるインキュベーション施設への累計入居企業数：14社以上",
    ]


def test_an_export_printed_column_by_column_is_refused(fy2022_sheet):
    """Some tools print a page's cells column by column: every No., then every 取組名, …; its cells
    cannot be put back into rows, so the sheet is refused, not read into wrong rows."""
    from text_fixtures import achievement_label, contribution_label, policy_code_printed, wrap

    rows = [row for row in fy2022_sheet.rows if row.sub_row == 1][:8]
    columns = [
        lambda r: [str(r.initiative_no)],
        lambda r: wrap(r.initiative_name, 16),
        lambda r: wrap(r.project_name, 10),
        lambda r: [policy_code_printed(r.policy_code)],
        lambda r: wrap(r.description, 38),
        lambda r: wrap(r.plan_fy, 74),
        lambda r: wrap(achievement_label(r.achievement_code), 16),
        lambda r: wrap(r.results, 124),
        lambda r: wrap(contribution_label(r.contribution_code), 16),
        lambda r: wrap(r.reason, 60),
        lambda r: wrap(r.future_direction, 66),
        lambda r: wrap(r.bureau, 6),
    ]
    lines = [fy2022_sheet.title, ""]
    pillar = rows[0]
    lines += [
        f"【取組方針{pillar.pillar}】{pillar.pillar_title}",
        "",
        f"取組の方向性１ {pillar.direction_title}",
        "",
        f"①{pillar.subarea_title}",
        "",
    ]
    for cell in columns:
        for row in rows:
            lines += [*cell(row), ""]
    with pytest.raises(
        SheetError, match=r"^column\.txt, row at line \d+: the export's cells are not in row order: 8 達成度 grades in a run"
    ):
        parse_text_export("\n".join(lines), "column.txt")


def test_a_row_without_its_contribution_grade_is_an_error_not_a_merged_row():
    text = FY2022_TEXT.read_text(encoding="utf-8")
    first = text.index("Ａ．貢献している") if "Ａ．貢献している" in text else text.index("A．貢献している")
    broken = text[:first] + "（空欄）" + text[first + len("A．貢献している") :]
    with pytest.raises(SheetError, match=r"a 達成度 grade without a 貢献度 grade before the next one"):
        parse_text_export(broken, "broken.txt")
