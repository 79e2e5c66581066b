with

actuals as (

    select * from {{ ref('int_kpi_actuals__matched') }}

),

initiatives as (

    select * from {{ ref('int_initiatives__identified') }}

),

final as (

    select
        actuals.kpi_actual_id,
        actuals.evaluation_id,
        actuals.fiscal_year,
        actuals.initiative_no,
        actuals.sub_row,
        actuals.statement_no,
        actuals.initiative_year_id,
        initiatives.initiative_key,
        actuals.kpi_target_id,
        actuals.match_status,
        actuals.match_rule,
        actuals.candidate_kpi_target_ids,
        actuals.statement_format,
        actuals.metric,
        actuals.metric_key,
        actuals.actual_value,
        actuals.actual_unit,
        actuals.stated_target_value,
        actuals.stated_target_unit,
        actuals.is_estimate,
        actuals.is_approximate,
        actuals.statement_text,
        actuals.source_sentence

    from actuals
    left join initiatives
        on actuals.fiscal_year = initiatives.fiscal_year
        and actuals.initiative_no = initiatives.initiative_no

)

select * from final
