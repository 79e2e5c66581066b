{%- set grades = [1, 2, 3, 4, 5] -%}
{%- set contribution_codes = ['A', 'B', 'C', 'D'] -%}
{%- set shares = ['share_on_or_above_target', 'share_below_target', 'mean_achievement_grade', 'share_contributing', 'share_kpis_met'] -%}

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

    from grouped
    group by fiscal_year, grouping, group_id

),

sheet_years as (

    {{ sheet_years('evaluations') }}

),

compared as (

    -- a group is compared with itself (stable keys: a renamed bureau is one group) in the previous
    -- sheet year, where it has rows there
    select
        this_year.*,
        previous_year.fiscal_year as previous_fiscal_year,
        this_year.evaluation_rows - previous_year.evaluation_rows as change_evaluation_rows,
        {%- for share in shares %}
        this_year.{{ share }} - previous_year.{{ share }} as change_{{ share }}{{ ',' if not loop.last }}
        {%- endfor %}

    from measured as this_year
    inner join sheet_years
        on this_year.fiscal_year = sheet_years.fiscal_year
    left join measured as previous_year
        on this_year.grouping = previous_year.grouping
        and this_year.group_id = previous_year.group_id
        and sheet_years.previous_fiscal_year = previous_year.fiscal_year

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
        change_evaluation_rows,
        {%- for share in shares %}
        change_{{ share }}{{ ',' if not loop.last }}
        {%- endfor %}

    from compared

)

select * from final
