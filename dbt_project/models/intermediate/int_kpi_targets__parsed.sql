{#-
    KPI targets (目標) parsed from the year's plan (令和N年度の取組内容), one row per target, by the KPI
    grammar in pipeline/kpi/targets.py (the DuckDB function kpi_plan_targets; the grammar is described
    there and in docs/warehouse.md). A metric written mid-line or broken across a line end is read only
    into a metric the sheet year states cleanly: the labels of its plans (kpi_plan_metrics) and the
    metrics of its stated actuals. A table: it calls a Python function.
-#}
{{ config(materialized='table') }}

with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

stated_actuals as (

    select * from {{ ref('int_kpi_actuals__parsed') }}

),

plans as (

    -- the plan is a merged cell: the initiative's first row carries it for all of its rows
    select
        fiscal_year,
        initiative_no,
        plan_fy

    from sheet_rows
    where sub_row = 1 and plan_fy is not null

),

known_metrics as (

    select
        fiscal_year,
        list_sort(list(distinct metric)) as metrics

    from (
        select
            fiscal_year,
            unnest(kpi_plan_metrics(plan_fy)) as metric
        from plans
        union all
        select
            fiscal_year,
            metric
        from stated_actuals
        where metric is not null
    )
    group by fiscal_year

),

parsed as (

    select
        plans.fiscal_year,
        plans.initiative_no,
        unnest(kpi_plan_targets(plans.plan_fy, coalesce(known_metrics.metrics, []))) as target

    from plans
    left join known_metrics
        on plans.fiscal_year = known_metrics.fiscal_year

),

final as (

    select
        {{ kpi_target_id('fiscal_year', 'initiative_no', "'k'", 'target.kpi_no') }} as kpi_target_id,
        format('{:d}-{:03d}', fiscal_year, initiative_no) as initiative_year_id,
        fiscal_year,
        initiative_no,
        target.kpi_no,
        target.metric,
        target.metric_key,
        cast(target.target_value as decimal(18, 4)) as target_value,
        target.unit,
        target.comparator,
        target.value_prefix,
        target.is_cumulative,
        target.target_text,
        target.context_text,
        target.section_text,
        target.plan_line_no

    from parsed

)

select * from final
