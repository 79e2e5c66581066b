with

identified as (

    select * from {{ ref('int_projects__identified') }}

),

evaluations as (

    select * from {{ ref('int_evaluations__keyed') }}

),

projects as (

    -- one row per administrative project, named as in the latest year it appears
    select
        project_key,
        arg_max(project_name, fiscal_year) as name_ja,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year

    from identified
    group by project_key

),

usage as (

    select
        project_key,
        count(distinct initiative_year_id) as initiative_years,
        count(distinct bureau_key) as bureaus,
        count(*) as evaluation_rows

    from evaluations
    group by project_key

),

final as (

    select
        projects.project_key,
        projects.name_ja,
        projects.first_fiscal_year,
        projects.last_fiscal_year,
        coalesce(usage.initiative_years, 0) as initiative_years,
        coalesce(usage.bureaus, 0) as bureaus,
        coalesce(usage.evaluation_rows, 0) as evaluation_rows

    from projects
    left join usage
        on projects.project_key = usage.project_key

)

select * from final
