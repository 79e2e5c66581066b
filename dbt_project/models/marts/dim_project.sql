with

evaluations as (

    select * from {{ ref('int_evaluations__keyed') }}

),

names_by_year as (

    -- each name of a project in each year, with the row it is first printed on
    {{ names_per_year('evaluations', 'project_name', 'project_name_key', 'project_name', also=['any_value(project_key) as project_key']) }}

),

names as (

    select
        project_key,
        project_name,
        min(fiscal_year) as first_fiscal_year

    from names_by_year
    group by project_key, project_name

),

projects as (

    -- one row per administrative project, named as in the latest year it appears (its first row there)
    select
        project_key,
        arg_max(project_name, [fiscal_year, -first_row[1], -first_row[2]]) as name_ja,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year

    from names_by_year
    group by project_key

),

name_lists as (

    select
        project_key,
        list(project_name order by first_fiscal_year, project_name) as names_ja

    from names
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
        name_lists.names_ja,
        projects.first_fiscal_year,
        projects.last_fiscal_year,
        coalesce(usage.initiative_years, 0) as initiative_years,
        coalesce(usage.bureaus, 0) as bureaus,
        coalesce(usage.evaluation_rows, 0) as evaluation_rows

    from projects
    left join name_lists
        on projects.project_key = name_lists.project_key
    left join usage
        on projects.project_key = usage.project_key

)

select * from final
