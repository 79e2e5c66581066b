with

targets as (

    select * from {{ ref('int_kpi_targets__parsed') }}

),

initiatives as (

    select * from {{ ref('int_initiatives__identified') }}

),

final as (

    select
        targets.kpi_target_id,
        targets.fiscal_year,
        targets.initiative_no,
        targets.kpi_no,
        targets.initiative_year_id,
        initiatives.initiative_key,
        targets.metric,
        targets.metric_key,
        targets.target_value,
        targets.unit,
        targets.comparator,
        targets.value_prefix,
        targets.is_cumulative,
        targets.target_text,
        targets.context_text,
        targets.section_text,
        targets.plan_line_no

    from targets
    left join initiatives
        on targets.fiscal_year = initiatives.fiscal_year
            and targets.initiative_no = initiatives.initiative_no

)

select * from final
