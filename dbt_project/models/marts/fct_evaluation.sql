with

evaluations as (

    select * from {{ ref('int_evaluations__keyed') }}

),

final as (

    select
        evaluation_id,
        fiscal_year,
        initiative_no,
        sub_row,
        initiative_year_id,
        initiative_key,
        project_key,
        bureau_key,
        policy_code,
        policy_area_id,
        achievement_code,
        contribution_code,
        project_name,
        bureau as bureau_name,
        policy_code_as_read,
        results,
        reason,
        future_direction,
        source_file,
        source_page

    from evaluations

)

select * from final
