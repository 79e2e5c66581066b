{#-
    The one place that says which administrative project (事務事業) a year's project name is. Every mart
    takes project_key from here. Names linked by int_projects__matched — two spellings within a year,
    the same name or a small rename between consecutive sheet years — are one project; its key is the
    match key (NFKC, no white space) of the name as first seen: the earliest sheet year, then the
    earliest row.
-#}
with recursive

crosswalk as (

    select * from {{ ref('int_projects__matched') }}

),

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

project_names as (

    select
        *,
        row_number() over (order by fiscal_year, first_row, project_name_key) as first_seen_rank

    from ({{ names_per_year('sheet_rows', 'project_name', 'project_name_key', 'project_name') }})

),

edges as (

    -- every link, both ways
    select
        from_year,
        from_name_key,
        to_year,
        to_name_key,
        match_rule
    from crosswalk
    where match_status = 'matched'

    union all

    select
        to_year,
        to_name_key,
        from_year,
        from_name_key,
        match_rule
    from crosswalk
    where match_status = 'matched'

),

reachable (fiscal_year, project_name_key, root_rank) as (

    -- every name reaches itself, and what its links reach
    select
        fiscal_year,
        project_name_key,
        first_seen_rank
    from project_names

    union

    select
        edges.to_year,
        edges.to_name_key,
        reachable.root_rank
    from reachable
    inner join edges
        on reachable.fiscal_year = edges.from_year
            and reachable.project_name_key = edges.from_name_key

),

components as (

    select
        fiscal_year,
        project_name_key,
        min(root_rank) as root_rank

    from reachable
    group by fiscal_year, project_name_key

),

link_to_earlier as (

    -- how a name joined its project: its link to a name seen earlier
    select
        edges.from_year as fiscal_year,
        edges.from_name_key as project_name_key,
        min(edges.match_rule) as match_rule

    from edges
    inner join project_names as this_name
        on edges.from_year = this_name.fiscal_year
            and edges.from_name_key = this_name.project_name_key
    inner join project_names as other_name
        on edges.to_year = other_name.fiscal_year
            and edges.to_name_key = other_name.project_name_key
    where other_name.first_seen_rank < this_name.first_seen_rank
    group by edges.from_year, edges.from_name_key

),

final as (

    select
        project_names.fiscal_year,
        project_names.project_name_key,
        project_names.project_name,
        roots.project_name_key as project_key,
        coalesce(link_to_earlier.match_rule, 'own_name') as identified_by

    from project_names
    inner join components
        on project_names.fiscal_year = components.fiscal_year
            and project_names.project_name_key = components.project_name_key
    inner join project_names as roots
        on components.root_rank = roots.first_seen_rank
    left join link_to_earlier
        on project_names.fiscal_year = link_to_earlier.fiscal_year
            and project_names.project_name_key = link_to_earlier.project_name_key

)

select * from final
