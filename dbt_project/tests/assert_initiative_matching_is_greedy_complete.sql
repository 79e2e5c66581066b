{{ config(meta={'dagster': {'ref': {'name': 'int_initiatives__matched'}}}) }}
{#-
    int_initiatives__matched takes fuzzy matches and returns after a gap greedily, best first, as rounds
    of mutual best choices. The rounds suffice when no initiative is left dropped by the rules that would
    still pass them with one left new by the rules: in the next sheet year, its nearest unmatched
    candidate (similar_name), or in a later year, back after a gap (the same name, or similar_name) —
    which is what this returns. If it ever does, raise greedy_rounds in the model. The test reads two
    models; Dagster shows it as an asset check of the first.
-#}
with

crosswalk as (

    select * from {{ ref('int_initiatives__matched') }}

),

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

kpi_targets as (

    select * from {{ ref('int_kpi_targets__parsed') }}

),

initiative_years as (

    {{ initiatives_described('sheet_rows', 'kpi_targets') }}

),

sheet_years as (

    {{ sheet_years('sheet_rows') }}

),

next_year as (

    select
        from_initiative_year_id,
        to_initiative_year_id
    from (
        select
            dropped.from_initiative_year_id,
            candidate.to_initiative_year_id,
            dropped.name_similarity,
            dropped.match_score
        from crosswalk as dropped
        inner join crosswalk as candidate
            on candidate.match_status = 'new'
                and dropped.from_year = candidate.from_year
                and dropped.candidate_initiative_year_id = candidate.to_initiative_year_id
        where dropped.match_status = 'dropped'
            and dropped.match_rule is null
            and candidate.match_rule is null
    )
    where {{ initiative_is_similar() }}

),

gap_pairs as (

    select
        {{ initiative_pair_evidence('from_side', 'to_side') }}

    from crosswalk as dropped
    inner join crosswalk as returned
        on returned.match_status = 'new'
            and returned.match_rule is null
    inner join sheet_years
        on returned.to_year = sheet_years.fiscal_year
            and dropped.from_year < sheet_years.previous_fiscal_year
    inner join initiative_years as from_side
        on dropped.from_initiative_year_id = from_side.initiative_year_id
    inner join initiative_years as to_side
        on returned.to_initiative_year_id = to_side.initiative_year_id
    where dropped.match_status = 'dropped'
        and dropped.match_rule is null

),

later_years as (

    select
        from_initiative_year_id,
        to_initiative_year_id
    from (
        select
            *,
            {{ initiative_match_score() }} as match_score
        from gap_pairs
    )
    where is_same_name or {{ initiative_is_similar() }}

)

select * from next_year
union all
select * from later_years
