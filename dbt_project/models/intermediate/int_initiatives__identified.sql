{#-
    The one place that says which initiative (取組) a year's numbered row is. Every mart takes
    initiative_key from here. An initiative's key is its number in the year it first appears
    (I2022-001), carried forward along the links of int_initiatives__matched that carry it: renumbered,
    renamed, moved to another sub-area or back after a gap, it keeps the key; an initiative without
    such a predecessor (new, or formed by a merge or split off from another without continuing it) gets
    its own.
-#}
with recursive

crosswalk as (

    select * from {{ ref('int_initiatives__matched') }}

),

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

links as (

    select * from crosswalk
    where match_status = 'matched' and carries_key

),

keyed (fiscal_year, initiative_year_id, key, identified_by, previous_key) as (

-- an initiative's first year (of its key): the key is its own number then
    {{ keys_along_links('initiatives', 'initiative_year_id', "format('I{:d}-{:03d}', entities.fiscal_year, entities.initiative_no)",
        'own_year', 'links', 'from_initiative_year_id', 'to_initiative_year_id') }}

),

final as (

    select
        initiatives.fiscal_year,
        initiatives.initiative_no,
        initiatives.initiative_year_id,
        keyed.key as initiative_key,
        keyed.identified_by,
        keyed.previous_key as previous_initiative_year_id

    from initiatives
    inner join keyed
        on initiatives.initiative_year_id = keyed.initiative_year_id

)

select * from final
