with

rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

final as (

    select
        evaluation_id,
        fiscal_year,
        initiative_no,
        sub_row,
        initiative_year_id,
        bureau as bureau_id,
        policy_code,
        project_name,
        achievement_code,
        contribution_code,
        results,
        reason,
        future_direction,
        source_file,
        source_page

    from rows

)

select * from final
