{{ config(materialized='table') }}
{#-
    Which administrative project (事務事業) names are the same project: one row per link between two
    names — within a year (two spellings), between consecutive sheet years, or from an earlier year for
    a name back after a gap — and, per pair of consecutive sheet years, one row per name left without a
    link into a later year (dropped) or from an earlier one (new). int_projects__identified gives every
    set of linked names one key. The rules (manual, variant, same_name, similar_name; var
    project_min_rename_similarity): docs/warehouse.md, "Identity" → "Administrative projects".
-#}
{%- set min_rename_similarity = var('project_min_rename_similarity') -%}
{%- set greedy_rounds = 4 -%}

with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

initiatives as (

    select * from {{ ref('int_initiatives__identified') }}

),

manual_matches as (

    select * from {{ ref('project_matches_manual') }}

),

project_rows as (

    select
        sheet_rows.*,
        initiatives.initiative_key

    from sheet_rows
    inner join initiatives
        on sheet_rows.initiative_year_id = initiatives.initiative_year_id

),

project_years as (

    {{ names_per_year('project_rows', 'project_name', 'project_name_key', 'project_name',
        also=['list(distinct initiative_key) as initiative_keys']) }}

),

with_bigrams as (

    select
        *,
        {{ bigram_set('project_name_key') }} as name_bigrams,
        replace(replace(project_name_key, 'の', ''), '・', '') as variant_key

    from project_years

),

sheet_years as (

    {{ sheet_years('sheet_rows') }}

),

year_pairs as (

    {{ sheet_year_pairs('sheet_rows') }}

),

manual_decisions as (

    -- seed rows within a year or between two sheet years that name a name present
    {{ manual_name_decisions('manual_matches', 'sheet_years', 'project_years', 'project_name_key', within_year=true) }}

),

candidates as (

    -- pairs of names within a year (each pair once), between consecutive sheet years, and those the seed
    -- links across a gap
    select
        from_side.fiscal_year as from_year,
        to_side.fiscal_year as to_year,
        from_side.project_name_key as from_name_key,
        to_side.project_name_key as to_name_key,
        {{ dice('from_side.name_bigrams', 'to_side.name_bigrams', 'from_side.project_name_key', 'to_side.project_name_key') }}
            as name_similarity,
        len(list_intersect(from_side.initiative_keys, to_side.initiative_keys)) as shared_initiatives,
        from_side.variant_key = to_side.variant_key as is_same_variant,
        from_side.project_name_key in (
            select project_name_key from project_years
            where fiscal_year = to_side.fiscal_year
        ) as from_name_in_to_year,
        to_side.project_name_key in (
            select project_name_key from project_years
            where fiscal_year = from_side.fiscal_year
        ) as to_name_in_from_year

    from with_bigrams as from_side
    inner join with_bigrams as to_side
        on (
            from_side.fiscal_year = to_side.fiscal_year
            and from_side.project_name_key < to_side.project_name_key
        )
        or (from_side.fiscal_year, to_side.fiscal_year) in (select (from_year, to_year) from year_pairs)
        or (from_side.fiscal_year, from_side.project_name_key, to_side.fiscal_year, to_side.project_name_key) in (
            select (from_year, from_name_key, to_year, to_name_key) from manual_decisions
            where from_year < to_year
        )

),

open_candidates as (

    -- pairs the seed leaves to the rule
    select *
    from candidates
    where (
        candidates.from_year < candidates.to_year
        and {{ left_to_the_rules('manual_decisions', 'candidates.from_year', 'candidates.from_name_key', 'candidates.to_year',
                'candidates.to_name_key', 'from_name_key', 'to_name_key') }}
    )
    or (
        candidates.from_year = candidates.to_year
        and not exists (
            -- within a year a pair is listed once, in name order: either side
            select 1 from manual_decisions
            where manual_decisions.from_year = candidates.from_year
                and manual_decisions.to_year = candidates.to_year
                and (
                    manual_decisions.from_name_key in (candidates.from_name_key, candidates.to_name_key)
                    or manual_decisions.to_name_key in (candidates.from_name_key, candidates.to_name_key)
                )
        )
    )

),

variant_links as (

    select *
    from open_candidates
    where from_year = to_year
        and is_same_variant

),

same_name_links as (

    select *
    from open_candidates
    where from_year < to_year
        and from_name_key = to_name_key

),

similar_name_links as (

    select *
    from open_candidates
    where from_year < to_year
        and not from_name_in_to_year
        and not to_name_in_from_year
        and name_similarity >= {{ min_rename_similarity }}
        and shared_initiatives >= 1
    qualify count(*) over (partition by from_year, from_name_key) = 1
        and count(*) over (partition by from_year, to_name_key) = 1

),

manual_links as (

    select candidates.*
    from manual_decisions
    inner join candidates
        on manual_decisions.from_year = candidates.from_year
            and manual_decisions.to_year = candidates.to_year
            and (
                (manual_decisions.from_name_key = candidates.from_name_key and manual_decisions.to_name_key = candidates.to_name_key)
                -- within a year each pair is listed once, in name order
                or (manual_decisions.from_name_key = candidates.to_name_key and manual_decisions.to_name_key = candidates.from_name_key)
            )

),

links_so_far as (

    select
        *,
        'manual' as match_rule
    from manual_links
    union all
    select
        *,
        'variant' as match_rule
    from variant_links
    union all
    select
        *,
        'same_name' as match_rule
    from same_name_links
    union all
    select
        *,
        'similar_name' as match_rule
    from similar_name_links

),

gap_candidates as (

    -- a name without a link from the previous sheet year, against the names of earlier years with no
    -- link into a later one: the same name, or a rename reported on by the same initiative, the only
    -- such pair of its two years for both names
    select
        gaps.from_year,
        gaps.to_year,
        from_side.project_name_key as from_name_key,
        to_side.project_name_key as to_name_key,
        {{ dice('from_side.name_bigrams', 'to_side.name_bigrams', 'from_side.project_name_key', 'to_side.project_name_key') }}
            as name_similarity,
        len(list_intersect(from_side.initiative_keys, to_side.initiative_keys)) as shared_initiatives,
        from_side.project_name_key = to_side.project_name_key as is_same_name

    from ({{ sheet_year_gap_pairs('sheet_rows') }}) as gaps
    inner join with_bigrams as from_side
        on gaps.from_year = from_side.fiscal_year
    inner join with_bigrams as to_side
        on gaps.to_year = to_side.fiscal_year
    where not exists (
            select 1 from links_so_far as links
            where links.from_year = from_side.fiscal_year
                and links.from_name_key = from_side.project_name_key
                and links.from_year < links.to_year
        )
        and not exists (
            select 1 from links_so_far as links
            where links.to_year = to_side.fiscal_year
                and links.to_name_key = to_side.project_name_key
                and links.from_year < links.to_year
        )
        and {{ left_to_the_rules('manual_decisions', 'gaps.from_year', 'from_side.project_name_key', 'gaps.to_year',
            'to_side.project_name_key', 'from_name_key', 'to_name_key') }}

),

return_candidates as (

    -- best first: the earliest year of return, the most recent year to return from, the same name
    select
        *,
        row_number() over (
            order by to_year asc, from_year desc, is_same_name desc, name_similarity desc, from_name_key asc, to_name_key asc
        ) as candidate_rank

    from (
        select * from gap_candidates
        where is_same_name
        union all
        select * from gap_candidates
        where not is_same_name
            and name_similarity >= {{ min_rename_similarity }}
            and shared_initiatives >= 1
        qualify count(*) over (partition by from_year, to_year, from_name_key) = 1
            and count(*) over (partition by from_year, to_year, to_name_key) = 1
    )

),

{{ mutual_best_rounds('return_links', 'return_candidates', '(from_year, from_name_key)', '(to_year, to_name_key)', 'candidate_rank', greedy_rounds) }},

links as (

    select
        from_year,
        to_year,
        from_name_key,
        to_name_key,
        match_rule,
        cast(null as varchar) as stated_kind
    from links_so_far

    union all

    select
        from_year,
        to_year,
        from_name_key,
        to_name_key,
        case when is_same_name then 'same_name' else 'similar_name' end,
        null
    from return_links_{{ greedy_rounds }}

),

kinded_links as (

    {{ kinded_links('links', 'sheet_years', '(links.from_year, links.from_name_key)', '(links.to_year, links.to_name_key)') }}

),

crosswalk as (

    {{ name_crosswalk('year_pairs', 'project_years', 'project_name_key', 'project_name', 'kinded_links', 'manual_decisions', ['link_kind']) }}

),

evidence as (

    {%- for pairs in ['candidates', 'gap_candidates'] %}
    {{ 'union all' if not loop.first }}
    select
        from_year,
        to_year,
        from_name_key,
        to_name_key,
        name_similarity,
        shared_initiatives
    from {{ pairs }}
    {%- endfor %}

),

final as (

    select
        crosswalk.*,
        round(evidence.name_similarity, 4) as name_similarity,
        evidence.shared_initiatives

    from crosswalk
    -- a link's evidence; none for a new or dropped name
    left join evidence
        on crosswalk.from_year = evidence.from_year
            and crosswalk.to_year = evidence.to_year
            and crosswalk.from_name_key = evidence.from_name_key
            and crosswalk.to_name_key = evidence.to_name_key

)

select * from final
