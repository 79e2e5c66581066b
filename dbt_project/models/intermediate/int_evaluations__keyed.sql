{#-
    Every sheet row with the keys of the entities it belongs to, resolved once: initiative, project and
    bureau from their identity models, the plan programme as the sheet's title names it (else from the
    fiscal year, by the plan_programmes seed), the policy area from the programme and the section numbers. Facts and dimensions read their keys from here.
-#}
with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

initiatives as (

    select * from {{ ref('int_initiatives__identified') }}

),

projects as (

    select * from {{ ref('int_projects__identified') }}

),

bureaus as (

    select * from {{ ref('int_bureaus__identified') }}

),

programmes as (

    select * from {{ ref('plan_programmes') }}

),

keyed as (

    select
        sheet_rows.*,
        initiatives.initiative_key,
        projects.project_key,
        bureaus.bureau_key,
        coalesce(sheet_rows.programme_no_printed, programmes.programme_no) as programme_no,
        coalesce(sheet_rows.programme_no_printed, programmes.programme_no) || '-'
        || {{ roman_numeral('sheet_rows.pillar_no') }} || '-'
        || sheet_rows.direction_no || '-'
        || sheet_rows.subarea_no as policy_area_id

    from sheet_rows
    left join initiatives
        on sheet_rows.fiscal_year = initiatives.fiscal_year
            and sheet_rows.initiative_no = initiatives.initiative_no
    left join projects
        on sheet_rows.fiscal_year = projects.fiscal_year
            and sheet_rows.project_name_key = projects.project_name_key
    left join bureaus
        on sheet_rows.fiscal_year = bureaus.fiscal_year
            and sheet_rows.bureau_name_key = bureaus.bureau_name_key
    left join programmes
        on sheet_rows.fiscal_year between programmes.first_fiscal_year and programmes.last_fiscal_year

)

select * from keyed
