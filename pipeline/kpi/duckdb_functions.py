"""The KPI grammar as DuckDB functions, for the dbt models (registered by ``pipeline.kpi.dbt_plugin``).

Each function takes a cell's text (or an initiative's targets and rows as JSON) and returns a list of
structs, which the models unnest. A relation that calls one must be a table: a view would fail in any
client without these functions (a BI tool opening the published file).
"""

from __future__ import annotations

import json
from dataclasses import asdict

import duckdb

from pipeline.kpi.matcher import PlanTarget, Row, match
from pipeline.kpi.statements import parse_figures
from pipeline.kpi.targets import parse_targets, plan_metrics
from pipeline.kpi.text import match_key

TARGET = (
    "STRUCT(kpi_no INTEGER, metric VARCHAR, metric_key VARCHAR, target_value DOUBLE, unit VARCHAR, comparator VARCHAR,"
    " value_prefix VARCHAR, is_cumulative BOOLEAN, target_text VARCHAR, context_text VARCHAR, section_text VARCHAR,"
    " plan_line_no INTEGER)[]"
)
FIGURE = (
    "STRUCT(statement_no INTEGER, statement_format VARCHAR, metric VARCHAR, metric_key VARCHAR, actual_value DOUBLE,"
    " actual_unit VARCHAR, rate_period VARCHAR, stated_target_value DOUBLE, stated_target_unit VARCHAR,"
    " is_estimate BOOLEAN, is_approximate BOOLEAN, is_cumulative BOOLEAN, is_year_increment BOOLEAN, is_change BOOLEAN,"
    " is_per_unit BOOLEAN, statement_text VARCHAR, source_sentence VARCHAR)[]"
)
OUTCOME = (
    "STRUCT(target_source VARCHAR, kpi_no INTEGER, metric VARCHAR, target_value DOUBLE, unit VARCHAR, comparator VARCHAR,"
    " target_text VARCHAR, match_status VARCHAR, sub_row INTEGER, statement_no INTEGER, match_rule VARCHAR,"
    " match_score DOUBLE, match_evidence VARCHAR, is_met BOOLEAN, attainment_ratio DOUBLE, no_actual_reason VARCHAR,"
    " candidates STRUCT(sub_row INTEGER, statement_no INTEGER, actual_value DOUBLE, score DOUBLE)[])[]"
)


def kpi_plan_metrics(plan: str) -> list[str]:
    return plan_metrics(plan)


def kpi_plan_targets(plan: str, known: list[str]) -> list[dict]:
    return [asdict(target) for target in parse_targets(plan, known or [])]


def kpi_result_figures(results: str) -> list[dict]:
    return [
        {
            "statement_no": f.statement_no,
            "statement_format": f.statement_format,
            "metric": f.metric,
            "metric_key": match_key(f.metric) if f.metric else None,
            "actual_value": f.value,
            "actual_unit": f.unit,
            "rate_period": f.period,
            "stated_target_value": f.stated_target_value,
            "stated_target_unit": f.stated_target_unit,
            "is_estimate": f.is_estimate,
            "is_approximate": f.is_approximate,
            "is_cumulative": f.is_cumulative,
            "is_year_increment": f.is_year_increment,
            "is_change": f.is_change,
            "is_per_unit": f.is_per_unit,
            "statement_text": f.statement_text,
            "source_sentence": f.source_sentence,
        }
        for f in parse_figures(results)
    ]


def kpi_match(targets_json: str, rows_json: str) -> list[dict]:
    targets = [PlanTarget(**t) for t in json.loads(targets_json or "[]")]
    rows = [Row(**r) for r in json.loads(rows_json or "[]")]
    out = []
    for o in match(targets, rows):
        out.append(
            {
                "target_source": o.target_source,
                "kpi_no": o.kpi_no,
                "metric": o.metric,
                "target_value": o.target_value,
                "unit": o.unit,
                "comparator": o.comparator,
                "target_text": o.target_text,
                "match_status": o.match_status,
                "sub_row": o.actual.sub_row if o.actual else None,
                "statement_no": o.actual.figure.statement_no if o.actual else None,
                "match_rule": o.match_rule,
                "match_score": o.actual.score if o.actual else None,
                "match_evidence": o.match_evidence,
                "is_met": o.is_met,
                "attainment_ratio": o.attainment_ratio,
                "no_actual_reason": o.no_actual_reason,
                "candidates": [
                    {
                        "sub_row": c.sub_row,
                        "statement_no": c.figure.statement_no,
                        "actual_value": c.figure.value,
                        "score": round(c.score, 4),
                    }
                    for c in o.candidates
                ],
            }
        )
    return out


FUNCTIONS = {
    "kpi_plan_metrics": (kpi_plan_metrics, ["VARCHAR"], "VARCHAR[]"),
    "kpi_plan_targets": (kpi_plan_targets, ["VARCHAR", "VARCHAR[]"], TARGET),
    "kpi_result_figures": (kpi_result_figures, ["VARCHAR"], FIGURE),
    "kpi_match": (kpi_match, ["VARCHAR", "VARCHAR"], OUTCOME),
}


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Create the KPI functions on a connection (and so on every cursor of it)."""
    for name, (function, parameters, returns) in FUNCTIONS.items():
        con.create_function(name, function, parameters, returns, side_effects=False)
