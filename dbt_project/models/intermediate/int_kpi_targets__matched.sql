{#-
    Every KPI target with the figure of its initiative's results that is its actual, where the matcher
    (pipeline/kpi/matcher.py, the DuckDB function kpi_match) can tell: one row per plan target, and one
    per target the results state of their own (「会議室稼働率は目標の65％に対し77％」, target_source
    results). The matcher ranks an initiative's figures for each target by metric words (synonyms folded),
    unit, scale, plan item and place, one to one; an ambiguous target keeps its candidates and no
    actual. The rules are in docs/warehouse.md. A table: it calls a Python function.
-#}
{{ config(materialized='table') }}

with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

targets as (

    select * from {{ ref('int_kpi_targets__parsed') }}

),

initiative_targets as (

    select
        fiscal_year,
        initiative_no,
        to_json(list(struct_pack(
            kpi_no,
            metric,
            target_value := cast(target_value as double),
            unit,
            comparator,
            value_prefix,
            is_cumulative,
            context_text,
            section_text
        ) order by kpi_no)) as targets_json

    from targets
    group by fiscal_year, initiative_no

),

initiative_rows as (

    select
        fiscal_year,
        initiative_no,
        initiative_year_id,
        min(sub_row) as first_sub_row,
        to_json(list(struct_pack(sub_row, achievement_code, results) order by sub_row)) as rows_json

    from sheet_rows
    group by fiscal_year, initiative_no, initiative_year_id

),

outcomes as (

    select
        initiative_rows.fiscal_year,
        initiative_rows.initiative_no,
        initiative_rows.initiative_year_id,
        initiative_rows.first_sub_row,
        unnest(kpi_match(coalesce(initiative_targets.targets_json, '[]'), initiative_rows.rows_json)) as outcome

    from initiative_rows
    left join initiative_targets
        on initiative_rows.fiscal_year = initiative_targets.fiscal_year
            and initiative_rows.initiative_no = initiative_targets.initiative_no

),

numbered as (

    select
        outcomes.*,
        -- a plan target as printed; one stated in the results is its statement
        coalesce(plan_targets.target_text, outcomes.outcome.target_text) as target_text,
        -- the row the target is counted with: the one whose results state its actual, else the first
        counted_with.evaluation_id,
        row_number() over (
            partition by outcomes.fiscal_year, outcomes.initiative_no, outcomes.outcome.target_source
            order by outcomes.outcome.kpi_no
        ) as source_no

    from outcomes
    inner join sheet_rows as counted_with
        on outcomes.fiscal_year = counted_with.fiscal_year
            and outcomes.initiative_no = counted_with.initiative_no
            and coalesce(outcomes.outcome.sub_row, outcomes.first_sub_row) = counted_with.sub_row
    left join targets as plan_targets
        on outcomes.outcome.target_source = 'plan'
            and outcomes.fiscal_year = plan_targets.fiscal_year
            and outcomes.initiative_no = plan_targets.initiative_no
            and outcomes.outcome.kpi_no = plan_targets.kpi_no

),

final as (

    select
        {{ kpi_target_id(
            'fiscal_year', 'initiative_no',
            "case outcome.target_source when 'plan' then 'k' else 'r' end",
            "case outcome.target_source when 'plan' then outcome.kpi_no else source_no end"
        ) }} as kpi_target_id,
        initiative_year_id,
        fiscal_year,
        initiative_no,
        outcome.kpi_no,
        outcome.target_source,
        outcome.metric,
        cast(outcome.target_value as decimal(18, 4)) as target_value,
        outcome.unit,
        outcome.comparator,
        target_text,
        outcome.match_status,
        case when outcome.sub_row is not null then
                {{ kpi_actual_id('fiscal_year', 'initiative_no', 'outcome.sub_row', 'outcome.statement_no') }}
        end as kpi_actual_id,
        evaluation_id,
        outcome.match_rule,
        outcome.match_score,
        outcome.match_evidence,
        list_transform(
            outcome.candidates,
            lambda candidate: {{ kpi_actual_id('fiscal_year', 'initiative_no', 'candidate.sub_row', 'candidate.statement_no') }}
        ) as candidate_kpi_actual_ids,
        outcome.is_met,
        outcome.attainment_ratio,
        outcome.no_actual_reason

    from numbered

)

select * from final
