with

rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

bureaus as (

    select
        bureau as bureau_id,
        bureau as name_ja,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year,
        count(*) as evaluation_rows

    from rows
    group by bureau

)

select * from bureaus
