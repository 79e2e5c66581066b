with

rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

initiatives as (

    select
        initiative_year_id,
        fiscal_year,
        initiative_no,
        any_value(initiative_name order by sub_row) as initiative_name,
        any_value(description order by sub_row) as description,
        any_value(plan_fy order by sub_row) as plan_fy,
        any_value(pillar order by sub_row) as pillar,
        any_value(direction_no order by sub_row) as direction_no,
        any_value(subarea_no order by sub_row) as subarea_no,
        count(*) as evaluation_rows

    from rows
    group by initiative_year_id, fiscal_year, initiative_no

)

select * from initiatives
