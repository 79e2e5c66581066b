{#-
    Each initiative (initiative_key) in each sheet year it appears in, compared with the rows it comes
    from — its predecessors by every link of mart_initiative_crosswalk: itself in the previous sheet
    year (or in the year it came back from), and the initiatives merged into it or it split from — and
    its row in the year after its last, dropped, merged into another or split into others. The change
    classes: docs/warehouse.md, "Initiative history".
-#}
{%- set kpi_changes = ['raised', 'lowered', 'unchanged', 'redefined', 'new', 'dropped'] -%}

with

evaluations as (

    select * from {{ ref('fct_evaluation') }}

),

initiatives as (

    select * from {{ ref('dim_initiative') }}

),

crosswalk as (

    select * from {{ ref('mart_initiative_crosswalk') }}

),

kpi_history as (

    select * from {{ ref('mart_kpi_target_history') }}

),

sheet_years as (

    {{ sheet_years('evaluations') }}

),

graded as (

    -- an initiative's grades in a year, over its rows (one per 事務事業 or ward): each row's, in sheet
    -- order, and their best, worst and mean; contribution A–D counted 1–4 for the mean
    select
        initiatives.initiative_key,
        initiatives.fiscal_year,
        initiatives.initiative_year_id,
        initiatives.initiative_no,
        initiatives.initiative_name,
        initiatives.policy_area_id,
        count(*) as evaluation_rows,
        list(evaluations.achievement_code order by evaluations.sub_row) as achievement_codes,
        min(evaluations.achievement_code) as best_achievement_code,
        max(evaluations.achievement_code) as worst_achievement_code,
        avg(evaluations.achievement_code) as mean_achievement_grade,
        list(evaluations.contribution_code order by evaluations.sub_row) as contribution_codes,
        max(evaluations.contribution_code) as worst_contribution_code,
        avg(list_position(['A', 'B', 'C', 'D'], evaluations.contribution_code)) as mean_contribution_grade

    from initiatives
    inner join evaluations
        on initiatives.initiative_year_id = evaluations.initiative_year_id
    group by all

),

links as (

    {{ initiative_links('crosswalk') }}

),

previous as (

    -- what an initiative of a year comes from: all the rows of all its predecessors, the one it
    -- continues first
    select
        links.to_initiative_year_id,
        max(links.from_year) as previous_fiscal_year,
        any_value(links.from_initiative_year_id) filter (where links.carries_key) as previous_initiative_year_id,
        any_value(predecessor.initiative_no) filter (where links.carries_key) as previous_initiative_no,
        bool_or(links.carries_key) as continues,
        bool_or(links.link_kind = 'merged_into') as is_merged,
        list(links.from_initiative_key order by not links.carries_key, predecessor.initiative_no) as predecessor_keys,
        flatten(list(predecessor.achievement_codes order by not links.carries_key, predecessor.initiative_no))
            as previous_achievement_codes,
        flatten(list(predecessor.contribution_codes order by not links.carries_key, predecessor.initiative_no))
            as previous_contribution_codes

    from links
    inner join graded as predecessor
        on links.from_initiative_year_id = predecessor.initiative_year_id
    group by links.to_initiative_year_id

),

present as (

    -- every initiative in every sheet year it has
    select
        graded.initiative_key,
        graded.fiscal_year,
        coalesce(previous.previous_fiscal_year, sheet_years.previous_fiscal_year) as previous_fiscal_year,
        graded.initiative_year_id,
        previous.previous_initiative_year_id,
        graded.initiative_no,
        previous.previous_initiative_no,
        graded.initiative_name,
        graded.policy_area_id,
        graded.evaluation_rows,
        graded.achievement_codes,
        graded.best_achievement_code,
        graded.worst_achievement_code,
        graded.mean_achievement_grade,
        graded.contribution_codes,
        graded.worst_contribution_code,
        graded.mean_contribution_grade,
        -- over every row of every predecessor, as the grades above are over this year's rows
        previous.previous_achievement_codes,
        list_max(previous.previous_achievement_codes) as previous_worst_achievement_code,
        list_avg(previous.previous_achievement_codes) as previous_mean_achievement_grade,
        previous.previous_contribution_codes,
        list_avg(list_transform(previous.previous_contribution_codes, lambda code: list_position(['A', 'B', 'C', 'D'], code)))
            as previous_mean_contribution_grade,
        case
            when sheet_years.previous_fiscal_year is null then 'first'
            when previous.to_initiative_year_id is null then 'new'
            when not previous.continues then case when previous.is_merged then 'merged_from' else 'split_from' end
            else 'compared'
        end as lineage,
        coalesce(previous.previous_fiscal_year < sheet_years.previous_fiscal_year, false) as is_returned,
        previous.predecessor_keys,
        cast(null as varchar[]) as successor_keys

    from graded
    inner join sheet_years
        on graded.fiscal_year = sheet_years.fiscal_year
    left join previous
        on graded.initiative_year_id = previous.to_initiative_year_id

),

successors as (

    select
        from_initiative_year_id,
        min(to_year) as to_year,
        count(*) as successor_links,
        list(to_initiative_key order by to_initiative_key) as successor_keys

    from links
    group by from_initiative_year_id

),

gone as (

    -- an initiative's row in the sheet year after its last: dropped, or gone into others (its last
    -- row's links lead to initiatives of other keys)
    select
        last_year.initiative_key,
        coalesce(successors.to_year, sheet_years.fiscal_year) as fiscal_year,
        last_year.fiscal_year as previous_fiscal_year,
        cast(null as varchar) as initiative_year_id,
        last_year.initiative_year_id as previous_initiative_year_id,
        cast(null as integer) as initiative_no,
        last_year.initiative_no as previous_initiative_no,
        last_year.initiative_name,
        last_year.policy_area_id,
        cast(null as bigint) as evaluation_rows,
        cast(null as integer[]) as achievement_codes,
        cast(null as integer) as best_achievement_code,
        cast(null as integer) as worst_achievement_code,
        cast(null as double) as mean_achievement_grade,
        cast(null as varchar[]) as contribution_codes,
        cast(null as varchar) as worst_contribution_code,
        cast(null as double) as mean_contribution_grade,
        last_year.achievement_codes as previous_achievement_codes,
        last_year.worst_achievement_code as previous_worst_achievement_code,
        last_year.mean_achievement_grade as previous_mean_achievement_grade,
        last_year.contribution_codes as previous_contribution_codes,
        last_year.mean_contribution_grade as previous_mean_contribution_grade,
        case
            when successors.from_initiative_year_id is null then 'dropped'
            when successors.successor_links > 1 then 'split_into'
            else 'merged_into'
        end as lineage,
        false as is_returned,
        [last_year.initiative_key] as predecessor_keys,
        coalesce(successors.successor_keys, []) as successor_keys

    from graded as last_year
    inner join sheet_years
        on last_year.fiscal_year = sheet_years.previous_fiscal_year
    left join successors
        on last_year.initiative_year_id = successors.from_initiative_year_id
    where last_year.fiscal_year = (
            select max(fiscal_year) from graded as later
            where later.initiative_key = last_year.initiative_key
        )

),

classified as (

    select
        *,
    {%- for grade in ['achievement', 'contribution'] %}
        case
            when lineage = 'first' then null
            when lineage != 'compared' then lineage
            when mean_{{ grade }}_grade < previous_mean_{{ grade }}_grade then 'improved'
            when mean_{{ grade }}_grade > previous_mean_{{ grade }}_grade then 'worsened'
            else 'unchanged'
        end as {{ grade }}_change{{ ',' if not loop.last }}
    {%- endfor %}

    from (
        select * from present
        union all by name
        select * from gone
    )

),

kpi_summary as (

    select
        initiative_key,
        fiscal_year,
        count(kpi_target_id) as kpi_targets,
        {%- for change in kpi_changes %}
            count(*) filter (where target_change = '{{ change }}') as kpi_targets_{{ change }},
        {%- endfor %}
        list(
            {
                'metric': metric,
                'target_value': target_value,
                'previous_target_value': previous_target_value,
                'unit': coalesce(unit, previous_unit),
                'target_change': target_change
            }
            order by coalesce(kpi_target_id, previous_kpi_target_id)
        ) as kpi_target_changes

    from kpi_history
    group by initiative_key, fiscal_year

),

final as (

    select
        classified.initiative_key || '|' || classified.fiscal_year as history_row_id,
        classified.initiative_key,
        classified.fiscal_year,
        classified.previous_fiscal_year,
        classified.initiative_year_id,
        classified.previous_initiative_year_id,
        classified.initiative_no,
        classified.previous_initiative_no,
        classified.initiative_name,
        classified.policy_area_id,
        classified.evaluation_rows,
        classified.achievement_codes,
        classified.best_achievement_code,
        classified.worst_achievement_code,
        classified.mean_achievement_grade,
        classified.previous_achievement_codes,
        classified.previous_worst_achievement_code,
        classified.previous_mean_achievement_grade,
        classified.mean_achievement_grade - classified.previous_mean_achievement_grade as change_mean_achievement_grade,
        classified.achievement_change,
        classified.contribution_codes,
        classified.worst_contribution_code,
        classified.mean_contribution_grade,
        classified.previous_contribution_codes,
        classified.previous_mean_contribution_grade,
        classified.contribution_change,
        classified.is_returned,
        classified.predecessor_keys,
        classified.successor_keys,
        coalesce(kpi_summary.kpi_targets, 0) as kpi_targets,
        {%- for change in kpi_changes %}
            coalesce(kpi_summary.kpi_targets_{{ change }}, 0) as kpi_targets_{{ change }},
        {%- endfor %}
        coalesce(kpi_summary.kpi_target_changes, []) as kpi_target_changes

    from classified
    left join kpi_summary
        on classified.initiative_key = kpi_summary.initiative_key
            and classified.fiscal_year = kpi_summary.fiscal_year

)

select * from final
