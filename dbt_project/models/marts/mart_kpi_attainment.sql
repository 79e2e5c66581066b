with

targets as (

    select * from {{ ref('fct_kpi_target') }}

),

actuals as (

    select * from {{ ref('fct_kpi_actual') }}

),

initiatives as (

    select * from {{ ref('dim_initiative') }}

),

matched_actuals as (

    select * from actuals
    where kpi_target_id is not null

),

ambiguous_actuals as (

    -- targets for which an actual is stated but could be another target's (two 「入場者数」 targets)
    select distinct unnest(candidate_kpi_target_ids) as kpi_target_id
    from actuals
    where match_status = 'ambiguous'

),

compared as (

    select
        targets.kpi_target_id,
        targets.fiscal_year,
        targets.initiative_no,
        targets.kpi_no,
        targets.initiative_year_id,
        targets.initiative_key,
        initiatives.initiative_name,
        targets.metric,
        targets.comparator,
        targets.target_value,
        targets.unit,
        targets.target_text,
        matched_actuals.kpi_actual_id,
        matched_actuals.actual_value,
        matched_actuals.is_estimate as actual_is_estimate,
        matched_actuals.is_approximate as actual_is_approximate,
        matched_actuals.match_rule,
        matched_actuals.statement_text as actual_text,
        matched_actuals.source_sentence as actual_source_sentence,
        ambiguous_actuals.kpi_target_id is not null as has_ambiguous_actual,
        case
            when matched_actuals.actual_value is not null and targets.target_value <> 0
                then cast(matched_actuals.actual_value / targets.target_value as double)
        end as attainment_ratio,
        case
            when matched_actuals.actual_value is null then null
            when targets.comparator = '<=' then matched_actuals.actual_value <= targets.target_value
            else matched_actuals.actual_value >= targets.target_value
        end as is_met

    from targets
    left join matched_actuals
        on targets.kpi_target_id = matched_actuals.kpi_target_id
    left join ambiguous_actuals
        on targets.kpi_target_id = ambiguous_actuals.kpi_target_id
    left join initiatives
        on targets.initiative_year_id = initiatives.initiative_year_id

),

final as (

    select
        kpi_target_id,
        fiscal_year,
        initiative_no,
        kpi_no,
        initiative_year_id,
        initiative_key,
        initiative_name,
        metric,
        comparator,
        target_value,
        unit,
        target_text,
        kpi_actual_id,
        actual_value,
        actual_is_estimate,
        actual_is_approximate,
        attainment_ratio,
        is_met,
        case
            when kpi_actual_id is null and has_ambiguous_actual then 'actual not attributable'
            when kpi_actual_id is null then 'no actual stated'
            when is_met then 'met'
            else 'not met'
        end as attainment_status,
        match_rule,
        actual_text,
        actual_source_sentence

    from compared

)

select * from final
