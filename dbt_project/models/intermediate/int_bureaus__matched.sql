{{ config(materialized='table') }}
{#-
    Which bureau (担当局) name of one sheet year is which of the next: one row per bureau name of either
    year of each pair of consecutive sheet years — matched, new or dropped — with the evidence. The rules
    (manual, same_name, renamed): docs/warehouse.md, "Identity" → "Bureaus".
-#}

with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

initiatives as (

    select * from {{ ref('int_initiatives__identified') }}

),

manual_matches as (

    select * from {{ ref('bureau_matches_manual') }}

),

bureau_years as (

    {{ names_per_year('sheet_rows', 'bureau', 'bureau_name_key', 'bureau_name') }}

),

year_pairs as (

    {{ sheet_year_pairs('sheet_rows') }}

),

initiative_bureaus as (

    select distinct
        sheet_rows.fiscal_year,
        initiatives.initiative_key,
        sheet_rows.bureau_name_key

    from sheet_rows
    inner join initiatives
        on sheet_rows.initiative_year_id = initiatives.initiative_year_id
    where sheet_rows.bureau_name_key is not null

),

carried as (

    -- a bureau name's initiatives of from_year that are there in to_year too, with their bureaus then
    select
        year_pairs.from_year,
        year_pairs.to_year,
        before.bureau_name_key as from_name_key,
        before.initiative_key,
        after.bureau_name_key as to_name_key

    from year_pairs
    inner join initiative_bureaus as before
        on before.fiscal_year = year_pairs.from_year
    inner join initiative_bureaus as after
        on after.fiscal_year = year_pairs.to_year
        and after.initiative_key = before.initiative_key

),

carried_counts as (

    select
        from_year,
        from_name_key,
        count(distinct initiative_key) as carried_initiatives

    from carried
    group by from_year, from_name_key

),

moved_counts as (

    select
        from_year,
        from_name_key,
        to_name_key,
        count(distinct initiative_key) as moved_initiatives

    from carried
    group by from_year, from_name_key, to_name_key

),

manual_decisions as (

    {{ manual_name_decisions('manual_matches', 'year_pairs', 'bureau_years', 'bureau_name_key') }}

),

open_names as (

    -- the names of each year pair that the seed leaves to the rule
    select
        year_pairs.from_year,
        year_pairs.to_year,
        bureau_years.fiscal_year,
        bureau_years.bureau_name_key

    from year_pairs
    inner join bureau_years
        on bureau_years.fiscal_year in (year_pairs.from_year, year_pairs.to_year)
    where not exists (
        select 1 from manual_decisions
        where manual_decisions.from_year = year_pairs.from_year
            and (
                (bureau_years.fiscal_year = year_pairs.from_year and manual_decisions.from_name_key = bureau_years.bureau_name_key)
                or (bureau_years.fiscal_year = year_pairs.to_year and manual_decisions.to_name_key = bureau_years.bureau_name_key)
            )
    )

),

same_name_links as (

    select
        before.from_year,
        before.to_year,
        before.bureau_name_key as from_name_key,
        after.bureau_name_key as to_name_key

    from open_names as before
    inner join open_names as after
        on before.from_year = after.from_year
        and before.bureau_name_key = after.bureau_name_key
        and after.fiscal_year = after.to_year
    where before.fiscal_year = before.from_year

),

gone_names as (

    select from_year, to_year, bureau_name_key
    from open_names
    where fiscal_year = from_year
        and bureau_name_key not in (select bureau_name_key from bureau_years where fiscal_year = open_names.to_year)

),

appeared_names as (

    select from_year, to_year, bureau_name_key
    from open_names
    where fiscal_year = to_year
        and bureau_name_key not in (select bureau_name_key from bureau_years where fiscal_year = open_names.from_year)

),

moves as (

    -- carried initiatives from a gone name to a new name
    select
        moved_counts.from_year,
        gone_names.to_year,
        moved_counts.from_name_key,
        moved_counts.to_name_key,
        moved_counts.moved_initiatives,
        carried_counts.carried_initiatives

    from moved_counts
    inner join carried_counts
        on moved_counts.from_year = carried_counts.from_year
        and moved_counts.from_name_key = carried_counts.from_name_key
    inner join gone_names
        on moved_counts.from_year = gone_names.from_year
        and moved_counts.from_name_key = gone_names.bureau_name_key
    inner join appeared_names
        on moved_counts.from_year = appeared_names.from_year
        and moved_counts.to_name_key = appeared_names.bureau_name_key

),

renamed_links as (

    -- all of the gone name's carried initiatives went to the new name, which took from no other gone name
    select from_year, to_year, from_name_key, to_name_key
    from (
        select
            *,
            count(*) over (partition by from_year, to_name_key) as gone_names_sending,
            count(*) filter (where moved_initiatives = carried_initiatives)
                over (partition by from_year, from_name_key) as new_names_taking_all

        from moves
    )
    where moved_initiatives = carried_initiatives
        and gone_names_sending = 1
        and new_names_taking_all = 1

),

links as (

    select from_year, to_year, from_name_key, to_name_key, 'manual' as match_rule
    from manual_decisions
    where from_name_key is not null and to_name_key is not null

    union all

    select from_year, to_year, from_name_key, to_name_key, 'same_name' as match_rule
    from same_name_links

    union all

    select from_year, to_year, from_name_key, to_name_key, 'renamed' as match_rule
    from renamed_links

),

crosswalk as (

    {{ name_crosswalk('year_pairs', 'bureau_years', 'bureau_name_key', 'bureau_name', 'links', 'manual_decisions') }}

),

final as (

    select
        crosswalk.*,
        case when crosswalk.from_name_key is not null and crosswalk.to_name_key is not null then round(
            {{ dice(bigram_set('crosswalk.from_name_key'), bigram_set('crosswalk.to_name_key'), 'crosswalk.from_name_key', 'crosswalk.to_name_key') }},
            4
        ) end as name_similarity,
        coalesce(carried_counts.carried_initiatives, 0) as carried_initiatives,
        coalesce(moved_counts.moved_initiatives, 0) as shared_initiatives

    from crosswalk
    left join carried_counts
        on carried_counts.from_year = crosswalk.from_year
        and carried_counts.from_name_key = crosswalk.from_name_key
    left join moved_counts
        on moved_counts.from_year = crosswalk.from_year
        and moved_counts.from_name_key = crosswalk.from_name_key
        and moved_counts.to_name_key = crosswalk.to_name_key

)

select * from final
