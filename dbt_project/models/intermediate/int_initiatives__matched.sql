{{ config(materialized='table') }}
{#-
    Which initiative (取組) of one sheet year is which of a later one: every link between two
    initiatives — the same initiative in the next sheet year or back after a gap, or one of several
    merged into one or split from one — and, per pair of consecutive sheet years, every initiative left
    without a link (new, dropped), with the evidence. int_initiatives__identified follows the links that
    carry the key. The rules, their order, the scores and thresholds (vars initiative_min_*):
    docs/warehouse.md, "Identity" → "Initiatives". A table, so that the pairs' evidence is computed once.
    One model, long, because its CTEs are the rules in the order they apply: each takes what the ones
    before it left open, so a part apart from the others could not be read or tested alone.
-#}
{#- Greedy best-first is computed as rounds of mutual best choices; the same result, as long as the
    rounds suffice (assert_initiative_matching_is_greedy_complete checks that none is left). -#}
{%- set greedy_rounds = 4 -%}
{%- set min_candidate_score = 0.3 -%}

with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

kpi_targets as (

    select * from {{ ref('int_kpi_targets__parsed') }}

),

manual_matches as (

    {{ seed_rows(ref('initiative_matches_manual'), ['kind']) }}

),

initiative_years as (

    {{ initiatives_described('sheet_rows', 'kpi_targets') }}

),

sheet_years as (

    {{ sheet_years('sheet_rows') }}

),

year_pairs as (

    {{ sheet_year_pairs('sheet_rows') }}

),

candidates as (

    -- every pair of initiatives of two consecutive sheet years, with the evidence for it
    select
        year_pairs.from_year,
        year_pairs.to_year,
        {{ initiative_pair_evidence('from_side', 'to_side') }}

    from year_pairs
    inner join initiative_years as from_side
        on year_pairs.from_year = from_side.fiscal_year
    inner join initiative_years as to_side
        on year_pairs.to_year = to_side.fiscal_year

),

scored as (

    select
        *,
        {{ initiative_match_score() }} as match_score,
        -- a total order for "best first": score, then name, then the nearer number
        row_number() over (
            order by
                {{ initiative_match_score() }} desc,
                name_similarity desc,
                abs(from_initiative_no - to_initiative_no),
                from_initiative_year_id asc,
                to_initiative_year_id asc
        ) as candidate_rank

    from candidates

),

manual_parsed as (

    select
        cast(from_year as integer) as from_year,
        try_cast(from_no as integer) as from_initiative_no,
        cast(to_year as integer) as to_year,
        try_cast(to_no as integer) as to_initiative_no,
        {{ seed_kind('kind') }} as stated_kind

    from manual_matches

),

manual_decisions as (

    -- seed rows that name initiatives of two sheet years, the earlier first; `none` leaves one side empty
    select
        manual_parsed.from_year,
        manual_parsed.to_year,
        from_side.initiative_year_id as from_initiative_year_id,
        to_side.initiative_year_id as to_initiative_year_id,
        manual_parsed.stated_kind

    from manual_parsed
    left join initiative_years as from_side
        on manual_parsed.from_year = from_side.fiscal_year
            and manual_parsed.from_initiative_no = from_side.initiative_no
    left join initiative_years as to_side
        on manual_parsed.to_year = to_side.fiscal_year
            and manual_parsed.to_initiative_no = to_side.initiative_no
    where manual_parsed.from_year < manual_parsed.to_year
        and manual_parsed.from_year in (select fiscal_year from sheet_years)
        and manual_parsed.to_year in (select fiscal_year from sheet_years)
        and (from_side.initiative_year_id is not null or to_side.initiative_year_id is not null)

),

manual_links as (

    {{ manual_links('manual_decisions', 'from_initiative_year_id', 'to_initiative_year_id', 'from_initiative_year_id', 'to_initiative_year_id') }}

),

open_candidates as (

    -- pairs of consecutive sheet years whose two initiatives the seed leaves to the rules
    select *
    from scored
    where {{ left_to_the_rules('manual_decisions', 'scored.from_year', 'scored.from_initiative_year_id', 'scored.to_year',
        'scored.to_initiative_year_id', 'from_initiative_year_id', 'to_initiative_year_id') }}

),

exact_links as (

    -- the same name, unique on both sides among the open initiatives
    select *
    from open_candidates
    where is_same_name
    qualify count(*) over (partition by from_initiative_year_id) = 1
        and count(*) over (partition by to_initiative_year_id) = 1

),

similar_candidates as (

    select *
    from open_candidates
    where {{ initiative_is_similar() }}
        and from_initiative_year_id not in (select from_initiative_year_id from exact_links)
        and to_initiative_year_id not in (select to_initiative_year_id from exact_links)

),

{{ mutual_best_rounds('similar_links', 'similar_candidates', 'from_initiative_year_id', 'to_initiative_year_id', 'candidate_rank', greedy_rounds) }},

one_to_one_links as (

    select
        from_year,
        to_year,
        from_initiative_year_id,
        to_initiative_year_id,
        'exact_name' as match_rule
    from exact_links

    union all

    select
        from_year,
        to_year,
        from_initiative_year_id,
        to_initiative_year_id,
        'similar_name' as match_rule
    from similar_links_{{ greedy_rounds }}

),

{%- for parts, part_side, whole_side, gone in [
    ('merge_parts', 'from', 'to', 'without successor, as a part of an initiative of the next year: what of it the whole has and the whole\'s own predecessor had not'),
    ('split_parts', 'to', 'from', 'without predecessor, as a part of an initiative of the year before: what of it the whole had and the whole\'s own successor has not'),
] %}

    {{ parts }} as (

    -- an open initiative the one-to-one rules left {{ gone }}
        select
            '{{ part_side }}' as part_side,
            open_candidates.{{ part_side }}_initiative_year_id as part_initiative_year_id,
            open_candidates.*,
            {{ initiative_part_evidence('part', 'whole', 'base') }}

        from open_candidates
        inner join initiative_years as part
            on open_candidates.{{ part_side }}_initiative_year_id = part.initiative_year_id
        inner join initiative_years as whole
            on open_candidates.{{ whole_side }}_initiative_year_id = whole.initiative_year_id
        left join one_to_one_links as base_link
            on open_candidates.{{ whole_side }}_initiative_year_id = base_link.{{ whole_side }}_initiative_year_id
        left join initiative_years as base
            on base_link.{{ part_side }}_initiative_year_id = base.initiative_year_id
        where open_candidates.{{ part_side }}_initiative_year_id not in (select {{ part_side }}_initiative_year_id from one_to_one_links)
        -- what moved is shared: a pair sharing no project, bureau or metric has no part to weigh
            and open_candidates.shared_projects + open_candidates.shared_bureaus + open_candidates.shared_kpi_metrics >= 1

    ),
{%- endfor %}

part_proposals as (

    -- each part's best whole, where it passes the part rule
    select
        *,
        {{ initiative_part_score() }} as part_score

    from (
        select * from merge_parts
        union all
        select * from split_parts
    )
    where {{ initiative_is_part() }}
    qualify row_number() over (
            partition by part_side, part_initiative_year_id
            order by {{ initiative_part_score() }} desc, candidate_rank
        ) = 1

),

proposed_links as (

    select distinct
        from_year,
        to_year,
        from_initiative_year_id,
        to_initiative_year_id
    from part_proposals

),

part_links as (

    -- a proposed link stands where its later initiative then has several predecessors, or its earlier
    -- one several successors: a merge or a split, not a one-to-one match the rules rejected
    select
        proposed_links.*,
        'moved_content' as match_rule

    from proposed_links
    where
        {%- for side in ['to', 'from'] %}
            {{ 'or ' if not loop.first }}(
                select count(*) from proposed_links as other
                where other.{{ side }}_initiative_year_id = proposed_links.{{ side }}_initiative_year_id
            ) + (
                select count(*) from one_to_one_links as other
                where other.{{ side }}_initiative_year_id = proposed_links.{{ side }}_initiative_year_id
            ) > 1
        {%- endfor %}

),

links_so_far as (

    {%- for links in ['manual_links', 'one_to_one_links', 'part_links'] %}
    {{ 'union all' if not loop.first }}
    select
        from_year,
        to_year,
        from_initiative_year_id,
        to_initiative_year_id
    from {{ links }}
    {%- endfor %}

),

ended as (

    -- initiatives with no link into a later year
    select *
    from initiative_years
    where initiative_year_id not in (select from_initiative_year_id from links_so_far)

),

unlinked as (

    -- initiatives with no link from an earlier year
    select *
    from initiative_years
    where initiative_year_id not in (select to_initiative_year_id from links_so_far)

),

gap_open_pairs as (

    -- an initiative without predecessor in the previous sheet year, against the initiatives of earlier
    -- years that ended there; and the pairs the seed links across a gap. Keys only: the evidence is
    -- weighed for these pairs alone, never for every pair of years a gap apart
    select
        gaps.from_year,
        gaps.to_year,
        from_side.initiative_year_id as from_initiative_year_id,
        to_side.initiative_year_id as to_initiative_year_id

    from ({{ sheet_year_gap_pairs('sheet_rows') }}) as gaps
    inner join ended as from_side
        on gaps.from_year = from_side.fiscal_year
    inner join unlinked as to_side
        on gaps.to_year = to_side.fiscal_year
    where {{ left_to_the_rules('manual_decisions', 'gaps.from_year', 'from_side.initiative_year_id', 'gaps.to_year',
        'to_side.initiative_year_id', 'from_initiative_year_id', 'to_initiative_year_id') }}

    union

    select
        manual_links.from_year,
        manual_links.to_year,
        manual_links.from_initiative_year_id,
        manual_links.to_initiative_year_id

    from manual_links
    inner join ({{ sheet_year_gap_pairs('sheet_rows') }}) as gaps
        on manual_links.from_year = gaps.from_year
            and manual_links.to_year = gaps.to_year

),

gap_pairs as (

    select
        gap_open_pairs.from_year,
        gap_open_pairs.to_year,
        {{ initiative_pair_evidence('from_side', 'to_side') }}

    from gap_open_pairs
    inner join initiative_years as from_side
        on gap_open_pairs.from_initiative_year_id = from_side.initiative_year_id
    inner join initiative_years as to_side
        on gap_open_pairs.to_initiative_year_id = to_side.initiative_year_id

),

gap_scored as (

    select
        *,
        {{ initiative_match_score() }} as match_score

    from gap_pairs

),

return_candidates as (

    -- the same rules; best first: the earliest year of return, the most recent year to return from,
    -- the same name, the score
    select
        *,
        row_number() over (
            order by
                to_year asc,
                from_year desc,
                is_same_name desc,
                match_score desc,
                name_similarity desc,
                abs(from_initiative_no - to_initiative_no),
                from_initiative_year_id asc,
                to_initiative_year_id asc
        ) as candidate_rank

    from gap_scored
    where (is_same_name or {{ initiative_is_similar() }})
        and from_initiative_year_id in (select initiative_year_id from ended)
        and to_initiative_year_id in (select initiative_year_id from unlinked)

),

{{ mutual_best_rounds('return_links', 'return_candidates', 'from_initiative_year_id', 'to_initiative_year_id', 'candidate_rank', greedy_rounds) }},

links as (

    select
        from_year,
        to_year,
        from_initiative_year_id,
        to_initiative_year_id,
        match_rule,
        stated_kind,
        carries_key
    from manual_links

    union all

    select
        from_year,
        to_year,
        from_initiative_year_id,
        to_initiative_year_id,
        match_rule,
        null,
        true
    from one_to_one_links

    union all

    select
        from_year,
        to_year,
        from_initiative_year_id,
        to_initiative_year_id,
        match_rule,
        null,
        false
    from part_links

    union all

    select
        from_year,
        to_year,
        from_initiative_year_id,
        to_initiative_year_id,
        case when is_same_name then 'exact_name' else 'similar_name' end,
        null,
        true

    from return_links_{{ greedy_rounds }}

),

kinded_links as (

    {{ kinded_links('links', 'sheet_years', 'links.from_initiative_year_id', 'links.to_initiative_year_id') }}

),

unmatched_pairs as (

    -- pairs of two initiatives the rules left without successor and without predecessor, worth a look
    -- (from a score of {{ min_candidate_score }}: below it the pair has nothing to show)
    select *
    from scored
    where match_score >= {{ min_candidate_score }}
        and from_initiative_year_id not in (select from_initiative_year_id from links)
        and to_initiative_year_id not in (select to_initiative_year_id from links)

),

crosswalk as (

    {{ crosswalk_rows('year_pairs', 'initiative_years', 'initiative_year_id', 'kinded_links', 'manual_decisions',
        'from_initiative_year_id', 'to_initiative_year_id', ['link_kind', 'carries_key']) }}

),

nearest_candidates as (

    -- a dropped initiative's best-scoring unmatched pair in the next year, a new one's in the year
    -- before: the match the rules did not make, with the evidence that fell short
    select
        'dropped' as match_status,
        from_initiative_year_id as initiative_year_id,
        to_initiative_year_id as candidate_initiative_year_id
    from unmatched_pairs
    qualify row_number() over (partition by from_initiative_year_id order by candidate_rank) = 1

    union all

    select
        'new' as match_status,
        to_initiative_year_id as initiative_year_id,
        from_initiative_year_id as candidate_initiative_year_id
    from unmatched_pairs
    qualify row_number() over (partition by to_initiative_year_id order by candidate_rank) = 1

),

with_candidates as (

    select
        crosswalk.*,
        nearest_candidates.candidate_initiative_year_id,
        -- the row's own initiative: the one split off for a split link that does not carry the key, else
        -- the earlier one (and for a new initiative the later)
        case
            when crosswalk.link_kind = 'split_from' and not crosswalk.carries_key then crosswalk.to_initiative_year_id
            else coalesce(crosswalk.from_initiative_year_id, crosswalk.to_initiative_year_id)
        end as row_initiative_year_id

    from crosswalk
    left join nearest_candidates
        on crosswalk.match_status = nearest_candidates.match_status
            and coalesce(crosswalk.from_initiative_year_id, crosswalk.to_initiative_year_id) = nearest_candidates.initiative_year_id

),

evidence as (

    {%- for pairs in ['scored', 'gap_scored'] %}
    {{ 'union all' if not loop.first }}
    select
        from_initiative_year_id,
        to_initiative_year_id,
        name_similarity,
        description_similarity,
        shared_projects,
        shared_bureaus,
        shared_kpi_metrics,
        match_score,
        same_policy_area
    from {{ pairs }}
    {%- endfor %}

),

final as (

    select
        format('{:d}-{:d}|{}', with_candidates.from_year, with_candidates.to_year, with_candidates.row_initiative_year_id)
            as crosswalk_row_id,
        with_candidates.from_year,
        with_candidates.to_year,
        with_candidates.match_status,
        with_candidates.link_kind,
        with_candidates.carries_key,
        with_candidates.match_rule,
        with_candidates.row_initiative_year_id,
        with_candidates.from_initiative_year_id,
        with_candidates.to_initiative_year_id,
        from_side.initiative_no as from_initiative_no,
        to_side.initiative_no as to_initiative_no,
        with_candidates.candidate_initiative_year_id,
        round(pair.name_similarity, 4) as name_similarity,
        round(pair.description_similarity, 4) as description_similarity,
        pair.shared_projects,
        pair.shared_bureaus,
        pair.shared_kpi_metrics,
        round(pair.match_score, 4) as match_score,
        pair.same_policy_area,
        round(part.part_name_share, 4) as part_name_share,
        round(part.part_description_share, 4) as part_description_share,
        part.moved_projects,
        part.moved_bureaus,
        part.moved_kpi_metrics,
        round(part.part_score, 4) as part_score

    from with_candidates
    left join initiative_years as from_side
        on with_candidates.from_initiative_year_id = from_side.initiative_year_id
    left join initiative_years as to_side
        on with_candidates.to_initiative_year_id = to_side.initiative_year_id
    -- the evidence of the link, or of the nearest candidate
    left join evidence as pair
        on pair.from_initiative_year_id = coalesce(with_candidates.from_initiative_year_id, with_candidates.candidate_initiative_year_id)
            and pair.to_initiative_year_id = coalesce(with_candidates.to_initiative_year_id, with_candidates.candidate_initiative_year_id)
    -- what moved, for a link between parts of a merge or split: measured for the row's own initiative
    -- where it proposed the link, else for the other one
    left join part_proposals as part
        on with_candidates.match_rule = 'moved_content'
            and with_candidates.from_initiative_year_id = part.from_initiative_year_id
            and with_candidates.to_initiative_year_id = part.to_initiative_year_id
    qualify row_number() over (
            partition by with_candidates.from_year, with_candidates.to_year, with_candidates.row_initiative_year_id
            order by part.part_initiative_year_id = with_candidates.row_initiative_year_id desc nulls last
        ) = 1

)

select * from final
