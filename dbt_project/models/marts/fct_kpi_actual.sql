with

figures as (

    select * from {{ ref('int_kpi_actuals__parsed') }}

),

targets as (

    select * from {{ ref('int_kpi_targets__matched') }}

),

initiatives as (

    select * from {{ ref('int_initiatives__identified') }}

),

actual_of as (

    select
        kpi_actual_id,
        kpi_target_id,
        target_source,
        match_rule
    from targets
    where kpi_actual_id is not null

),

candidate_of as (

    -- targets that could not tell this figure from another (ambiguous) list it as a candidate
    select
        kpi_actual_id,
        list(kpi_target_id order by kpi_target_id) as candidate_kpi_target_ids
    from (
        select
            unnest(candidate_kpi_actual_ids) as kpi_actual_id,
            kpi_target_id
        from targets
        where match_status = 'ambiguous'
    )
    group by kpi_actual_id

),

final as (

    select
        figures.kpi_actual_id,
        figures.evaluation_id,
        figures.fiscal_year,
        figures.initiative_no,
        figures.sub_row,
        figures.statement_no,
        figures.initiative_year_id,
        initiatives.initiative_key,
        actual_of.kpi_target_id,
        case
            when actual_of.target_source = 'results' then 'own_target'
            when actual_of.kpi_target_id is not null then 'matched'
            when candidate_of.kpi_actual_id is not null then 'ambiguous'
            else 'no_matching_target'
        end as match_status,
        actual_of.match_rule,
        coalesce(candidate_of.candidate_kpi_target_ids, []) as candidate_kpi_target_ids,
        figures.statement_format,
        figures.metric,
        figures.metric_key,
        figures.actual_value,
        figures.actual_unit,
        figures.rate_period,
        figures.stated_target_value,
        figures.stated_target_unit,
        figures.is_estimate,
        figures.is_approximate,
        figures.is_cumulative,
        figures.is_year_increment,
        figures.is_change,
        figures.statement_text,
        figures.source_sentence

    from figures
    left join actual_of
        on figures.kpi_actual_id = actual_of.kpi_actual_id
    left join candidate_of
        on figures.kpi_actual_id = candidate_of.kpi_actual_id
    left join initiatives
        on figures.fiscal_year = initiatives.fiscal_year
            and figures.initiative_no = initiatives.initiative_no
    -- figures in an explicit wording, and any other a target took or could not tell apart
    where figures.statement_format not in ('figure', 'dated_event')
        or actual_of.kpi_actual_id is not null
        or candidate_of.kpi_actual_id is not null

)

select * from final
