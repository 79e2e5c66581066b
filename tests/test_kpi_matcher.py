"""The KPI matcher (pipeline/kpi/matcher.py) on each shape of statement the issue names, in wordings of
our own: a running total beside the year's count, other words for the metric, two targets of one label,
a rate beside a count, year-end levels, approximate and provisional figures, negative figures and
multipliers, an event stated by its date, targets stated in the results, and targets without an actual."""

from __future__ import annotations

import pytest

from pipeline.kpi.matcher import PlanTarget, Row, is_met, match


def target(metric, value, unit, comparator=">=", **kwargs) -> PlanTarget:
    return PlanTarget(kwargs.pop("kpi_no", 1), metric, value, unit, comparator, **kwargs)


def actual(targets, *rows) -> list:
    """(value, rule) per plan target; a row is (grade, results) or results (graded 3)."""
    rows = [Row(i, *(r if isinstance(r, tuple) else (3, r))) for i, r in enumerate(rows, start=1)]
    return [
        (o.actual.figure.value if o.actual else o.match_status, o.match_rule)
        for o in match(targets, rows)
        if o.target_source == "plan"
    ]


@pytest.mark.parametrize(("grade", "expected"), [(2, 52), (3, 52), (4, 12), (5, 12)])
def test_the_grade_tells_a_years_count_from_its_running_total(grade, expected):
    # on or above target: the figure that meets 40; below: the one that does not
    assert actual([target("相談会数", 40, "件")], (grade, "相談会を新たに12件開催し（累計52件）ました。")) == [
        (expected, "running_total")
    ]


def test_a_running_total_the_grade_cannot_decide_is_ambiguous():
    # both figures meet the target: nothing tells which one it counts
    assert actual([target("相談会数", 10, "件")], (2, "相談会を新たに12件開催し（累計52件）ました。")) == [("ambiguous", None)]


@pytest.mark.parametrize("prefix", ["全", "累計"])
def test_a_level_or_running_total_target_takes_the_total(prefix):
    targets = [target("認証事業者数", 60, "社", value_prefix=prefix, is_cumulative=prefix == "累計")]
    assert actual(targets, (4, "・認証制度を運用し、新たに5社を認証（累計63社）しました。")) == [(63, "running_total")]


def test_a_year_end_level_against_a_whole_membership_target():
    targets = [target("協議会会員数", 200, "団体", value_prefix="全")]
    assert actual(targets, "また、協議会会員（214事業者・団体）の拡大を図りました。") == [(214, "synonym")]


@pytest.mark.parametrize(
    "results",
    [
        "市民フォーラムを開催し、約420名が来場しました。",
        "市民フォーラムの来場者は420人でした。",
        "市民フォーラムを開催しました。（入場者数：420人）",
    ],
)
def test_participants_answered_by_visitors_or_entrants(results):
    assert actual([target("参加者数", 500, "人")], results)[0][0] == 420


def test_a_count_of_times_answered_in_cases_with_a_multiplier():
    assert actual([target("閲覧数", 1_200_000, "回", "=")], "ウェブサイトの閲覧は約98万件でした。") == [(980_000, "synonym")]


def test_companies_answered_as_businesses():
    assert actual([target("展示会参加企業数", 30, "事業者")], "展示会を2回開催し、41社が参加しました。") == [(41, "synonym")]


def test_two_targets_of_one_label_told_apart_by_their_plan_items():
    targets = [
        target("来場者数", 10000, "人", kpi_no=1, context_text="●春の市民フェスタの開催"),
        target("来場者数", 10000, "人", kpi_no=2, context_text="●秋の国際音楽祭の開催"),
    ]
    results = "●秋の国際音楽祭を開催しました。（来場者数：12,000人）\n●春の市民フェスタを開催しました。（来場者数：8,000人）"
    assert actual(targets, results) == [(8000, "context"), (12000, "context")]


def test_two_targets_of_one_label_with_nothing_to_tell_them_apart_are_ambiguous():
    targets = [target("来場者数", 5000, "人", kpi_no=1), target("来場者数", 5000, "人", kpi_no=2)]
    outcomes = match(targets, [Row(1, 3, "（来場者数：4,800人）"), Row(2, 3, "（来場者数：5,200人）")])
    assert [o.match_status for o in outcomes] == ["ambiguous", "ambiguous"]
    assert all(sorted(c.figure.value for c in o.candidates) == [4800, 5200] for o in outcomes)
    assert all(o.no_actual_reason == "ambiguous" and o.actual is None for o in outcomes)


def test_a_rate_target_takes_the_rate_beside_the_count():
    targets = [target("子ども教室の開催", 1, "回/週", "=", kpi_no=1), target("大人教室の開催", 3, "回/週", "=", kpi_no=2)]
    results = "子ども教室（週1回程度、年間45回）、大人教室（週3回程度、年間140回）を開催しました。"
    assert actual(targets, results) == [(1, "rate"), (3, "rate")]
    assert actual([target("教室の開催回数", 100, "回")], results) == [("ambiguous", None)]  # 45 or 140: a count of which?


def test_negative_figures_and_the_direction_of_a_negative_target():
    [outcome] = match([target("排出量の増減", -5, "%", "=")], [Row(1, 2, "排出量の増減：▲7.2％")])
    assert (outcome.actual.figure.value, outcome.is_met) == (-7.2, True)
    [outcome] = match([target("取扱量の増加量", 10000, "TEU", "=")], [Row(1, 4, "●取扱量の増加量：▲1.7万TEU")])
    assert (outcome.actual.figure.value, outcome.is_met) == (-17000, False)


@pytest.mark.parametrize(
    ("comparator", "target_value", "value", "met"),
    [
        (">=", 100, 100, True),
        (">=", 100, 99, False),
        ("<=", 30, 30, True),
        ("<=", 30, 31, False),
        ("=", 1, 1, True),
        ("=", 1, 2, True),
        ("=", 5, 4, False),
        ("=", -5, -7, True),
        ("=", -5, -3, False),
    ],
)
def test_is_met_honours_the_comparator_and_a_negative_targets_direction(comparator, target_value, value, met):
    assert is_met(comparator, target_value, value) is met


def test_estimates_and_approximations_are_flagged():
    [outcome] = match(
        [target("入館者数", 450000, "人")], [Row(1, 4, "入館者数は目標を下回りました。（入館者数278,092人（見込））")]
    )
    assert outcome.actual.figure.is_estimate and not outcome.actual.figure.is_approximate
    [outcome] = match(
        [target("アクセス数", 4_000_000, "回", "=")], [Row(1, 4, "アクセス数は減少し、約293万件アクセスとなりました。")]
    )
    assert outcome.actual.figure.is_approximate and outcome.actual.figure.value == 2_930_000


def test_full_width_digits():
    assert actual([target("支援件数", 12, "件", "=")], "（入居の同行等支援件数：１６件）") == [(16, "synonym")]


def test_a_single_event_stated_by_its_date_answers_an_event_count():
    assert actual([target("説明会の開催回数", 1, "回", "=")], "説明会を令和5年2月10日にオンラインで開催しました。") == [
        (1, "dated_event")
    ]
    # two dated events are no single one, and a people target is no event count
    two = "説明会を令和5年2月10日に開催しました。\n説明会を令和5年3月3日に開催しました。"
    assert actual([target("説明会の開催回数", 1, "回", "=")], two) == [("no_actual", None)]
    assert actual([target("説明会の参加者数", 1, "人", "=")], "説明会を令和5年2月10日に開催しました。") == [("no_actual", None)]


def test_a_statement_of_another_target_is_a_target_of_its_own():
    outcomes = match(
        [target("ホール稼働率", 60, "%")],
        [Row(1, 3, "ホール稼働率は目標の60％に対し52％、会議室稼働率は目標の65％に対し77％でした。")],
    )
    assert [(o.target_source, o.metric, o.target_value, o.actual.figure.value, o.is_met) for o in outcomes] == [
        ("plan", "ホール稼働率", 60, 52, False),
        ("results", "会議室稼働率", 65, 77, True),
    ]


def test_a_target_stated_by_a_sentences_topic():
    [outcome] = match([], [Row(1, 4, "生涯学習事業全体では、目標値が200事業のところ実績値が180事業となりました。")])
    assert (outcome.target_source, outcome.metric, outcome.target_value, outcome.actual.figure.value) == (
        "results",
        "生涯学習事業",
        200,
        180,
    )


def test_no_figure_of_another_kind_is_taken():
    targets = [target("発行部数", 8000, "部")]
    assert actual(targets, "広報紙は前年度より2,000部削減し、8,500部を発行しました。") == [(8500, "synonym")]  # not the change
    targets = [target("来館者数", 78000, "人")]
    results = "来館者数は60,000人でした。ひと月あたりに換算すると6,500人に対し8,000人と上回りました。"
    assert actual(targets, results) == [(60000, "metric")]  # not the per-month value
    assert actual([target("受講者数", 300, "人")], "講座を12回開催しました。") == [("no_actual", None)]  # another unit


def test_one_figure_is_the_actual_of_one_target_only():
    targets = [target("相談件数", 500, "件", kpi_no=1), target("窓口相談件数", 450, "件", kpi_no=2)]
    outcomes = match(targets, [Row(1, 3, "相談件数が534件となりました。")])
    assert sum(o.actual is not None for o in outcomes) <= 1


def test_a_figure_about_something_else_is_no_actual():
    targets = [target("講座・イベント等の開催数", 55, "回")]
    [outcome] = match(targets, [Row(1, 2, "窓口では多くの相談に対応し、相談件数が3,220件（見込）と増加しました。")])
    assert (outcome.match_status, outcome.no_actual_reason) == ("no_actual", "no figure for this metric")


def test_targets_without_an_actual_say_why():
    targets = [target("見学者数", 300, "人", kpi_no=1), target("相談件数", 100, "件", kpi_no=2)]
    outcomes = match(targets, [Row(1, 4, "見学会は好評でした。"), Row(2, 4, "相談件数は目標を下回りました。")])
    assert [o.no_actual_reason for o in outcomes] == ["no figure of this unit", "metric named without a figure"]


def test_matched_actuals_record_rule_evidence_and_candidates():
    [outcome] = match([target("マッチング数", 85, "件")], [Row(1, 3, "企業のマッチングを新たに25件実施(累計117件）しました。")])
    assert outcome.match_rule == "running_total"
    assert "grade 3" in outcome.match_evidence and "metric 1.00" in outcome.match_evidence
    assert [c.figure.value for c in outcome.candidates] == [117, 25]


def test_a_part_of_a_breakdown_is_no_actual_of_the_whole():
    # the participants were 200 in all; the sheet states only the parts
    [outcome] = match([target("参加者数", 200, "人")], [Row(1, 3, "講演会を開催し、参加者は大人120人、子ども80人でした。")])
    assert outcome.match_status == "ambiguous" and sorted(c.figure.value for c in outcome.candidates) == [80, 120]


def test_a_figure_the_sentence_gives_for_something_else_is_no_actual():
    # 利用者 stands in the sentence, the 3 people are the staff: ten times off and not in the figure's clause
    assert actual([target("利用者数", 50000, "人")], "施設の利用者は減少し、職員3人で対応しました。") == [("no_actual", None)]
    # in its own clause the metric's words carry a figure of any size (a year of closure)
    assert actual([target("利用者数", 50000, "人")], "休館のため、利用者は3,100人に留まりました。") == [(3100, "synonym")]
