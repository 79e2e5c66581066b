{%- set grades = [1, 2, 3, 4, 5] -%}
{%- set contribution_codes = ['A', 'B', 'C', 'D'] -%}
{%- set shares = ['share_on_or_above_target', 'share_below_target', 'mean_achievement_grade', 'share_contributing', 'share_kpis_met'] -%}
{#- What is counted of a group's rows, this year and in what it is compared with. -#}
{%- set measures -%}
    count(*) as evaluation_rows,
    {%- for grade in grades %}
        count(*) filter (where achievement_code = {{ grade }}) as grade_{{ grade }}_rows,
    {%- endfor %}
    {%- for code in contribution_codes %}
        count(*) filter (where contribution_code = '{{ code }}') as contribution_{{ code | lower }}_rows,
    {%- endfor %}
        count(*) filter (where is_on_or_above_target) / count(*) as share_on_or_above_target,
        count(*) filter (where is_below_target) / count(*) as share_below_target,
        avg(achievement_code) as mean_achievement_grade,
        count(*) filter (where is_contributing) / count(*) as share_contributing,
        cast(sum(kpi_targets) as integer) as kpi_targets,
        cast(sum(kpi_targets_with_actual) as integer) as kpi_targets_with_actual,
        cast(sum(kpi_targets_met) as integer) as kpi_targets_met,
        sum(kpi_targets_met) / nullif(sum(kpi_targets_with_actual), 0) as share_kpis_met
{%- endset -%}

with

evaluations as (

    select * from {{ ref('fct_evaluation') }}

),

policy_areas as (

    select * from {{ ref('dim_policy_area') }}

),

bureaus as (

    select * from {{ ref('dim_bureau') }}

),

achievement_grades as (

    select * from {{ ref('dim_achievement_grade') }}

),

contribution_grades as (

    select * from {{ ref('dim_contribution_grade') }}

),

kpi_attainment as (

    select * from {{ ref('mart_kpi_attainment') }}

),

name_crosswalk as (

    select * from {{ ref('mart_name_crosswalk') }}

),

kpis_per_row as (

    -- the plan's KPI targets, each counted with the row whose results state its actual, else with
    -- the initiative's first row (mart_kpi_attainment.evaluation_id)
    select
        evaluation_id,
        count(*) as kpi_targets,
        count(*) filter (where attainment_status in ('met', 'not met')) as kpi_targets_with_actual,
        count(*) filter (where attainment_status = 'met') as kpi_targets_met

    from kpi_attainment
    where target_source = 'plan'
    group by evaluation_id

),

graded as (

    select
        evaluations.fiscal_year,
        evaluations.policy_area_id,
        evaluations.bureau_key,
        evaluations.achievement_code,
        evaluations.contribution_code,
        achievement_grades.is_on_or_above_target,
        achievement_grades.is_below_target,
        contribution_grades.is_contributing,
        coalesce(kpis_per_row.kpi_targets, 0) as kpi_targets,
        coalesce(kpis_per_row.kpi_targets_with_actual, 0) as kpi_targets_with_actual,
        coalesce(kpis_per_row.kpi_targets_met, 0) as kpi_targets_met

    from evaluations
    left join achievement_grades
        on evaluations.achievement_code = achievement_grades.achievement_code
    left join contribution_grades
        on evaluations.contribution_code = contribution_grades.contribution_code
    left join kpis_per_row
        on evaluations.evaluation_id = kpis_per_row.evaluation_id

),

grouped as (

    select
        graded.*,
        'plan' as grouping,
        'all' as group_id,
        '計画全体' as group_label_ja,
        'whole plan' as group_label_en

    from graded

    union all

    select
        graded.*,
        'pillar' as grouping,
        policy_areas.pillar_id as group_id,
        '取組方針' || policy_areas.pillar || ' ' || policy_areas.pillar_title_ja as group_label_ja,
        'Pillar ' || {{ roman_numeral('policy_areas.pillar_no') }} || ': '
        || policy_areas.pillar_title_en as group_label_en

    from graded
    inner join policy_areas
        on graded.policy_area_id = policy_areas.policy_area_id

    union all

    select
        graded.*,
        'direction' as grouping,
        policy_areas.direction_id as group_id,
        '取組方針' || policy_areas.pillar || ' 取組の方向性' || policy_areas.direction_no || ' '
        || policy_areas.direction_title_ja as group_label_ja,
        'Pillar ' || {{ roman_numeral('policy_areas.pillar_no') }} || ', direction '
        || policy_areas.direction_no || ': ' || policy_areas.direction_title_en as group_label_en

    from graded
    inner join policy_areas
        on graded.policy_area_id = policy_areas.policy_area_id

    union all

    select
        graded.*,
        'bureau' as grouping,
        bureaus.bureau_key as group_id,
        bureaus.name_ja as group_label_ja,
        bureaus.name_en as group_label_en

    from graded
    inner join bureaus
        on graded.bureau_key = bureaus.bureau_key

),

measured as (

    select
        fiscal_year,
        grouping,
        group_id,
        any_value(group_label_ja) as group_label_ja,
        any_value(group_label_en) as group_label_en,
        {{ measures }}

    from grouped
    group by fiscal_year, grouping, group_id

),

sheet_years as (

    {{ sheet_years('evaluations') }}

),

bureau_links as (

    -- the bureaus of the previous sheet year a bureau's names come from: itself, and those merged into it
    -- or it split from
    select distinct
        name_crosswalk.to_year as fiscal_year,
        name_crosswalk.to_entity_key as group_id,
        name_crosswalk.from_entity_key as previous_group_id

    from name_crosswalk
    inner join sheet_years
        on name_crosswalk.to_year = sheet_years.fiscal_year
            and name_crosswalk.from_year = sheet_years.previous_fiscal_year
    where name_crosswalk.entity = 'bureau'
        and name_crosswalk.match_status = 'matched'

),

comparisons as (

    -- the groups of the previous sheet year a group is compared with: itself (stable keys: a renamed
    -- bureau is one group), and for a bureau what its names come from
    select
        measured.fiscal_year,
        measured.grouping,
        measured.group_id,
        sheet_years.previous_fiscal_year,
        coalesce(bureau_links.previous_group_id, measured.group_id) as previous_group_id

    from measured
    inner join sheet_years
        on measured.fiscal_year = sheet_years.fiscal_year
    left join bureau_links
        on measured.grouping = 'bureau'
            and measured.fiscal_year = bureau_links.fiscal_year
            and measured.group_id = bureau_links.group_id

),

previous_measured as (

    -- the previous sheet year's rows of those groups, counted together
    select
        comparisons.fiscal_year,
        comparisons.grouping,
        comparisons.group_id,
        comparisons.previous_fiscal_year,
        list_sort(list(distinct comparisons.previous_group_id)) as previous_group_ids,
        {{ measures }}

    from comparisons
    inner join grouped
        on comparisons.previous_fiscal_year = grouped.fiscal_year
            and comparisons.grouping = grouped.grouping
            and comparisons.previous_group_id = grouped.group_id
    group by comparisons.fiscal_year, comparisons.grouping, comparisons.group_id, comparisons.previous_fiscal_year

),

compared as (

    -- where the groups compared with have rows
    select
        this_year.*,
        previous_year.previous_fiscal_year,
        previous_year.previous_group_ids,
        this_year.evaluation_rows - previous_year.evaluation_rows as change_evaluation_rows,
    {%- for share in shares %}
        this_year.{{ share }} - previous_year.{{ share }} as change_{{ share }}{{ ',' if not loop.last }}
    {%- endfor %}

    from measured as this_year
    left join previous_measured as previous_year
        on this_year.fiscal_year = previous_year.fiscal_year
            and this_year.grouping = previous_year.grouping
            and this_year.group_id = previous_year.group_id

),

final as (

    select
        fiscal_year || '|' || grouping || '|' || group_id as trend_row_id,
        fiscal_year,
        grouping,
        group_id,
        group_label_ja,
        group_label_en,
        evaluation_rows,
        {%- for grade in grades %}
            grade_{{ grade }}_rows,
        {%- endfor %}
        {%- for code in contribution_codes %}
            contribution_{{ code | lower }}_rows,
        {%- endfor %}
        share_on_or_above_target,
        share_below_target,
        mean_achievement_grade,
        share_contributing,
        kpi_targets,
        kpi_targets_with_actual,
        kpi_targets_met,
        share_kpis_met,
        previous_fiscal_year,
        previous_group_ids,
        change_evaluation_rows,
    {%- for share in shares %}
        change_{{ share }}{{ ',' if not loop.last }}
    {%- endfor %}

    from compared

)

select * from final
