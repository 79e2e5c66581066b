{#-
    The one place that says which initiative (取組) a year's numbered row is. Every mart takes
    initiative_key from here. An initiative's key is its number in the year it first appears
    (I2022-001), carried forward along the matches of int_initiatives__matched: renumbered, renamed or
    moved to another sub-area, it keeps the key; an initiative without a predecessor gets its own.
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

    select
        from_initiative_year_id,
        to_initiative_year_id,
        match_rule

    from crosswalk
    where match_status = 'matched'

),

keyed (initiative_year_id, initiative_key, identified_by, previous_initiative_year_id) as (

    -- an initiative's first year: the key is its own number then
    select
        initiatives.initiative_year_id,
        format('I{:d}-{:03d}', initiatives.fiscal_year, initiatives.initiative_no),
        'own_year',
        cast(null as varchar)

    from initiatives
    where initiatives.initiative_year_id not in (select to_initiative_year_id from links)

    union all

    -- each later year: the key of the year before, by the rule that matched them
    select
        links.to_initiative_year_id,
        keyed.initiative_key,
        links.match_rule,
        keyed.initiative_year_id

    from keyed
    inner join links
        on keyed.initiative_year_id = links.from_initiative_year_id

),

final as (

    select
        initiatives.fiscal_year,
        initiatives.initiative_no,
        initiatives.initiative_year_id,
        keyed.initiative_key,
        keyed.identified_by,
        keyed.previous_initiative_year_id

    from initiatives
    inner join keyed
        on initiatives.initiative_year_id = keyed.initiative_year_id

)

select * from final
