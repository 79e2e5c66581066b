with

source as (

    select * from {{ source('sheets', 'sheet_rows') }}

),

renamed as (

    select
        cast(fiscal_year as integer) as fiscal_year,
        cast(initiative_no as integer) as initiative_no,
        cast(sub_row as integer) as sub_row,
        format('{:d}-{:03d}-{:d}', fiscal_year, initiative_no, sub_row) as evaluation_id,
        format('{:d}-{:03d}', fiscal_year, initiative_no) as initiative_year_id,
        trim(pillar) as pillar,
        trim(pillar_title) as pillar_title,
        cast(direction_no as integer) as direction_no,
        trim(direction_title) as direction_title,
        cast(subarea_no as integer) as subarea_no,
        trim(subarea_title) as subarea_title,
        trim(initiative_name) as initiative_name,
        trim(project_name) as project_name,
        trim(policy_code) as policy_code,
        trim(description) as description,
        trim(plan_fy) as plan_fy,
        cast(achievement_code as integer) as achievement_code,
        trim(results) as results,
        trim(contribution_code) as contribution_code,
        trim(reason) as reason,
        trim(future_direction) as future_direction,
        trim(bureau) as bureau,
        source_file,
        cast(source_page as integer) as source_page,
        source_sha256

    from source

)

select * from renamed
