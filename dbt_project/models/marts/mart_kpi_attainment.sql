with

targets as (

    select * from {{ ref('int_kpi_targets__matched') }}

),

actuals as (

    select * from {{ ref('fct_kpi_actual') }}

),

initiatives as (

    select * from {{ ref('dim_initiative') }}

),

final as (

    select
        targets.kpi_target_id,
        targets.fiscal_year,
        targets.initiative_no,
        targets.kpi_no,
        targets.initiative_year_id,
        initiatives.initiative_key,
        initiatives.initiative_name,
        targets.evaluation_id,
        targets.target_source,
        targets.metric,
        targets.comparator,
        targets.target_value,
        targets.unit,
        targets.target_text,
        targets.kpi_actual_id,
        actuals.actual_value,
        actuals.actual_unit,
        actuals.is_estimate as actual_is_estimate,
        actuals.is_approximate as actual_is_approximate,
        actuals.is_cumulative as actual_is_cumulative,
        targets.attainment_ratio,
        targets.is_met,
        case
            when targets.match_status = 'ambiguous' then 'actual not attributable'
            when targets.kpi_actual_id is null then 'no actual stated'
            when targets.is_met then 'met'
            else 'not met'
        end as attainment_status,
        targets.match_rule,
        targets.match_score,
        targets.match_evidence,
        targets.candidate_kpi_actual_ids,
        targets.no_actual_reason,
        actuals.statement_text as actual_text,
        actuals.source_sentence as actual_source_sentence

    from targets
    left join actuals
        on targets.kpi_actual_id = actuals.kpi_actual_id
    left join initiatives
        on targets.initiative_year_id = initiatives.initiative_year_id

)

select * from final
