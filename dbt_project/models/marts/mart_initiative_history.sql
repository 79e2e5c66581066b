{%- set kpi_changes = ['raised', 'lowered', 'unchanged', 'redefined', 'new', 'dropped'] -%}

with

evaluations as (

    select * from {{ ref('fct_evaluation') }}

),

initiatives as (

    select * from {{ ref('dim_initiative') }}

),

kpi_history as (

    select * from {{ ref('mart_kpi_target_history') }}

),

sheet_years as (

    {{ sheet_years('evaluations') }}

),

graded as (

    -- an initiative's grades in a year, over its rows (one per 事務事業 or ward): each row's, in sheet
    -- order, and their best, worst and mean; contribution A–D counted 1–4 for the mean
    select
        initiatives.initiative_key,
        initiatives.fiscal_year,
        initiatives.initiative_year_id,
        initiatives.initiative_no,
        initiatives.initiative_name,
        initiatives.policy_area_id,
        count(*) as evaluation_rows,
        list(evaluations.achievement_code order by evaluations.sub_row) as achievement_codes,
        min(evaluations.achievement_code) as best_achievement_code,
        max(evaluations.achievement_code) as worst_achievement_code,
        avg(evaluations.achievement_code) as mean_achievement_grade,
        list(evaluations.contribution_code order by evaluations.sub_row) as contribution_codes,
        max(evaluations.contribution_code) as worst_contribution_code,
        avg(list_position(['A', 'B', 'C', 'D'], evaluations.contribution_code)) as mean_contribution_grade

    from initiatives
    inner join evaluations
        on initiatives.initiative_year_id = evaluations.initiative_year_id
    group by all

),

this_year as (

    select
        graded.*,
        sheet_years.previous_fiscal_year

    from graded
    inner join sheet_years
        on graded.fiscal_year = sheet_years.fiscal_year

),

last_year as (

    select
        graded.*,
        sheet_years.fiscal_year as next_fiscal_year

    from graded
    inner join sheet_years
        on graded.fiscal_year = sheet_years.previous_fiscal_year

),

compared as (

    -- every initiative in every sheet year it has, and in the sheet year after its last (dropped)
    select
        coalesce(this_year.initiative_key, last_year.initiative_key) as initiative_key,
        coalesce(this_year.fiscal_year, last_year.next_fiscal_year) as fiscal_year,
        coalesce(this_year.previous_fiscal_year, last_year.fiscal_year) as previous_fiscal_year,
        this_year.initiative_year_id,
        last_year.initiative_year_id as previous_initiative_year_id,
        this_year.initiative_no,
        last_year.initiative_no as previous_initiative_no,
        coalesce(this_year.initiative_name, last_year.initiative_name) as initiative_name,
        coalesce(this_year.policy_area_id, last_year.policy_area_id) as policy_area_id,
        this_year.evaluation_rows,
        this_year.achievement_codes,
        this_year.best_achievement_code,
        this_year.worst_achievement_code,
        this_year.mean_achievement_grade,
        this_year.contribution_codes,
        this_year.worst_contribution_code,
        this_year.mean_contribution_grade,
        last_year.achievement_codes as previous_achievement_codes,
        last_year.worst_achievement_code as previous_worst_achievement_code,
        last_year.mean_achievement_grade as previous_mean_achievement_grade,
        last_year.contribution_codes as previous_contribution_codes,
        last_year.mean_contribution_grade as previous_mean_contribution_grade

    from this_year
    full outer join last_year
        on this_year.fiscal_year = last_year.next_fiscal_year
        and this_year.initiative_key = last_year.initiative_key

),

classified as (

    select
        *,
        case
            when initiative_year_id is null then 'dropped'
            when previous_fiscal_year is null then null
            when previous_initiative_year_id is null then 'new'
            when mean_achievement_grade < previous_mean_achievement_grade then 'improved'
            when mean_achievement_grade > previous_mean_achievement_grade then 'worsened'
            else 'unchanged'
        end as achievement_change,
        case
            when initiative_year_id is null then 'dropped'
            when previous_fiscal_year is null then null
            when previous_initiative_year_id is null then 'new'
            when mean_contribution_grade < previous_mean_contribution_grade then 'improved'
            when mean_contribution_grade > previous_mean_contribution_grade then 'worsened'
            else 'unchanged'
        end as contribution_change

    from compared

),

kpi_summary as (

    select
        initiative_key,
        fiscal_year,
        count(kpi_target_id) as kpi_targets,
        {%- for change in kpi_changes %}
        count(*) filter (where target_change = '{{ change }}') as kpi_targets_{{ change }},
        {%- endfor %}
        list(
            {
                'metric': metric,
                'target_value': target_value,
                'previous_target_value': previous_target_value,
                'unit': coalesce(unit, previous_unit),
                'target_change': target_change
            }
            order by coalesce(kpi_target_id, previous_kpi_target_id)
        ) as kpi_target_changes

    from kpi_history
    group by initiative_key, fiscal_year

),

final as (

    select
        classified.initiative_key || '|' || classified.fiscal_year as history_row_id,
        classified.initiative_key,
        classified.fiscal_year,
        classified.previous_fiscal_year,
        classified.initiative_year_id,
        classified.previous_initiative_year_id,
        classified.initiative_no,
        classified.previous_initiative_no,
        classified.initiative_name,
        classified.policy_area_id,
        classified.evaluation_rows,
        classified.achievement_codes,
        classified.best_achievement_code,
        classified.worst_achievement_code,
        classified.mean_achievement_grade,
        classified.previous_achievement_codes,
        classified.previous_worst_achievement_code,
        classified.previous_mean_achievement_grade,
        classified.mean_achievement_grade - classified.previous_mean_achievement_grade as change_mean_achievement_grade,
        classified.achievement_change,
        classified.contribution_codes,
        classified.worst_contribution_code,
        classified.mean_contribution_grade,
        classified.previous_contribution_codes,
        classified.previous_mean_contribution_grade,
        classified.contribution_change,
        coalesce(kpi_summary.kpi_targets, 0) as kpi_targets,
        {%- for change in kpi_changes %}
        coalesce(kpi_summary.kpi_targets_{{ change }}, 0) as kpi_targets_{{ change }},
        {%- endfor %}
        coalesce(kpi_summary.kpi_target_changes, []) as kpi_target_changes

    from classified
    left join kpi_summary
        on classified.initiative_key = kpi_summary.initiative_key
        and classified.fiscal_year = kpi_summary.fiscal_year

)

select * from final
