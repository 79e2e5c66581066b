"""Every SQL block of docs/queries.md runs against a built warehouse, so the documentation cannot rot.

The FY2022 warehouse has one year; the queries that compare years are also run on a copy of it with a
second, derived year (``add_derived_year``) whose changes are known, and must find exactly those.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
QUERIES_DOC = REPO / "docs" / "queries.md"


def documented_queries() -> list[tuple[str, str]]:
    """(heading, sql) for every ```sql block, named by the ``##`` heading above it."""
    queries, heading = [], None
    for match in re.finditer(
        r"^## (?P<heading>[^\n]+)$|^```sql\n(?P<sql>.*?)^```", QUERIES_DOC.read_text(encoding="utf-8"), re.M | re.S
    ):
        if match["heading"]:
            heading = match["heading"].strip()
        else:
            assert heading, "a sql block before the first ## heading"
            queries.append((heading, match["sql"]))
    return queries


QUERIES = documented_queries()
TITLES = [title for title, _ in QUERIES]

# Questions the FY2022 sheet alone answers: they must find rows.
ROWS_ON_ONE_YEAR = {
    "Share on target per pillar and year",
    "Grade distribution per bureau in the latest year",
    "Initiatives below target, with their reasons",
    "KPI targets by bureau",
    "KPI targets with no stated actual",
    "KPI targets met and missed",
    "Contribution grade against achievement grade",
}

# Questions across years, and how many rows each finds once FY2023 is derived (see add_derived_year).
ROWS_WITH_DERIVED_YEAR = {
    # FY2022's below-target initiatives, less No. 4 which improves in FY2023.
    "Initiatives below target two years running": lambda below_2022: below_2022 - 1,
    "Bureaus whose share on target fell": lambda _: 1,  # 港湾局
    "Initiatives whose KPI target was lowered": lambda _: 1,  # No. 1, マッチング数 85 → 80
    "Initiatives added and dropped between years": lambda _: 2,  # No. 106 dropped, I2023-107 added
}


def add_derived_year(path: Path) -> None:
    """Give the warehouse at ``path`` a FY2023 derived from its FY2022 rows, in the marts only:
    every initiative carried with its key, except No. 106 (dropped) and a new one, I2023-107 (added);
    No. 4 improves from grade 4 to 3; No. 1's first KPI target is lowered; 港湾局's share on target
    falls. The crosswalk and the initiative history get the FY2022 → FY2023 rows that say so (of the
    history, its keys and each year's achievement grades; the columns that compare them stay empty)."""
    with duckdb.connect(str(path)) as con:
        con.execute("""
            update marts.dim_fiscal_year set has_sheet = true where fiscal_year = 2023;

            insert into marts.dim_initiative by name
            select * replace (2023 as fiscal_year, '2023-' || substr(initiative_year_id, 6) as initiative_year_id)
            from marts.dim_initiative where fiscal_year = 2022 and initiative_no <> 106;
            insert into marts.dim_initiative by name
            select * replace (2023 as fiscal_year, '2023-107' as initiative_year_id, 'I2023-107' as initiative_key,
                              107 as initiative_no, '新しい取組' as initiative_name)
            from marts.dim_initiative where initiative_year_id = '2022-001';

            insert into marts.fct_evaluation by name
            select * replace (
                2023 as fiscal_year,
                '2023-' || substr(evaluation_id, 6) as evaluation_id,
                '2023-' || substr(initiative_year_id, 6) as initiative_year_id,
                case when initiative_no = 4 then 3 else achievement_code end as achievement_code)
            from marts.fct_evaluation where fiscal_year = 2022 and initiative_no <> 106;

            insert into marts.fct_kpi_target by name
            select * replace (
                2023 as fiscal_year,
                '2023-' || substr(kpi_target_id, 6) as kpi_target_id,
                '2023-' || substr(initiative_year_id, 6) as initiative_year_id,
                case when kpi_target_id = '2022-001-k01' then target_value - 5 else target_value end as target_value,
                case when kpi_target_id = '2022-001-k01' then replace(target_text, '85', '80') else target_text end
                    as target_text)
            from marts.fct_kpi_target where fiscal_year = 2022 and initiative_no <> 106;

            insert into marts.fct_kpi_actual by name
            select * replace (2023 as fiscal_year, '2023-' || substr(kpi_actual_id, 6) as kpi_actual_id,
                              '2023-' || substr(evaluation_id, 6) as evaluation_id,
                              '2023-' || substr(initiative_year_id, 6) as initiative_year_id,
                              '2023-' || substr(kpi_target_id, 6) as kpi_target_id)
            from marts.fct_kpi_actual where fiscal_year = 2022 and initiative_no <> 106;

            insert into marts.mart_kpi_attainment by name
            select * replace (2023 as fiscal_year, '2023-' || substr(kpi_target_id, 6) as kpi_target_id,
                              '2023-' || substr(initiative_year_id, 6) as initiative_year_id,
                              '2023-' || substr(evaluation_id, 6) as evaluation_id,
                              '2023-' || substr(kpi_actual_id, 6) as kpi_actual_id)
            from marts.mart_kpi_attainment where fiscal_year = 2022 and initiative_no <> 106;

            insert into marts.mart_attainment_trend by name
            select * replace (
                2023 as fiscal_year,
                '2023' || substr(trend_row_id, 5) as trend_row_id,
                2022 as previous_fiscal_year,
                case when group_id = '港湾局' then share_on_or_above_target - 0.1 else share_on_or_above_target end
                    as share_on_or_above_target,
                case when group_id = '港湾局' then -0.1 else 0.0 end as change_share_on_or_above_target)
            from marts.mart_attainment_trend where fiscal_year = 2022;

            insert into marts.mart_initiative_crosswalk by name
            select
                '2022-2023|' || coalesce(before.initiative_year_id, after.initiative_year_id) as crosswalk_row_id,
                2022 as from_year,
                2023 as to_year,
                coalesce(before.initiative_key, after.initiative_key) as initiative_key,
                case when after.initiative_key is null then 'dropped' when before.initiative_key is null then 'new'
                    else 'matched' end as match_status,
                case when before.initiative_key = after.initiative_key then 'continued' end as link_kind,
                case when before.initiative_key = after.initiative_key then 'exact_name' end as match_rule,
                before.initiative_year_id as from_initiative_year_id,
                after.initiative_year_id as to_initiative_year_id,
                before.initiative_no as from_initiative_no,
                after.initiative_no as to_initiative_no,
                before.initiative_name as from_initiative_name,
                after.initiative_name as to_initiative_name
            from (from marts.dim_initiative where fiscal_year = 2022) as before
            full join (from marts.dim_initiative where fiscal_year = 2023) as after
                on before.initiative_key = after.initiative_key;

            insert into marts.mart_initiative_history by name
            with this_year as (
                select
                    i.initiative_key, i.initiative_year_id, i.initiative_no, i.initiative_name,
                    list(e.achievement_code order by e.sub_row) as achievement_codes,
                    max(e.achievement_code) as worst_achievement_code
                from marts.dim_initiative as i
                join marts.fct_evaluation as e using (initiative_year_id)
                where i.fiscal_year = 2023
                group by all
            )
            select
                coalesce(now.initiative_key, last.initiative_key) || '|2023' as history_row_id,
                coalesce(now.initiative_key, last.initiative_key) as initiative_key,
                2023 as fiscal_year,
                2022 as previous_fiscal_year,
                now.initiative_year_id,
                last.initiative_year_id as previous_initiative_year_id,
                now.initiative_no,
                last.initiative_no as previous_initiative_no,
                coalesce(now.initiative_name, last.initiative_name) as initiative_name,
                now.achievement_codes,
                now.worst_achievement_code,
                last.achievement_codes as previous_achievement_codes,
                last.worst_achievement_code as previous_worst_achievement_code
            from this_year as now
            full join (from marts.mart_initiative_history where fiscal_year = 2022) as last
                on now.initiative_key = last.initiative_key;
        """)


@pytest.fixture(scope="module")
def two_year_warehouse(built_warehouse, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("two_years") / "kawasaki_policy.duckdb"
    shutil.copyfile(built_warehouse, path)
    add_derived_year(path)
    return path


def run_query(path: Path, sql: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()


def test_the_page_documents_at_least_six_queries_with_distinct_headings():
    assert len(QUERIES) >= 6
    assert len(set(TITLES)) == len(TITLES)
    # The expectations below name queries by heading: a renamed heading must not drop its check.
    assert set(TITLES) >= ROWS_ON_ONE_YEAR
    assert set(ROWS_WITH_DERIVED_YEAR) <= set(TITLES)


@pytest.mark.parametrize("title, sql", QUERIES, ids=TITLES)
def test_documented_query_runs(built_warehouse, title, sql):
    columns, rows = run_query(built_warehouse, sql)
    assert columns, title
    assert len(set(columns)) == len(columns), f"{title}: duplicate column names {columns}"
    if title in ROWS_ON_ONE_YEAR:
        assert rows, f"{title}: no rows on the FY2022 warehouse"


@pytest.mark.parametrize("title", sorted(ROWS_WITH_DERIVED_YEAR))
def test_queries_across_years_find_the_derived_changes(built_warehouse, two_year_warehouse, title):
    sql = dict(QUERIES)[title]
    _, rows_2022 = run_query(built_warehouse, sql)
    assert rows_2022 == [], f"{title}: rows on a one-year warehouse"
    (below_2022,) = run_query(
        built_warehouse,
        """
        select count(distinct initiative_key) from marts.fct_evaluation where fiscal_year = 2022 and achievement_code >= 4
    """,
    )[1][0]
    _, rows = run_query(two_year_warehouse, sql)
    assert len(rows) == ROWS_WITH_DERIVED_YEAR[title](below_2022), (title, rows)
