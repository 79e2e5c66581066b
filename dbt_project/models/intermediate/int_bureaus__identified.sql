{#-
    The one place that says which bureau or ward office (担当局) a year's bureau name is. Every mart takes
    bureau_key from here. A bureau's key is its name's match key (NFKC, no white space) in the first
    sheet year it appears, carried forward along the matches of int_bureaus__matched: a bureau renamed
    in a reorganisation keeps its key.
-#}
with recursive

crosswalk as (

    select * from {{ ref('int_bureaus__matched') }}

),

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

bureau_names as (

    select
        fiscal_year,
        bureau_name_key,
        arg_min(bureau, [initiative_no, sub_row]) as bureau_name

    from sheet_rows
    where bureau_name_key is not null
    group by fiscal_year, bureau_name_key

),

links as (

    select
        from_year,
        from_name_key,
        to_year,
        to_name_key,
        match_rule

    from crosswalk
    where match_status = 'matched'

),

keyed (fiscal_year, bureau_name_key, bureau_key, identified_by) as (

    -- a bureau's first year: the key is its name then
    select
        bureau_names.fiscal_year,
        bureau_names.bureau_name_key,
        bureau_names.bureau_name_key,
        'own_name'

    from bureau_names
    where not exists (
        select 1 from links
        where links.to_year = bureau_names.fiscal_year and links.to_name_key = bureau_names.bureau_name_key
    )

    union all

    -- each later year: the key of the year before, by the rule that matched the names
    select
        links.to_year,
        links.to_name_key,
        keyed.bureau_key,
        links.match_rule

    from keyed
    inner join links
        on keyed.fiscal_year = links.from_year
        and keyed.bureau_name_key = links.from_name_key

),

final as (

    select
        bureau_names.fiscal_year,
        bureau_names.bureau_name_key,
        bureau_names.bureau_name,
        keyed.bureau_key,
        keyed.identified_by

    from bureau_names
    inner join keyed
        on bureau_names.fiscal_year = keyed.fiscal_year
        and bureau_names.bureau_name_key = keyed.bureau_name_key

)

select * from final
