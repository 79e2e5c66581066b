"""The warehouse model (marts, KPI parsing, docs) on the real FY2022 sheet.

One ``python -m pipeline build`` into a temporary warehouse for the module; the tests query the
published file read-only. Expected values were read off the sheet's 127 plan and result cells by hand.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import pytest
from kpi_fy2022_truth import ESTIMATES, PLAN_ACTUALS, PLAN_MET, RESULTS_TARGETS

from pipeline.kpi.duckdb_functions import FUNCTIONS

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

# Every KPI target line of the FY2022 plans (令和４年度の取組内容), in sheet order:
# (initiative_no, metric as printed, target_value, unit, comparator, value_prefix).
FY2022_TARGETS = [
    (1, "マッチング数", 85, "件", ">=", None),
    (1, "インキュベーション施設への累計入居企業数", 14, "社", ">=", None),
    (2, "見学会回数", 5, "回", "=", None),
    (3, "普及イベント等参加企業数", 13, "事業者", ">=", None),
    (4, "川崎港コンテナターミナルにおけるコンテナ取扱貨物増加量", 10000, "TEU", "=", None),
    (9, "支援企業数", 40, "社", ">=", None),
    (11, "ホール稼働率", 60, "%", ">=", None),
    (12, "ビジネスマッチング件数", 600, "件", ">=", None),
    (12, "プロジェクト件数", 7, "件", ">=", None),
    (12, "ESG投融資の活用意欲が高い企業", 10, "%", ">=", None),
    (14, "国際展開活動件数", 100, "件", ">=", None),
    (15, "CC川崎エコ会議会員数", 112, "団体", ">=", "全"),
    (15, "来場者数", 9000, "人", ">=", None),
    (15, "低CO₂川崎ブランド認定件数", 122, "件", ">=", "全"),
    (22, "プロジェクト件数", 10, "件", ">=", None),
    (24, "入場者数", 35000, "人", ">=", None),
    (24, "入場者数", 50000, "人", ">=", None),
    (25, "入場者数", 100000, "人", ">=", None),
    (26, "参加者数", 4000, "人", ">=", None),
    (27, "利用者数", 50000, "人", ">=", None),
    (28, "入館者数", 450000, "人", ">=", None),
    (29, "入館者数", 78000, "人", ">=", None),
    (35, "ロケ支援件数", 150, "件", ">=", None),
    (35, "総参加者数", 2500, "人", ">=", None),
    (36, "主要観光施設の年間観光客数", 19130000, "人", ">=", None),
    (36, "宿泊施設の年間宿泊客数", 2010000, "人", ">=", None),
    (36, "宿泊施設の年間宿泊客数（外国人）", 230000, "人", ">=", None),
    (39, "アクセス数", 4000000, "回", "=", None),
    (44, "講座・イベント等の開催数", 55, "回", ">=", None),
    (44, "国際理解講座受講者数", 390, "人", ">=", None),
    (44, "日本語講座受講者数", 350, "人", ">=", None),
    (51, "ニューズレター発行数", 15000, "部", ">=", None),
    (51, "オープン会議参加者数", 100, "人", "=", None),
    (53, "派遣校数", 62, "校", "=", None),
    (56, "多言語化した広報資料の延べ種類言語数", 525, "言語", ">=", None),
    (65, "相談件数", 2720, "件", ">=", None),
    (67, "相談件数", 500, "件", ">=", None),
    (67, "支援件数", 12, "件", "=", None),
    (79, "小学生教室の実施", 1, "回/週", "=", None),
    (79, "中学生教室の実施", 2, "回/週", "=", None),
    (91, "外国人向け防災講座・訓練の実施", 3, "回", "=", None),
    (94, "市人権学校等の参加者数", 560, "人", ">=", None),
    (94, "企業向けLGBTセミナーの参加企業数", 18, "社", ">=", None),
    (96, "配置数（小・中学校）", 107, "人", "=", None),
    (96, "配置数（高等学校）", 6, "人", "=", None),
    (96, "受講者数", 2, "人", "=", None),
    (102, "開催回数", 1, "回", "=", None),
]

# How the matcher attributes some of the hand-read actuals (kpi_fy2022_truth.PLAN_ACTUALS): one of each rule.
FY2022_RULES = {
    "2022-014-k01": "metric",  # 国際展開活動件数（R4実績）：111件
    "2022-012-k01": "stated_target",  # …の目標600件に対して666件
    "2022-035-k02": "synonym",  # 来場者数 for 総参加者数
    "2022-024-k01": "context",  # two 入場者数 targets, told apart by their plan items
    "2022-079-k01": "rate",  # 週1回程度 beside 47回
    "2022-001-k01": "running_total",  # 新たに25件 (累計117件), graded on target
    "2022-102-k01": "dated_event",  # one lecture, stated by its date
}


@pytest.fixture(scope="module")
def warehouse(built_warehouse):
    """The published warehouse of one full build of raw/ (the FY2022 sheet), opened read-only."""
    con = duckdb.connect(str(built_warehouse), read_only=True)
    yield con
    con.close()


def test_dbt_docs_generate(built_warehouse, tmp_path):
    copy = tmp_path / "docs.duckdb"
    copy.write_bytes(built_warehouse.read_bytes())
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "docs", "generate", "--target-path", str(tmp_path / "target")],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "KAWASAKI_BUILD_DB": str(copy)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
    assert "model.kawasaki_policy.fct_evaluation" in catalog["nodes"]


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.sql(sql).fetchall()


def as_number(value) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def test_every_fy2022_target_line_is_a_target_and_nothing_else(warehouse):
    found = rows(
        warehouse,
        """
        select initiative_no, metric, target_value, unit, comparator, value_prefix
        from marts.fct_kpi_target where fiscal_year = 2022 order by kpi_target_id
    """,
    )
    assert [(no, metric, as_number(value), unit, cmp, prefix) for no, metric, value, unit, cmp, prefix in found] == FY2022_TARGETS


def test_targets_keep_their_printed_wording(warehouse):
    texts = dict(rows(warehouse, "select kpi_target_id, target_text from marts.fct_kpi_target"))
    assert texts["2022-002-k01"] == "見学会回数：5回"  # inside 「（見学会回数：5回）」
    assert texts["2022-012-k02"] == "プロジェクト件数：７件以上"  # full-width digit kept as printed
    assert texts["2022-036-k01"] == "主要観光施設の年間観光客数：1,913万人以上"  # wrapped over two lines
    assert texts["2022-053-k01"] == "派遣校数：62校（187人）"  # wrapped after the colon
    assert texts["2022-096-k01"] == "配置数 小・中学校：107人"  # label line under a heading
    keys = dict(rows(warehouse, "select kpi_target_id, metric_key from marts.fct_kpi_target"))
    assert keys["2022-015-k03"] == "低co2川崎ブランド認定件数"
    contexts = dict(rows(warehouse, "select kpi_target_id, context_text from marts.fct_kpi_target"))
    assert contexts["2022-024-k01"] == "●ジャズ・フェスティバル「かわさきジャズ」の開催"
    assert contexts["2022-024-k02"] == "●アジア諸国の民族音楽・舞踊等による「アジア交流音楽祭」の開催"


def test_every_stated_actual_is_attributed_as_read_by_hand(warehouse):
    found = rows(
        warehouse,
        """
        select kpi_target_id, actual_value, is_met, attainment_status, match_rule, actual_is_estimate
        from marts.mart_kpi_attainment where fiscal_year = 2022 and target_source = 'plan'
    """,
    )
    assert len(found) == len(FY2022_TARGETS) == len(PLAN_ACTUALS)
    assert {tid: as_number(value) for tid, value, *_ in found} == {tid: value for tid, (value, _) in PLAN_ACTUALS.items()}
    by_id = {tid: (met, status, rule, estimate) for tid, _, met, status, rule, estimate in found}
    assert {tid: by_id[tid][0] for tid in PLAN_MET} == PLAN_MET
    assert {tid: by_id[tid][2] for tid in FY2022_RULES} == FY2022_RULES
    assert {tid for tid, (*_, estimate) in by_id.items() if estimate} == ESTIMATES
    assert Counter(status for _, status, _, _ in by_id.values()) == {"met": 21, "not met": 14, "no actual stated": 12}
    ratio = rows(warehouse, "select attainment_ratio, is_met from marts.mart_kpi_attainment where kpi_target_id = '2022-014-k01'")
    assert ratio == [(pytest.approx(1.11), True)]
    reasons = rows(
        warehouse,
        """
        select count(*) filter (where no_actual_reason is null), count(*) filter (where no_actual_reason is not null)
        from marts.mart_kpi_attainment where attainment_status = 'no actual stated'
    """,
    )
    assert reasons == [(0, 12)]
    texts = dict(rows(warehouse, "select kpi_target_id, target_text from marts.mart_kpi_attainment"))
    assert texts["2022-011-k01"] == "ホール稼働率：60％以上"  # the plan's, as fct_kpi_target has it
    assert texts["2022-011-r03"] == "会議室稼働率は目標の65％に対し77％"  # the statement that states it


def test_targets_stated_in_the_results_are_targets_of_their_own(warehouse):
    found = rows(
        warehouse,
        """
        select initiative_no, target_value, actual_value, match_rule, kpi_target_id from marts.mart_kpi_attainment
        where target_source = 'results' order by kpi_target_id
    """,
    )
    assert [(no, as_number(t), as_number(a)) for no, t, a, _, _ in found] == [(no, t, a) for no, t, a in RESULTS_TARGETS]
    assert {rule for *_, rule, _ in found} == {"stated_in_results"}
    assert [tid for *_, tid in found][:3] == ["2022-011-r01", "2022-011-r02", "2022-011-r03"]


def test_actuals_keep_their_statement_and_why_they_are_no_targets(warehouse):
    # the 成果指標 of No. 34 state targets of their own; No. 44's 相談件数 measures no target
    statuses = dict(rows(warehouse, "select kpi_actual_id, match_status from marts.fct_kpi_actual"))
    assert statuses["2022-034-1-a05"] == "own_target"
    assert statuses["2022-044-1-a01"] == "no_matching_target"
    pair = rows(
        warehouse, "select stated_target_value, actual_value from marts.fct_kpi_actual where kpi_actual_id = '2022-034-1-a05'"
    )
    assert [(as_number(t), as_number(a)) for t, a in pair] == [(6.6, 5.5)]
    evidence = rows(
        warehouse,
        """
        select a.actual_text, a.actual_source_sentence, f.statement_format
        from marts.mart_kpi_attainment a join marts.fct_kpi_actual f using (kpi_actual_id)
        where a.kpi_target_id = '2022-001-k01'
    """,
    )
    assert evidence == [("累計117件", evidence[0][1], "figure")] and "マッチングを新たに25件実施" in evidence[0][1]


def test_the_kpi_functions_are_called_only_by_tables(warehouse):
    """A view that calls one of the KPI grammar's Python functions would fail in any client without them."""
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    calling = {
        node["name"]: node["config"]["materialized"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and any(f"{name}(" in node["raw_code"] for name in FUNCTIONS)
    }
    assert calling == {
        name: "table" for name in ("int_kpi_targets__parsed", "int_kpi_actuals__parsed", "int_kpi_targets__matched")
    }
    views = rows(warehouse, "select sql from duckdb_views() where not internal")
    assert views and not [sql for (sql,) in views if any(f"{name}(" in sql for name in FUNCTIONS)]


def test_fy2022_grades_and_dimensions(warehouse):
    assert rows(warehouse, "select count(*), count(distinct initiative_year_id) from marts.fct_evaluation") == [(127, 106)]
    achievement = dict(rows(warehouse, "select achievement_code, count(*) from marts.fct_evaluation group by 1"))
    contribution = dict(rows(warehouse, "select contribution_code, count(*) from marts.fct_evaluation group by 1"))
    assert achievement == {3: 106, 4: 15, 2: 6}
    assert contribution == {"A": 64, "B": 61, "C": 2}
    kinds = dict(rows(warehouse, "select kind, count(*) from marts.dim_bureau group by 1"))
    assert kinds == {"bureau": 11, "headquarters": 2, "ward office": 7, "board of education": 1}
    assert rows(warehouse, "select count(*) from marts.dim_bureau where name_en is null") == [(0,)]
    assert rows(warehouse, "select count(*) from marts.dim_policy_area where subarea_title_en is null") == [(0,)]
    assert rows(
        warehouse, "select count(*), count(distinct pillar_id), count(distinct direction_id) from marts.dim_policy_area"
    ) == [(22, 3, 9)]
    assert rows(
        warehouse, "select label_ja, programme_name_ja, has_sheet from marts.dim_fiscal_year where fiscal_year = 2022"
    ) == [("令和4年度", "第３期実行プログラム", True)]
    assert rows(warehouse, "select programme_no from marts.dim_fiscal_year where fiscal_year in (2021, 2025) order by 1") == [
        (2,),
        (3,),
    ]
    hierarchy = rows(
        warehouse,
        """
        select c.policy_code, c.level, p.policy_code, p.level, g.policy_code
        from marts.dim_policy_code c
        join marts.dim_policy_code p on c.parent_policy_code = p.policy_code
        join marts.dim_policy_code g on p.parent_policy_code = g.policy_code
        where c.policy_code = '4-4-1'
    """,
    )
    assert hierarchy == [("4-4-1", 3, "4-4", 2, "4")]
    assert rows(warehouse, "select is_ward, level, label_en from marts.dim_policy_code where policy_code = '川崎区'") == [
        (True, None, "Kawasaki Ward")
    ]
    # every row reaches every dimension
    joined = rows(
        warehouse,
        """
        select count(*) from marts.fct_evaluation e
        join marts.dim_fiscal_year y on e.fiscal_year = y.fiscal_year
        join marts.dim_initiative i on e.initiative_year_id = i.initiative_year_id
        join marts.dim_project p on e.project_key = p.project_key
        join marts.dim_bureau b on e.bureau_key = b.bureau_key
        join marts.dim_policy_code c on e.policy_code = c.policy_code
        join marts.dim_policy_area a on e.policy_area_id = a.policy_area_id
        join marts.dim_achievement_grade g on e.achievement_code = g.achievement_code
        join marts.dim_contribution_grade k on e.contribution_code = k.contribution_code
    """,
    )
    assert joined == [(127,)]


def test_the_policy_code_columns_hold_what_they_say(warehouse):
    """The sheet prints 施策番号 as ４－４－１; the readers return its digits joined by "-", and no file
    the warehouse reads keeps the printed spelling. So fct_evaluation has the code as read
    (policy_code_as_read) beside the one the joins use, and no column claims to be the code as printed."""
    columns = {
        name: comment
        for name, comment in rows(
            warehouse,
            """
        select column_name, comment from duckdb_columns()
        where schema_name = 'marts' and table_name = 'fct_evaluation' and column_name like 'policy_code%'
    """,
        )
    }
    assert set(columns) == {"policy_code", "policy_code_as_read"}
    assert "as the sheet reader returned it" in columns["policy_code_as_read"]
    codes = dict(
        rows(
            warehouse,
            """
        select evaluation_id, (policy_code_as_read, policy_code) from marts.fct_evaluation
        where evaluation_id in ('2022-001-1', '2022-061-1')
    """,
        )
    )
    assert codes == {"2022-001-1": ("4-4-1", "4-4-1"), "2022-061-1": ("川崎区", "川崎区")}
    read = rows(warehouse, "select distinct policy_code from raw.sheet_rows order by 1")
    assert read == rows(warehouse, "select distinct policy_code_as_read from marts.fct_evaluation order by 1")


def test_trend_agrees_with_a_count_of_the_raw_rows(warehouse):
    raw = rows(
        warehouse, "select fiscal_year, pillar, direction_no, bureau, achievement_code, contribution_code from raw.sheet_rows"
    )
    groups: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for _year, pillar, direction_no, bureau, achievement, contribution in raw:
        groups[("plan", "")].append((achievement, contribution))
        groups[("pillar", pillar)].append((achievement, contribution))
        groups[("direction", f"{pillar}{direction_no}")].append((achievement, contribution))
        groups[("bureau", bureau)].append((achievement, contribution))
    mart = rows(
        warehouse,
        """
        select t.grouping, coalesce(a.pillar, b.name_ja, ''),
               coalesce(d.pillar || d.direction_no, ''), t.evaluation_rows, t.grade_3_rows, t.grade_4_rows,
               t.share_on_or_above_target, t.share_below_target, t.mean_achievement_grade, t.share_contributing,
               t.previous_fiscal_year, t.change_share_on_or_above_target
        from marts.mart_attainment_trend t
        left join (select distinct pillar_id, pillar from marts.dim_policy_area) a
            on t.grouping = 'pillar' and t.group_id = a.pillar_id
        left join (select distinct direction_id, pillar, direction_no from marts.dim_policy_area) d
            on t.grouping = 'direction' and t.group_id = d.direction_id
        left join marts.dim_bureau b on t.grouping = 'bureau' and t.group_id = b.bureau_key
        where t.fiscal_year = 2022
    """,
    )
    assert len(mart) == len(groups) == 1 + 3 + 9 + 21
    for grouping, pillar_or_bureau, direction, n, g3, g4, on_or_above, below, mean, contributing, previous, change in mart:
        key = (grouping, direction if grouping == "direction" else pillar_or_bureau)
        grades = groups[key]
        assert n == len(grades), key
        assert (g3, g4) == (sum(a == 3 for a, _ in grades), sum(a == 4 for a, _ in grades)), key
        assert on_or_above == pytest.approx(sum(a <= 3 for a, _ in grades) / n), key
        assert below == pytest.approx(sum(a >= 4 for a, _ in grades) / n), key
        assert mean == pytest.approx(sum(a for a, _ in grades) / n), key
        assert contributing == pytest.approx(sum(c == "A" for _, c in grades) / n), key
        assert previous is None and change is None  # no FY2021 sheet
    plan = rows(
        warehouse, "select share_on_or_above_target, share_contributing from marts.mart_attainment_trend where grouping = 'plan'"
    )
    assert plan == [(pytest.approx(112 / 127), pytest.approx(64 / 127))]


def test_trend_counts_kpi_attainment_beside_the_grades(warehouse):
    kpis = rows(
        warehouse,
        """
        select k.attainment_status, r.pillar, r.bureau
        from marts.mart_kpi_attainment k
        join raw.sheet_rows r on k.evaluation_id = format('{:d}-{:03d}-{:d}', r.fiscal_year, r.initiative_no, r.sub_row)
        where k.target_source = 'plan'
    """,
    )
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for status, pillar, bureau in kpis:
        for key in (("plan", ""), ("pillar", pillar), ("bureau", bureau)):
            groups[key].append(status)
    mart = rows(
        warehouse,
        """
        select t.grouping, coalesce(a.pillar, b.name_ja, ''), t.kpi_targets, t.kpi_targets_with_actual, t.kpi_targets_met, t.share_kpis_met
        from marts.mart_attainment_trend t
        left join (select distinct pillar_id, pillar from marts.dim_policy_area) a on t.grouping = 'pillar' and t.group_id = a.pillar_id
        left join marts.dim_bureau b on t.grouping = 'bureau' and t.group_id = b.bureau_key
        where t.grouping in ('plan', 'pillar', 'bureau')
    """,
    )
    for grouping, name, targets, with_actual, met, share in mart:
        statuses = groups.get((grouping, name), [])
        counted = sum(s in ("met", "not met") for s in statuses)
        assert (targets, with_actual, met) == (len(statuses), counted, statuses.count("met")), (grouping, name)
        assert share == (pytest.approx(statuses.count("met") / counted) if counted else None), (grouping, name)
    assert [m[2:5] for m in mart if m[0] == "plan"] == [(47, 35, 21)]


def test_every_model_and_column_is_described_with_its_japanese_term(warehouse):
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    nodes = {
        (node["schema"], node["name"]): node for node in manifest["nodes"].values() if node["resource_type"] in ("model", "seed")
    }
    japanese = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
    columns = rows(
        warehouse,
        """
        select table_schema, table_name, column_name from information_schema.columns
        where table_schema in ('staging', 'intermediate', 'marts', 'reference')
    """,
    )
    assert {(schema, table) for schema, table, _ in columns} == set(nodes)
    undocumented = []
    for schema, table, column in columns:
        node = nodes[(schema, table)]
        description = (node["columns"].get(column) or {}).get("description", "")
        if not japanese.search(description):
            undocumented.append(f"{schema}.{table}.{column}")
    assert not undocumented
    assert all(japanese.search(node["description"]) for node in nodes.values())


def test_the_nfkc_macro_is_unicode_nfkc():
    macro = (DBT_PROJECT_DIR / "macros" / "text_normalization.sql").read_text()
    source, target = re.search(
        r"translate\(\{\{ expression \}\}, '\{% raw %\}(.*?)\{% endraw %\}', '\{% raw %\}(.*?)\{% endraw %\}'\)", macro
    ).groups()
    source, target = source.replace("''", "'"), target.replace("''", "'")
    assert len(source) == len(target) > 400
    for original, normalised in zip(source, target):
        assert unicodedata.normalize("NFKC", original) == normalised, original
    for probe in "０９Ａｚ：（）％，－　⾏₂ｶ":
        assert probe in source


def test_targets_are_placed_on_the_plans_logical_lines(warehouse):
    """plan_line_no counts the plan's logical lines (the readers join soft wraps): 「マッチング数」 is on
    line 6 of No. 1, after 「∘クラスター化推進事業…取組の」 / 「推進」 became one line; the 「…相談の実」 /
    「施」 of No. 67 is one line, and its target the line after it."""
    found = dict(
        rows(
            warehouse,
            """
        select kpi_target_id, (plan_line_no, context_text) from marts.fct_kpi_target
        where kpi_target_id in ('2022-001-k01', '2022-024-k02', '2022-067-k01', '2022-067-k02')
    """,
        )
    )
    assert found == {
        "2022-001-k01": (6, "・マッチング事業や研究会等の検討・実施"),
        "2022-024-k02": (4, "●アジア諸国の民族音楽・舞踊等による「アジア交流音楽祭」の開催"),
        "2022-067-k01": (8, "∘住宅確保要配慮者の住み替え相談や空き家の利活用に関する相談の実施"),
        "2022-067-k02": (11, "∘入居手続の同行等支援"),
    }
