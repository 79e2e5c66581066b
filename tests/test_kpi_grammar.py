"""The KPI grammar (pipeline/kpi/): text normalisation, numbers and units, plan targets, result figures.

Sentences here are rephrasings of the sheet's shapes, not its words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.kpi.statements import parse_figures
from pipeline.kpi.targets import parse_targets, starts_labelled_value
from pipeline.kpi.text import Folded, Metric, containment, match_key, parse_number, units_compatible


def test_folded_text_maps_each_normalised_character_back_to_print():
    text = Folded.of("㈱ＡＢＣの支援件数（見込）：１２件")
    assert text.norm == "(株)ABCの支援件数(見込):12件"
    start = text.norm.index("ABC")
    assert text.printed_span(start, start + 3) == "ＡＢＣ"
    assert text.printed_span(0, 3) == "㈱"  # one printed character became three
    assert text.slice(start, len(text.norm)).printed == "ＡＢＣの支援件数（見込）：１２件"


def test_list_marks_stay_as_printed():
    assert Folded.of("③見学会の実施").norm == "③見学会の実施"  # NFKC would make it 「3見学会…」


def test_match_key_is_nfkc_without_space_lower_case():
    assert match_key("低CO₂川崎ブランド 認定件数") == "低co2川崎ブランド認定件数"
    assert match_key("⾏事の参加者数【外国人】") == "行事の参加者数(外国人)"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("85", 85),
        ("1,913万", 19_130_000),
        ("1.7万", 17_000),
        ("7億200万", 702_000_000),
        ("3万7,000", 37_000),
        ("6千", 6_000),
        ("5.6", 5.6),
        ("400万", 4_000_000),
    ],
)
def test_numbers_with_separators_and_multipliers(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("target", "figure", "fits"),
    [
        ("件", "回", True),
        ("回", "件", True),
        ("人", "名", True),
        ("事業者", "社", True),
        ("社", "者", True),
        ("団体", "事業者・団体", True),
        ("人", "件", False),
        ("%", "件", False),
        ("団体", "社", False),
        ("言語", "言語", True),
    ],
)
def test_units_of_one_class_fit(target, figure, fits):
    assert units_compatible(target, figure) is fits


def test_near_synonyms_compare_as_one_word():
    assert containment(Metric("参加者数").core, "約400名が来場しました") == 1.0
    assert containment(Metric("入館者数").core, "来館者は減少") == 1.0
    assert containment(Metric("参加者数").core, "入館者は減少") == 0.0


@pytest.mark.parametrize(
    ("metric", "core"),
    [
        ("マッチング数", "マッチング"),
        ("相談件数", "相談"),
        ("開催回数", "開催"),
        ("小学生教室の実施", "小学生教室"),
        ("ホール稼働率", "ホール稼働率"),
        ("数", "数"),
    ],
)
def test_a_metric_is_compared_without_its_measure_word(metric, core):
    assert Metric(metric).core == core


@pytest.mark.parametrize(
    ("line", "starts"),
    [
        ("マッチング数：85件以上", True),
        ("相談件数：１２件", True),
        ("会員数：全112団体以上", True),
        ("教室：週1回", True),
        ("増減：▲5％", True),
        ("10:00から受付", False),
        ("・事業の実施", False),
        ("配置数", False),
        ("相談件数", False),
    ],
)
def test_a_target_line_starts_with_a_labelled_value(line, starts):
    assert starts_labelled_value(line) is starts


def test_targets_negative_at_most_and_prefixed():
    plan = "・排出削減の取組\n温室効果ガス排出量の増減：▲５％\n平均待ち時間：15分以下\n登録団体数：全２０団体以上\n延べ利用者数：延べ1,200人"
    found = [(t.metric, t.target_value, t.unit, t.comparator, t.value_prefix) for t in parse_targets(plan)]
    assert found == [
        ("温室効果ガス排出量の増減", -5, "%", "=", None),
        ("平均待ち時間", 15, "分", "<=", None),
        ("登録団体数", 20, "団体", ">=", "全"),
        ("延べ利用者数", 1200, "人", "=", "延べ"),
    ]


def test_a_mid_line_target_takes_a_known_metric_or_is_left_out():
    plan = "●市民講座の開催受講者数：300人以上\n●相談窓口の運営相談件数：50件"
    assert [(t.metric, t.context_text) for t in parse_targets(plan, ["受講者数"])] == [("受講者数", "●市民講座の開催")]
    # known metrics are compared in NFKC, and one holding a sentence is no metric
    assert [t.metric for t in parse_targets(plan, ["受講者数", "相談件数、"])] == ["受講者数"]
    assert [t.metric for t in parse_targets("●相談窓口の運営相談件数：５０件", ["相談件数"])] == ["相談件数"]


def test_the_metric_keeps_characters_nfkc_would_expand():
    [target] = parse_targets("㈱川崎との共同事業数：3件")
    assert (target.metric, target.target_text) == ("㈱川崎との共同事業数", "㈱川崎との共同事業数：3件")


def _figures(text: str) -> list[tuple]:
    return [(f.statement_format, f.value, f.unit) for f in parse_figures(text)]


def test_explicit_wordings_name_metric_and_target():
    figures = parse_figures(
        "①交流事業の件数は目標の40件に対して52件となりました。"
        "利用率は、70％を目標としておりましたが、64.5％となりました。（来館者数：１２，３００人（見込））"
    )
    assert [(f.statement_format, f.metric, f.value, f.stated_target_value, f.is_estimate) for f in figures] == [
        ("target_vs_actual", "交流事業の件数", 52, 40, False),
        ("target_then_actual", "利用率", 64.5, 70, False),
        ("metric_colon", "来館者数", 12300, None, True),
    ]


def test_running_text_figures_with_their_markers():
    [count, total, rate, visits] = parse_figures(
        "相談会を新たに8回開催（累計30回）し、教室（週2回程度、延べ90回）を実施しました。"
    )
    assert (count.value, count.is_year_increment, count.is_cumulative) == (8, True, False)
    assert (total.value, total.is_year_increment, total.is_cumulative) == (30, False, True)
    assert (rate.value, rate.unit, rate.period, rate.is_approximate) == (2, "回/週", "週", True)
    assert (visits.value, visits.unit, visits.period) == (90, "回", None)


def test_changes_per_unit_values_and_approximations():
    [cut, level] = parse_figures("冊子は前年度より500部減らし、4,500部を配布しました。")
    assert cut.is_change and not level.is_change
    [per_month] = parse_figures("年間目標（60,000人）には届きませんでしたが、ひと月あたりに換算すると5,200人でした。")
    assert per_month.value == 5200 and per_month.is_per_unit  # the stated target is no figure
    [followers] = parse_figures("フォロワーは約３万2,000人超となりました。")
    assert (followers.value, followers.is_approximate) == (32000, True)


def test_dates_years_ordinals_and_durations_are_not_figures():
    assert _figures("第5回大会を令和5年11月3日、4日に開き、2年ぶりに2023年度の計画を改定しました。") == []
    assert _figures("（令和3・4年度）の委員は20名です。") == [("figure", 20, "名")]


def test_a_single_event_stated_by_its_date():
    assert _figures("研修会を令和5年2月10日に開催しました。") == [("dated_event", 1, "回")]
    # an edition (3回目) is no count: one event, dated
    assert _figures("研修会を2月10日に3回目として開催し、参加者は40人でした。") == [
        ("dated_event", 1, "回"),
        ("figure", 40, "人"),
    ]


def test_figures_listed_with_short_labels_are_parts_of_a_breakdown():
    figures = parse_figures("講演会を開催し、参加者は大人120人、子ども80人でした。（相談件数：534件、支援件数：16件）")
    assert [(f.value, f.label, f.breakdown) for f in figures] == [
        (120, "大人", 1),
        (80, "子ども", 1),
        (534, "相談件数", None),
        (16, "支援件数", None),
    ]


@pytest.mark.parametrize(
    "broken",
    [
        "●春の音楽祭の開催\n入場者数：35,000人以上\n●秋の民族舞踊祭の開催入場者\n数：50,000人以上",  # a label broken at a line end
        "●春の音楽祭の開催\n入場者数：35,000人以上\n●秋の民族舞踊祭の開催入場者数：50,000人以上",  # the line break lost
    ],
)
def test_a_broken_or_joined_target_line_reads_as_the_clean_one(broken):
    clean = "●春の音楽祭の開催\n入場者数：35,000人以上\n●秋の民族舞踊祭の開催\n入場者数：50,000人以上"

    def fields(plan):
        return [replace(t, plan_line_no=0) for t in parse_targets(plan, ["入場者数"])]

    assert fields(broken) == fields(clean)
