{{ config(materialized='table') }}
{#-
    Which bureau (担当局) name of one sheet year is which of a later one: one row per link — the same
    bureau in the next sheet year or back after a gap, or one of several merged into one or split from
    one — and, per pair of consecutive sheet years, one row per name left without a link (new,
    dropped), with the evidence. The rules (manual, same_name, renamed, moved_initiatives): docs/warehouse.md,
    "Identity" → "Bureaus". The rules read the initiatives the names report on: `next` compares
    consecutive sheet years, `gap` a name without predecessor in the previous sheet year against the
    names of earlier years that ended there.
    One model, long, because its CTEs are the rules in the order they apply: each takes what the ones
    before it left open, so a part apart from the others could not be read or tested alone.
-#}
{%- set greedy_rounds = 4 -%}

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

sheet_years as (

    {{ sheet_years('sheet_rows') }}

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

manual_decisions as (

    {{ manual_name_decisions('manual_matches', 'sheet_years', 'bureau_years', 'bureau_name_key', with_kind=true) }}

),

manual_links as (

    {{ manual_links('manual_decisions', 'from_name_key', 'to_name_key', '(from_year, from_name_key)', '(to_year, to_name_key)') }}

),

next_pairs as (

    select from_year, to_year from year_pairs

),

{%- for stage in ['next', 'gap'] %}

{{ stage }}_carried as (

    -- a bureau name's initiatives of from_year that are there in to_year too, with their bureaus then;
    -- a move where the earlier name lost the initiative and the later one gained it
    select
        pairs.from_year,
        pairs.to_year,
        before.bureau_name_key as from_name_key,
        before.initiative_key,
        after.bureau_name_key as to_name_key,
        not exists (
            select 1 from initiative_bureaus as kept
            where kept.fiscal_year = pairs.to_year
                and kept.initiative_key = before.initiative_key
                and kept.bureau_name_key = before.bureau_name_key
        ) and not exists (
            select 1 from initiative_bureaus as had
            where had.fiscal_year = pairs.from_year
                and had.initiative_key = before.initiative_key
                and had.bureau_name_key = after.bureau_name_key
        ) as is_move

    from {{ stage }}_pairs as pairs
    inner join initiative_bureaus as before
        on before.fiscal_year = pairs.from_year
    inner join initiative_bureaus as after
        on after.fiscal_year = pairs.to_year
        and after.initiative_key = before.initiative_key

),

{{ stage }}_carried_counts as (

    select
        from_year,
        to_year,
        from_name_key,
        count(distinct initiative_key) as carried_initiatives

    from {{ stage }}_carried
    group by from_year, to_year, from_name_key

),

{{ stage }}_moved_counts as (

    select
        from_year,
        to_year,
        from_name_key,
        to_name_key,
        count(distinct initiative_key) as moved_initiatives

    from {{ stage }}_carried
    group by from_year, to_year, from_name_key, to_name_key

),

{{ stage }}_open_names as (

    -- the names of each pair left to the rules: the earlier year's for successors, the later year's for
    -- predecessors ({{ 'every name' if stage == 'next' else 'only those that ended, and those new, there' }})
    select
        pairs.from_year,
        pairs.to_year,
        bureau_years.fiscal_year,
        bureau_years.bureau_name_key

    from {{ stage }}_pairs as pairs
    inner join bureau_years
        on bureau_years.fiscal_year in (pairs.from_year, pairs.to_year)
    where case
        when bureau_years.fiscal_year = pairs.from_year then
            {{ successors_left_to_the_rules('manual_decisions', 'bureau_years.fiscal_year', 'bureau_years.bureau_name_key',
                'pairs.to_year', 'from_name_key', 'to_name_key') }}
            {%- if stage == 'gap' %}
            and (bureau_years.fiscal_year, bureau_years.bureau_name_key) in (select (fiscal_year, bureau_name_key) from ended_names)
            {%- endif %}
        else
            {{ predecessors_left_to_the_rules('manual_decisions', 'bureau_years.fiscal_year', 'bureau_years.bureau_name_key',
                'pairs.from_year', 'from_name_key', 'to_name_key') }}
            {%- if stage == 'gap' %}
            and (bureau_years.fiscal_year, bureau_years.bureau_name_key) in (select (fiscal_year, bureau_name_key) from new_names)
            {%- endif %}
    end

),

{{ stage }}_same_name_links as (

    select
        before.from_year,
        before.to_year,
        before.bureau_name_key as from_name_key,
        after.bureau_name_key as to_name_key,
        'same_name' as match_rule

    from {{ stage }}_open_names as before
    inner join {{ stage }}_open_names as after
        on before.from_year = after.from_year
        and before.to_year = after.to_year
        and before.bureau_name_key = after.bureau_name_key
        and after.fiscal_year = after.to_year
    where before.fiscal_year = before.from_year

),

{{ stage }}_gone_names as (

    select from_year, to_year, bureau_name_key
    from {{ stage }}_open_names as open_names
    where fiscal_year = from_year
        and bureau_name_key not in (select bureau_name_key from bureau_years where fiscal_year = open_names.to_year)

),

{{ stage }}_appeared_names as (

    select from_year, to_year, bureau_name_key
    from {{ stage }}_open_names as open_names
    where fiscal_year = to_year
        and bureau_name_key not in (select bureau_name_key from bureau_years where fiscal_year = open_names.from_year)

),

{{ stage }}_moves as (

    -- carried initiatives from a gone name to a new name
    select
        moved_counts.from_year,
        moved_counts.to_year,
        moved_counts.from_name_key,
        moved_counts.to_name_key,
        moved_counts.moved_initiatives,
        carried_counts.carried_initiatives

    from {{ stage }}_moved_counts as moved_counts
    inner join {{ stage }}_carried_counts as carried_counts
        on moved_counts.from_year = carried_counts.from_year
        and moved_counts.to_year = carried_counts.to_year
        and moved_counts.from_name_key = carried_counts.from_name_key
    inner join {{ stage }}_gone_names as gone_names
        on moved_counts.from_year = gone_names.from_year
        and moved_counts.to_year = gone_names.to_year
        and moved_counts.from_name_key = gone_names.bureau_name_key
    inner join {{ stage }}_appeared_names as appeared_names
        on moved_counts.from_year = appeared_names.from_year
        and moved_counts.to_year = appeared_names.to_year
        and moved_counts.to_name_key = appeared_names.bureau_name_key

),

{{ stage }}_renamed_links as (

    -- all of the gone name's carried initiatives went to the new name, which took from no other gone name
    select from_year, to_year, from_name_key, to_name_key, 'renamed' as match_rule
    from (
        select
            *,
            count(*) over (partition by from_year, to_year, to_name_key) as gone_names_sending,
            count(*) filter (where moved_initiatives = carried_initiatives)
                over (partition by from_year, to_year, from_name_key) as new_names_taking_all

        from {{ stage }}_moves
    )
    where moved_initiatives = carried_initiatives
        and gone_names_sending = 1
        and new_names_taking_all = 1

),

{%- if stage == 'next' %}

one_to_one_links as (

    select * from next_same_name_links
    union all
    select * from next_renamed_links

),

reorganised_moves as (

    -- initiatives that moved between two open names of consecutive sheet years no one-to-one rule links
    select
        carried.from_year,
        carried.to_year,
        carried.from_name_key,
        carried.to_name_key,
        count(distinct carried.initiative_key) as moved_initiatives

    from next_carried as carried
    where carried.is_move
        and (carried.from_year, carried.from_name_key) in (
            select (from_year, bureau_name_key) from next_open_names where fiscal_year = from_year
        )
        and (carried.from_year, carried.to_name_key) in (
            select (from_year, bureau_name_key) from next_open_names where fiscal_year = to_year
        )
        and (carried.from_year, carried.from_name_key, carried.to_name_key) not in (
            select (from_year, from_name_key, to_name_key) from one_to_one_links
        )
    group by all

),

merged_links as (

    -- a gone name, not renamed, all of whose carried initiatives moved to one name that then has another
    -- predecessor: it merged into it
    select from_year, to_year, from_name_key, to_name_key, 'moved_initiatives' as match_rule
    from (
        select
            moves.*,
            count(*) over (partition by moves.from_year, moves.to_name_key) as merging_names

        from reorganised_moves as moves
        inner join next_carried_counts as carried_counts
            on moves.from_year = carried_counts.from_year
            and moves.from_name_key = carried_counts.from_name_key
        where moves.moved_initiatives = carried_counts.carried_initiatives
            and (moves.from_year, moves.from_name_key) in (select (from_year, bureau_name_key) from next_gone_names)
            and (moves.from_year, moves.from_name_key) not in (select (from_year, from_name_key) from one_to_one_links)
    ) as merges
    where merging_names + (
            select count(*) from one_to_one_links
            where one_to_one_links.from_year = merges.from_year and one_to_one_links.to_name_key = merges.to_name_key
        ) > 1

),

split_candidates as (

    -- a new name, not a rename, all of whose carried initiatives moved to it from one name
    select moves.*
    from reorganised_moves as moves
    where (moves.from_year, moves.to_name_key) in (select (from_year, bureau_name_key) from next_appeared_names)
        and (moves.from_year, moves.to_name_key) not in (select (from_year, to_name_key) from one_to_one_links)
        and moves.moved_initiatives = (
            select count(distinct initiative_key) from next_carried as carried
            where carried.from_year = moves.from_year and carried.to_name_key = moves.to_name_key
        )
        and not exists (
            select 1 from next_carried as carried
            where carried.from_year = moves.from_year
                and carried.to_name_key = moves.to_name_key
                and carried.is_move
                and carried.from_name_key != moves.from_name_key
        )

),

split_links as (

    -- … where that name then has another successor: it split from it
    select from_year, to_year, from_name_key, to_name_key, 'moved_initiatives' as match_rule
    from split_candidates
    where (
            select count(*) from split_candidates as others
            where others.from_year = split_candidates.from_year and others.from_name_key = split_candidates.from_name_key
        ) + (
            select count(*) from one_to_one_links
            where one_to_one_links.from_year = split_candidates.from_year
                and one_to_one_links.from_name_key = split_candidates.from_name_key
        ) > 1

),

moved_links as (

    select * from merged_links
    union all
    select * from split_links

),

links_so_far as (

    select from_year, to_year, from_name_key, to_name_key from manual_links
    union all
    select from_year, to_year, from_name_key, to_name_key from one_to_one_links
    union all
    select from_year, to_year, from_name_key, to_name_key from moved_links

),

ended_names as (

    select fiscal_year, bureau_name_key
    from bureau_years
    where (fiscal_year, bureau_name_key) not in (select (from_year, from_name_key) from links_so_far)

),

new_names as (

    select fiscal_year, bureau_name_key
    from bureau_years
    where (fiscal_year, bureau_name_key) not in (select (to_year, to_name_key) from links_so_far)

),

gap_pairs as (

    {{ sheet_year_gap_pairs('sheet_rows') }}

),
{%- endif %}
{%- endfor %}

return_candidates as (

    -- best first: the earliest year of return, the most recent year to return from, the same name
    select
        *,
        row_number() over (order by to_year, from_year desc, match_rule desc, from_name_key, to_name_key) as candidate_rank

    from (
        select * from gap_same_name_links
        union all
        select * from gap_renamed_links
    )

),

{{ mutual_best_rounds('return_links', 'return_candidates', '(from_year, from_name_key)', '(to_year, to_name_key)', 'candidate_rank', greedy_rounds) }},

links as (

    select from_year, to_year, from_name_key, to_name_key, match_rule, stated_kind, carries_key
    from manual_links

    union all

    select from_year, to_year, from_name_key, to_name_key, match_rule, null, true
    from one_to_one_links

    union all

    select from_year, to_year, from_name_key, to_name_key, match_rule, null, false
    from moved_links

    union all

    select from_year, to_year, from_name_key, to_name_key, match_rule, null, true
    from return_links_{{ greedy_rounds }}

),

kinded_links as (

    {{ kinded_links('links', 'sheet_years', '(links.from_year, links.from_name_key)', '(links.to_year, links.to_name_key)') }}

),

crosswalk as (

    {{ name_crosswalk('year_pairs', 'bureau_years', 'bureau_name_key', 'bureau_name', 'kinded_links', 'manual_decisions',
        ['link_kind', 'carries_key']) }}

),

carried_counts as (

    select * from next_carried_counts
    union all
    select * from gap_carried_counts

),

moved_counts as (

    select * from next_moved_counts
    union all
    select * from gap_moved_counts

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
        and carried_counts.to_year = crosswalk.to_year
        and carried_counts.from_name_key = crosswalk.from_name_key
    left join moved_counts
        on moved_counts.from_year = crosswalk.from_year
        and moved_counts.to_year = crosswalk.to_year
        and moved_counts.from_name_key = crosswalk.from_name_key
        and moved_counts.to_name_key = crosswalk.to_name_key

)

select * from final
