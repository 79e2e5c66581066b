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
        coalesce(from_initiative.initiative_key, to_initiative.initiative_key) as initiative_key,
        from_initiative.initiative_name as from_initiative_name,
        to_initiative.initiative_name as to_initiative_name,
        from_initiative.policy_area_id as from_policy_area_id,
        to_initiative.policy_area_id as to_policy_area_id,
        candidate.initiative_no as candidate_initiative_no,
        candidate.initiative_name as candidate_initiative_name

    from crosswalk
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
        match_rule,
        from_initiative_year_id,
        to_initiative_year_id,
        from_initiative_no,
        to_initiative_no,
        from_initiative_name,
        to_initiative_name,
        from_policy_area_id,
        to_policy_area_id,
        case when match_status = 'matched' then from_initiative_no <> to_initiative_no end as is_renumbered,
        case when match_status = 'matched' then from_initiative_name <> to_initiative_name end as is_renamed,
        case when match_status = 'matched' then from_policy_area_id <> to_policy_area_id end as is_moved,
        name_similarity,
        description_similarity,
        shared_projects,
        shared_bureaus,
        match_score,
        candidate_initiative_year_id,
        candidate_initiative_no,
        candidate_initiative_name

    from described

)

select * from final
