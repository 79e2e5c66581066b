{#-
    The one place that says which initiative (取組) a year's numbered row is. Every mart takes
    initiative_key from here. Until initiatives are matched across years, an initiative is known only
    within its year: its key is the number it has in the year it is first seen.
-#}
with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

initiatives as (

    select distinct
        fiscal_year,
        initiative_no,
        initiative_year_id

    from sheet_rows

),

identified as (

    select
        fiscal_year,
        initiative_no,
        initiative_year_id,
        format('I{:d}-{:03d}', fiscal_year, initiative_no) as initiative_key,
        'own_year' as identified_by

    from initiatives

)

select * from identified
