{#-
    The one place that says which bureau or ward office (担当局) a year's bureau name is. Every mart takes
    bureau_key from here. Until reorganisations are mapped (renamed bureaus), a bureau is its name: the
    key is the name's match key (NFKC, no white space) as first seen.
-#}
with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

bureau_names as (

    select
        fiscal_year,
        bureau_name_key,
        min(bureau order by initiative_no, sub_row) as bureau_name

    from sheet_rows
    where bureau_name_key is not null
    group by fiscal_year, bureau_name_key

),

identified as (

    select
        fiscal_year,
        bureau_name_key,
        bureau_name,
        bureau_name_key as bureau_key,
        'own_name' as identified_by

    from bureau_names

)

select * from identified
