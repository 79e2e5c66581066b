{#-
    Every initiative (initiative_key) and each other initiative it descends from: one it was formed from
    by a merge, split off from, or took in, and what those descend from in turn, through every link of
    mart_initiative_crosswalk (docs/warehouse.md, "Identity" → "Merges and splits").
-#}
with recursive

crosswalk as (

    select * from {{ ref('mart_initiative_crosswalk') }}

),

links as (

    {{ initiative_links('crosswalk') }}

),

descent (initiative_key, fiscal_year, ancestor_initiative_year_id, ancestor_key, ancestor_fiscal_year, link_kinds) as (

    -- a link between initiatives of two keys: the later descends from the earlier
    select
        to_initiative_key,
        to_year,
        from_initiative_year_id,
        from_initiative_key,
        from_year,
        [link_kind]

    from links
    where from_initiative_key != to_initiative_key

    union all

    -- and from all that the earlier descends from, back through every link (years only go back)
    select
        descent.initiative_key,
        descent.fiscal_year,
        links.from_initiative_year_id,
        links.from_initiative_key,
        links.from_year,
        case
            when links.from_initiative_key != links.to_initiative_key then list_prepend(links.link_kind, descent.link_kinds)
            else descent.link_kinds
        end

    from descent
    inner join links
        on descent.ancestor_initiative_year_id = links.to_initiative_year_id

),

final as (

    -- per pair of keys the shortest line, the nearest of them in time
    select
        initiative_key || '|' || ancestor_key as lineage_row_id,
        initiative_key,
        ancestor_key,
        min(len(link_kinds)) as generations,
        arg_min(link_kinds, [len(link_kinds), -ancestor_fiscal_year, fiscal_year]) as link_kinds,
        arg_min(ancestor_fiscal_year, [len(link_kinds), -ancestor_fiscal_year, fiscal_year]) as ancestor_fiscal_year,
        arg_min(fiscal_year, [len(link_kinds), -ancestor_fiscal_year, fiscal_year]) as fiscal_year

    from descent
    where initiative_key != ancestor_key
    group by initiative_key, ancestor_key

)

select * from final
