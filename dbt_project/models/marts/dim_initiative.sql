with

evaluations as (

    select * from {{ ref('int_evaluations__keyed') }}

),

kpi_targets as (

    select * from {{ ref('int_kpi_targets__parsed') }}

),

initiatives as (

    -- the merged cells (No., 取組名, 取組の内容, 令和N年度の取組内容) as the initiative's first row has them
    select
        initiative_year_id,
        any_value(initiative_key) as initiative_key,
        fiscal_year,
        initiative_no,
        arg_min(initiative_name, sub_row) as initiative_name,
        arg_min(initiative_name_key, sub_row) as initiative_name_key,
        arg_min(description, sub_row) as description,
        arg_min(plan_fy, sub_row) as plan_fy,
        arg_min(policy_area_id, sub_row) as policy_area_id,
        count(*) as evaluation_rows,
        count(distinct bureau_key) as bureaus,
        count(distinct project_key) as projects

    from evaluations
    group by initiative_year_id, fiscal_year, initiative_no

),

target_counts as (

    select
        initiative_year_id,
        count(*) as kpi_targets

    from kpi_targets
    group by initiative_year_id

),

final as (

    select
        initiatives.initiative_year_id,
        initiatives.initiative_key,
        initiatives.fiscal_year,
        initiatives.initiative_no,
        initiatives.initiative_name,
        initiatives.initiative_name_key,
        initiatives.description,
        initiatives.plan_fy,
        initiatives.policy_area_id,
        initiatives.evaluation_rows,
        initiatives.bureaus,
        initiatives.projects,
        coalesce(target_counts.kpi_targets, 0) as kpi_targets

    from initiatives
    left join target_counts
        on initiatives.initiative_year_id = target_counts.initiative_year_id

)

select * from final
