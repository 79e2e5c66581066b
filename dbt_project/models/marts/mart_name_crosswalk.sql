with

bureau_crosswalk as (

    select * from {{ ref('int_bureaus__matched') }}

),

project_crosswalk as (

    select * from {{ ref('int_projects__matched') }}

),

bureaus as (

    select * from {{ ref('int_bureaus__identified') }}

),

projects as (

    select * from {{ ref('int_projects__identified') }}

),

bureau_rows as (

    select
        'bureau|' || bureau_crosswalk.crosswalk_row_id as crosswalk_row_id,
        'bureau' as entity,
        bureau_crosswalk.from_year,
        bureau_crosswalk.to_year,
        coalesce(from_bureau.bureau_key, to_bureau.bureau_key) as entity_key,
        bureau_crosswalk.match_status,
        bureau_crosswalk.match_rule,
        bureau_crosswalk.from_name,
        bureau_crosswalk.to_name,
        bureau_crosswalk.name_similarity,
        bureau_crosswalk.shared_initiatives,
        bureau_crosswalk.carried_initiatives

    from bureau_crosswalk
    left join bureaus as from_bureau
        on bureau_crosswalk.from_year = from_bureau.fiscal_year
        and bureau_crosswalk.from_name_key = from_bureau.bureau_name_key
    left join bureaus as to_bureau
        on bureau_crosswalk.to_year = to_bureau.fiscal_year
        and bureau_crosswalk.to_name_key = to_bureau.bureau_name_key

),

project_rows as (

    select
        'project|' || project_crosswalk.crosswalk_row_id as crosswalk_row_id,
        'project' as entity,
        project_crosswalk.from_year,
        project_crosswalk.to_year,
        coalesce(from_project.project_key, to_project.project_key) as entity_key,
        project_crosswalk.match_status,
        project_crosswalk.match_rule,
        project_crosswalk.from_name,
        project_crosswalk.to_name,
        project_crosswalk.name_similarity,
        project_crosswalk.shared_initiatives,
        cast(null as bigint) as carried_initiatives

    from project_crosswalk
    left join projects as from_project
        on project_crosswalk.from_year = from_project.fiscal_year
        and project_crosswalk.from_name_key = from_project.project_name_key
    left join projects as to_project
        on project_crosswalk.to_year = to_project.fiscal_year
        and project_crosswalk.to_name_key = to_project.project_name_key

),

final as (

    select * from bureau_rows
    union all
    select * from project_rows

)

select * from final
