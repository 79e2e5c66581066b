{{ config(materialized='table') }}
{#-
    Which initiative (取組) of one sheet year is which of the next: the crosswalk of every pair of
    consecutive sheet years, one row per initiative of either year — matched, new or dropped — with the
    evidence. int_initiatives__identified follows the matches to give stable keys. The rules, the match
    score and its thresholds (vars initiative_min_name_similarity, initiative_min_match_score):
    docs/warehouse.md, "Identity" → "Initiatives". A table, so that the pairs' evidence is computed once.
-#}
{%- set min_name_similarity = var('initiative_min_name_similarity') -%}
{%- set min_match_score = var('initiative_min_match_score') -%}
{#- Greedy best-first is computed as rounds of mutual best choices; the same result, as long as the
    rounds suffice (assert_initiative_matching_is_greedy_complete checks that none is left). -#}
{%- set greedy_rounds = 4 -%}
{%- set min_candidate_score = 0.3 -%}

with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

manual_matches as (

    select * from {{ ref('initiative_matches_manual') }}

),

initiative_years as (

    -- the merged cells as the initiative's first row has them; projects and bureaus over all its rows
    select
        initiative_year_id,
        fiscal_year,
        initiative_no,
        arg_min(initiative_name_key, sub_row) as name_key,
        arg_min({{ match_key('description') }}, sub_row) as description_key,
        arg_min(pillar_no, sub_row) as pillar_no,
        arg_min(direction_no, sub_row) as direction_no,
        arg_min(subarea_no, sub_row) as subarea_no,
        coalesce(list(distinct project_name_key) filter (where project_name_key is not null), []) as project_name_keys,
        coalesce(list(distinct bureau_name_key) filter (where bureau_name_key is not null), []) as bureau_name_keys

    from sheet_rows
    group by initiative_year_id, fiscal_year, initiative_no

),

with_bigrams as (

    select
        *,
        {{ bigram_set('name_key') }} as name_bigrams,
        {{ bigram_set("coalesce(description_key, '')") }} as description_bigrams

    from initiative_years

),

year_pairs as (

    {{ sheet_year_pairs('sheet_rows') }}

),

candidates as (

    -- every pair of initiatives of two consecutive sheet years, with the evidence for it
    select
        year_pairs.from_year,
        year_pairs.to_year,
        from_side.initiative_year_id as from_initiative_year_id,
        to_side.initiative_year_id as to_initiative_year_id,
        from_side.initiative_no as from_initiative_no,
        to_side.initiative_no as to_initiative_no,
        from_side.name_key = to_side.name_key as is_same_name,
        {{ dice('from_side.name_bigrams', 'to_side.name_bigrams', 'from_side.name_key', 'to_side.name_key') }}
            as name_similarity,
        {{ dice('from_side.description_bigrams', 'to_side.description_bigrams', 'from_side.description_key', 'to_side.description_key') }}
            as description_similarity,
        len(list_intersect(from_side.project_name_keys, to_side.project_name_keys)) as shared_projects,
        len(list_intersect(from_side.bureau_name_keys, to_side.bureau_name_keys)) as shared_bureaus,
        {{ jaccard('from_side.project_name_keys', 'to_side.project_name_keys') }} as project_overlap,
        {{ jaccard('from_side.bureau_name_keys', 'to_side.bureau_name_keys') }} as bureau_overlap,
        from_side.pillar_no = to_side.pillar_no
            and from_side.direction_no = to_side.direction_no
            and from_side.subarea_no = to_side.subarea_no as same_policy_area

    from year_pairs
    inner join with_bigrams as from_side
        on from_side.fiscal_year = year_pairs.from_year
    inner join with_bigrams as to_side
        on to_side.fiscal_year = year_pairs.to_year

),

scored as (

    select
        *,
        0.5 * name_similarity + 0.3 * description_similarity + 0.1 * project_overlap + 0.1 * bureau_overlap
            as match_score,
        -- a total order for "best first": score, then name, then the nearer number
        row_number() over (
            order by
                0.5 * name_similarity + 0.3 * description_similarity + 0.1 * project_overlap + 0.1 * bureau_overlap desc,
                name_similarity desc,
                abs(from_initiative_no - to_initiative_no),
                from_initiative_year_id,
                to_initiative_year_id
        ) as candidate_rank

    from candidates

),

manual_parsed as (

    select
        cast(from_year as integer) as from_year,
        try_cast(from_no as integer) as from_initiative_no,
        cast(to_year as integer) as to_year,
        try_cast(to_no as integer) as to_initiative_no,
        note

    from manual_matches

),

manual_decisions as (

    -- seed rows that name initiatives of two consecutive sheet years; `none` leaves one side empty
    select
        manual_parsed.from_year,
        manual_parsed.to_year,
        from_side.initiative_year_id as from_initiative_year_id,
        to_side.initiative_year_id as to_initiative_year_id,
        manual_parsed.note

    from manual_parsed
    inner join year_pairs
        on manual_parsed.from_year = year_pairs.from_year
        and manual_parsed.to_year = year_pairs.to_year
    left join initiative_years as from_side
        on from_side.fiscal_year = manual_parsed.from_year
        and from_side.initiative_no = manual_parsed.from_initiative_no
    left join initiative_years as to_side
        on to_side.fiscal_year = manual_parsed.to_year
        and to_side.initiative_no = manual_parsed.to_initiative_no
    where from_side.initiative_year_id is not null or to_side.initiative_year_id is not null

),

manual_links as (

    select from_year, to_year, from_initiative_year_id, to_initiative_year_id
    from manual_decisions
    where from_initiative_year_id is not null and to_initiative_year_id is not null

),

open_candidates as (

    -- pairs whose two initiatives the seed leaves to the rule
    select *
    from scored
    where from_initiative_year_id not in (
            select from_initiative_year_id from manual_decisions where from_initiative_year_id is not null
        )
        and to_initiative_year_id not in (
            select to_initiative_year_id from manual_decisions where to_initiative_year_id is not null
        )

),

exact_links as (

    -- the same name, unique on both sides among the open initiatives
    select from_year, to_year, from_initiative_year_id, to_initiative_year_id
    from open_candidates
    where is_same_name
    qualify count(*) over (partition by from_initiative_year_id) = 1
        and count(*) over (partition by to_initiative_year_id) = 1

),

similar_candidates as (

    select *
    from open_candidates
    where name_similarity >= {{ min_name_similarity }}
        and match_score >= {{ min_match_score }}
        and from_initiative_year_id not in (select from_initiative_year_id from exact_links)
        and to_initiative_year_id not in (select to_initiative_year_id from exact_links)

),

similar_links_0 as (

    select from_year, to_year, from_initiative_year_id, to_initiative_year_id
    from similar_candidates
    where false

),

{%- for round in range(1, greedy_rounds + 1) %}

similar_links_{{ round }} as (

    -- round {{ round }}: each pair that is the best open choice of both its initiatives
    select from_year, to_year, from_initiative_year_id, to_initiative_year_id
    from similar_links_{{ round - 1 }}

    union all

    select from_year, to_year, from_initiative_year_id, to_initiative_year_id
    from (
        select
            *,
            min(candidate_rank) over (partition by from_initiative_year_id) as best_for_from,
            min(candidate_rank) over (partition by to_initiative_year_id) as best_for_to

        from similar_candidates
        where from_initiative_year_id not in (select from_initiative_year_id from similar_links_{{ round - 1 }})
            and to_initiative_year_id not in (select to_initiative_year_id from similar_links_{{ round - 1 }})
    )
    where candidate_rank = best_for_from and candidate_rank = best_for_to

),

{%- endfor %}

links as (

    select *, 'manual' as match_rule from manual_links
    union all
    select *, 'exact_name' as match_rule from exact_links
    union all
    select *, 'similar_name' as match_rule from similar_links_{{ greedy_rounds }}

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

    {{ crosswalk_rows('year_pairs', 'initiative_years', 'initiative_year_id', 'links', 'manual_decisions', 'from_initiative_year_id', 'to_initiative_year_id') }}

),

nearest_candidates as (

    -- a dropped initiative's best-scoring unmatched pair in the next year, a new one's in the year
    -- before: the match the rules did not make, with the evidence that fell short
    select 'dropped' as match_status, from_initiative_year_id as initiative_year_id, to_initiative_year_id as candidate_initiative_year_id
    from unmatched_pairs
    qualify row_number() over (partition by from_initiative_year_id order by candidate_rank) = 1

    union all

    select 'new' as match_status, to_initiative_year_id as initiative_year_id, from_initiative_year_id as candidate_initiative_year_id
    from unmatched_pairs
    qualify row_number() over (partition by to_initiative_year_id order by candidate_rank) = 1

),

with_candidates as (

    select
        crosswalk.*,
        nearest_candidates.candidate_initiative_year_id

    from crosswalk
    left join nearest_candidates
        on crosswalk.match_status = nearest_candidates.match_status
        and coalesce(crosswalk.from_initiative_year_id, crosswalk.to_initiative_year_id) = nearest_candidates.initiative_year_id

),

final as (

    select
        format('{:d}-{:d}|{}', with_candidates.from_year, with_candidates.to_year,
            coalesce(with_candidates.from_initiative_year_id, with_candidates.to_initiative_year_id)) as crosswalk_row_id,
        with_candidates.from_year,
        with_candidates.to_year,
        with_candidates.match_status,
        with_candidates.match_rule,
        with_candidates.from_initiative_year_id,
        with_candidates.to_initiative_year_id,
        from_side.initiative_no as from_initiative_no,
        to_side.initiative_no as to_initiative_no,
        with_candidates.candidate_initiative_year_id,
        round(evidence.name_similarity, 4) as name_similarity,
        round(evidence.description_similarity, 4) as description_similarity,
        evidence.shared_projects,
        evidence.shared_bureaus,
        round(evidence.match_score, 4) as match_score,
        evidence.same_policy_area

    from with_candidates
    left join initiative_years as from_side
        on with_candidates.from_initiative_year_id = from_side.initiative_year_id
    left join initiative_years as to_side
        on with_candidates.to_initiative_year_id = to_side.initiative_year_id
    -- the evidence of the match, or of the nearest candidate
    left join scored as evidence
        on evidence.from_initiative_year_id = coalesce(with_candidates.from_initiative_year_id, with_candidates.candidate_initiative_year_id)
        and evidence.to_initiative_year_id = coalesce(with_candidates.to_initiative_year_id, with_candidates.candidate_initiative_year_id)

)

select * from final
