with

crosswalk as (

    select * from {{ ref('int_initiatives__matched') }}

),

initiatives as (

    select * from {{ ref('dim_initiative') }}

),

described as (

    select
        crosswalk.*,
        -- the key of the row's own initiative: of both sides for a link that carries it, of the one merged in
        -- or split off for another link of a merge or split
        row_initiative.initiative_key,
        from_initiative.initiative_key as from_initiative_key,
        to_initiative.initiative_key as to_initiative_key,
        from_initiative.initiative_name as from_initiative_name,
        to_initiative.initiative_name as to_initiative_name,
        from_initiative.policy_area_id as from_policy_area_id,
        to_initiative.policy_area_id as to_policy_area_id,
        candidate.initiative_no as candidate_initiative_no,
        candidate.initiative_name as candidate_initiative_name

    from crosswalk
    inner join initiatives as row_initiative
        on crosswalk.row_initiative_year_id = row_initiative.initiative_year_id
    left join initiatives as from_initiative
        on crosswalk.from_initiative_year_id = from_initiative.initiative_year_id
    left join initiatives as to_initiative
        on crosswalk.to_initiative_year_id = to_initiative.initiative_year_id
    left join initiatives as candidate
        on crosswalk.candidate_initiative_year_id = candidate.initiative_year_id

),

final as (

    select
        crosswalk_row_id,
        from_year,
        to_year,
        initiative_key,
        match_status,
        link_kind,
        match_rule,
        from_initiative_year_id,
        to_initiative_year_id,
        from_initiative_key,
        to_initiative_key,
        from_initiative_no,
        to_initiative_no,
        from_initiative_name,
        to_initiative_name,
        from_policy_area_id,
        to_policy_area_id,
        case when match_status = 'matched' then from_initiative_no != to_initiative_no end as is_renumbered,
        case when match_status = 'matched' then from_initiative_name != to_initiative_name end as is_renamed,
        case when match_status = 'matched' then from_policy_area_id != to_policy_area_id end as is_moved,
        name_similarity,
        description_similarity,
        shared_projects,
        shared_bureaus,
        shared_kpi_metrics,
        match_score,
        part_description_share,
        part_name_share,
        moved_projects,
        moved_bureaus,
        moved_kpi_metrics,
        part_score,
        candidate_initiative_year_id,
        candidate_initiative_no,
        candidate_initiative_name

    from described

)

select * from final
