{#-
    The one place that says which administrative project (事務事業) a year's project name is. Every mart
    takes project_key from here. Until projects are matched across years (renames), a project is its
    name: the key is the name's match key (NFKC, no white space) as first seen.
-#}
with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

project_names as (

    select
        fiscal_year,
        project_name_key,
        min(project_name order by initiative_no, sub_row) as project_name

    from sheet_rows
    where project_name_key is not null
    group by fiscal_year, project_name_key

),

identified as (

    select
        fiscal_year,
        project_name_key,
        project_name,
        project_name_key as project_key,
        'own_name' as identified_by

    from project_names

)

select * from identified
