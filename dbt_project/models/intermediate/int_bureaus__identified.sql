{#-
    The one place that says which bureau or ward office (担当局) a year's bureau name is. Every mart takes
    bureau_key from here. A bureau's key is its name's match key (NFKC, no white space) in the first
    sheet year it appears, carried forward along the links of int_bureaus__matched that carry it: a
    bureau renamed in a reorganisation or back after a gap keeps its key; one formed by a merge or split
    off from another, without continuing it, gets its own.
-#}
with recursive

crosswalk as (

    select * from {{ ref('int_bureaus__matched') }}

),

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

bureau_names as (

    {{ names_per_year('sheet_rows', 'bureau', 'bureau_name_key', 'bureau_name') }}

),

links as (

    select * from crosswalk
    where match_status = 'matched' and carries_key

),

keyed (fiscal_year, bureau_name_key, key, identified_by, previous_key) as (

    -- a bureau's first year: the key is its name then
    {{ keys_along_links('bureau_names', 'bureau_name_key', 'entities.bureau_name_key', 'own_name', 'links', 'from_name_key', 'to_name_key') }}

),

final as (

    select
        bureau_names.fiscal_year,
        bureau_names.bureau_name_key,
        bureau_names.bureau_name,
        keyed.key as bureau_key,
        keyed.identified_by

    from bureau_names
    inner join keyed
        on bureau_names.fiscal_year = keyed.fiscal_year
            and bureau_names.bureau_name_key = keyed.bureau_name_key

)

select * from final
