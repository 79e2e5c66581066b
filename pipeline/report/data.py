"""What the report shows, read from the published warehouse in one read-only connection.

One connection gives one snapshot: a build that replaces the file meanwhile (an atomic move) does not
mix two builds in one report.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

CROSSWALK_TABLE = "mart_initiative_crosswalk"


@dataclass(frozen=True)
class FiscalYear:
    fiscal_year: int
    label_ja: str  # 令和4年度
    label_en: str  # FY2022


@dataclass(frozen=True)
class Grade:
    code: str  # "1"…"5" or "A"…"D"
    label_ja: str
    label_en: str


@dataclass(frozen=True)
class TrendRow:
    """One row of ``mart_attainment_trend``: a fiscal year and a group (whole plan, pillar, bureau)."""

    fiscal_year: int
    grouping: str  # plan / pillar / direction / bureau
    group_id: str
    label_ja: str
    label_en: str
    evaluation_rows: int
    grade_rows: tuple[int, int, int, int, int]  # rows with achievement grade 1…5
    share_on_or_above_target: float | None
    change_share_on_or_above_target: float | None  # from the previous year the group has rows in
    kpi_targets: int  # the plan's KPI targets of the group's rows
    kpi_targets_with_actual: int
    kpi_targets_met: int
    share_kpis_met: float | None  # met ÷ with an actual
    change_share_kpis_met: float | None

    @property
    def below_target_rows(self) -> int:
        return self.grade_rows[3] + self.grade_rows[4]


@dataclass(frozen=True)
class BelowTargetRow:
    """An evaluation row graded 4 or 5 (below the target), with the reason the sheet gives."""

    fiscal_year: int
    initiative_no: int
    sub_row: int
    initiative_name: str
    project_name: str | None
    bureau_ja: str | None
    bureau_en: str | None
    achievement_code: int
    contribution_code: str | None
    reason: str | None
    below_previous_year: bool  # the same initiative had a row below target the fiscal year before too


@dataclass(frozen=True)
class KpiRow:
    """A KPI target with the actual the results state for it (``mart_kpi_attainment``)."""

    fiscal_year: int
    initiative_no: int
    kpi_no: int
    initiative_name: str
    metric: str
    target_text: str
    comparator: str
    target_value: Decimal | None
    unit: str | None
    actual_value: Decimal | None
    actual_text: str | None
    actual_is_estimate: bool
    attainment_ratio: float | None
    is_met: bool | None
    attainment_status: str  # met / not met / actual not attributable / no actual stated
    target_source: str  # plan (a target line of the plan) or results (a target the results state)


@dataclass(frozen=True)
class InitiativeChange:
    """What became of an initiative between ``previous_fiscal_year`` and ``fiscal_year``: added, dropped,
    back after a gap (``previous_fiscal_year`` then the year it was last printed), merged into another or
    split from one (``other_name``)."""

    fiscal_year: int
    previous_fiscal_year: int
    change: str  # added / dropped / returned / merged / split
    initiative_key: str
    initiative_no: int  # as printed in the year it has a row in (the later one, where it has both)
    initiative_name: str
    other_name: str | None  # what it was merged into or split from


@dataclass(frozen=True)
class YearPair:
    """A sheet year and the one before it, with how many initiatives were carried, back after a gap,
    merged, split off, added and dropped."""

    fiscal_year: int
    previous_fiscal_year: int
    carried: int
    returned: int
    merged: int
    split: int
    added: int
    dropped: int


@dataclass(frozen=True)
class ReportData:
    source: str  # the warehouse file's name
    years: tuple[FiscalYear, ...]  # years with a sheet, oldest first
    achievement_grades: tuple[Grade, ...]
    contribution_grades: tuple[Grade, ...]
    trend: tuple[TrendRow, ...]
    below_target: tuple[BelowTargetRow, ...]
    kpis: tuple[KpiRow, ...]
    initiatives: dict[int, int]  # initiatives per fiscal year
    # Added / dropped initiatives: None unless several years and the crosswalk mart exist.
    year_pairs: tuple[YearPair, ...] | None
    changes: tuple[InitiativeChange, ...] | None

    @property
    def latest_year(self) -> FiscalYear | None:
        return self.years[-1] if self.years else None


def bilingual(ja: str | None, en: str | None) -> tuple[str, ...]:
    """A label's Japanese, then its English: where the English is missing (a bureau the seed has no
    English name for yet) the Japanese stands alone, never next to "None"."""
    parts = tuple(dict.fromkeys(part for part in (ja, en) if part))
    return parts or ("—",)


class WarehouseNotFound(FileNotFoundError):
    """The warehouse file to report on does not exist."""


def read_report_data(warehouse: Path) -> ReportData:
    """Everything the report shows, from the ``marts`` schema of ``warehouse``."""
    if not warehouse.is_file():
        raise WarehouseNotFound(f"{warehouse}: no warehouse file (run `python -m pipeline build` first)")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        years = tuple(
            FiscalYear(*row)
            for row in _rows(
                con,
                """
            select fiscal_year, label_ja, label_en from marts.dim_fiscal_year where has_sheet order by fiscal_year
        """,
            )
        )
        achievement = tuple(
            Grade(str(code), ja, en)
            for code, ja, en in _rows(
                con,
                """
            select achievement_code, label_ja, label_en from marts.dim_achievement_grade order by achievement_code
        """,
            )
        )
        contribution = tuple(
            Grade(*row)
            for row in _rows(
                con,
                """
            select contribution_code, label_ja, label_en from marts.dim_contribution_grade order by contribution_code
        """,
            )
        )
        trend = tuple(
            TrendRow(year, grouping, group_id, ja, en, rows, (g1, g2, g3, g4, g5), *rest)
            for year, grouping, group_id, ja, en, rows, g1, g2, g3, g4, g5, *rest in _rows(
                con,
                """
                select fiscal_year, grouping, group_id, group_label_ja, group_label_en, evaluation_rows,
                    grade_1_rows, grade_2_rows, grade_3_rows, grade_4_rows, grade_5_rows,
                    share_on_or_above_target, change_share_on_or_above_target,
                    kpi_targets, kpi_targets_with_actual, kpi_targets_met, share_kpis_met, change_share_kpis_met
                from marts.mart_attainment_trend
                order by fiscal_year, grouping, group_id
            """,
            )
        )
        below = tuple(
            BelowTargetRow(*row)
            for row in _rows(
                con,
                """
            select
                e.fiscal_year, e.initiative_no, e.sub_row, i.initiative_name, e.project_name,
                e.bureau_name, b.name_en, e.achievement_code, e.contribution_code, e.reason,
                coalesce(
                    h.previous_fiscal_year = e.fiscal_year - 1 and h.previous_worst_achievement_code >= 4, false
                ) as below_previous_year,
            from marts.fct_evaluation as e
            join marts.dim_initiative as i using (initiative_year_id)
            left join marts.dim_bureau as b using (bureau_key)
            left join marts.mart_initiative_history as h
                on h.initiative_key = e.initiative_key and h.fiscal_year = e.fiscal_year
            where e.achievement_code >= 4
            order by e.fiscal_year desc, e.achievement_code desc, e.initiative_no, e.sub_row
        """,
            )
        )
        kpis = tuple(
            KpiRow(*row)
            for row in _rows(
                con,
                """
            select
                fiscal_year, initiative_no, kpi_no, initiative_name, metric, target_text, comparator,
                target_value, unit, actual_value, actual_text, coalesce(actual_is_estimate, false),
                attainment_ratio, is_met, attainment_status, target_source,
            from marts.mart_kpi_attainment
            order by fiscal_year desc, initiative_no, kpi_no
        """,
            )
        )
        initiatives = dict(_rows(con, "select fiscal_year, count(*) from marts.dim_initiative group by 1 order by 1"))
        pairs = changes = None
        if len(years) > 1 and _has_table(con, "marts", CROSSWALK_TABLE):
            pairs, changes = _initiative_changes(con)
    return ReportData(
        source=warehouse.name,
        years=years,
        achievement_grades=achievement,
        contribution_grades=contribution,
        trend=trend,
        below_target=below,
        kpis=kpis,
        initiatives=initiatives,
        year_pairs=pairs,
        changes=changes,
    )


def _initiative_changes(con: duckdb.DuckDBPyConnection) -> tuple[tuple[YearPair, ...], tuple[InitiativeChange, ...]]:
    """What became of initiatives from one sheet year to the next, as the crosswalk mart decided it
    (every mart takes its keys from the same matching): one pair per later sheet year, its links
    counted by kind. An initiative back after a gap is linked to the year it was last printed in, so
    the pair's earlier year is that of its other rows."""
    changes = tuple(
        InitiativeChange(*row)
        for row in _rows(
            con,
            f"""
        select
            to_year,
            from_year,
            case
                when match_status = 'new' then 'added'
                when match_status = 'dropped' then 'dropped'
                when link_kind = 'merged_into' then 'merged'
                when link_kind = 'split_from' then 'split'
                else link_kind
            end as change,
            initiative_key,
            coalesce(to_initiative_no, from_initiative_no) as initiative_no,
            case when link_kind = 'split_from' then to_initiative_name
                else coalesce(from_initiative_name, to_initiative_name) end as initiative_name,
            case link_kind when 'merged_into' then to_initiative_name when 'split_from' then from_initiative_name end,
        from marts.{CROSSWALK_TABLE}
        where match_status in ('new', 'dropped') or link_kind in ('returned', 'merged_into', 'split_from')
        order by to_year, change, initiative_no
    """,
        )
    )
    pairs = tuple(
        YearPair(*row)
        for row in _rows(
            con,
            f"""
        select
            to_year,
            max(from_year) filter (where link_kind is distinct from 'returned'),
            count(*) filter (where link_kind = 'continued'),
            count(*) filter (where link_kind = 'returned'),
            count(*) filter (where link_kind = 'merged_into'),
            count(*) filter (where link_kind = 'split_from'),
            count(*) filter (where match_status = 'new'),
            count(*) filter (where match_status = 'dropped'),
        from marts.{CROSSWALK_TABLE}
        group by to_year
        order by to_year
    """,
        )
    )
    return pairs, changes


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return (
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
        ).fetchone()[0]
        > 0
    )


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()
