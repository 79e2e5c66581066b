{#-
    Each KPI target next to the target of the same metric its initiative had in the sheet year it comes
    from — along every link of mart_initiative_crosswalk, so a target follows its initiative back after
    a gap, into a merge and out of a split — and each target no successor took, dropped.
-#}
with

targets as (

    select * from {{ ref('fct_kpi_target') }}

),

initiatives as (

    select * from {{ ref('dim_initiative') }}

),

crosswalk as (

    select * from {{ ref('mart_initiative_crosswalk') }}

),

sheet_years as (

    {{ sheet_years('initiatives') }}

),

links as (

    {{ initiative_links('crosswalk') }}

),

numbered as (

    -- a metric can occur twice in one plan (two 入場者数 targets): pair them across years in reading order
    select
        *,
        row_number() over (partition by initiative_year_id, metric_key order by kpi_no) as metric_occurrence

    from targets

),

previous_targets as (

    -- the targets of an initiative's predecessors, numbered per metric among all of them: the one it
    -- continues first
    select
        links.to_initiative_year_id,
        numbered.*,
        row_number() over (
            partition by links.to_initiative_year_id, numbered.metric_key
            order by not links.carries_key, numbered.initiative_no, numbered.kpi_no
        ) as successor_occurrence

    from links
    inner join numbered
        on links.from_initiative_year_id = numbered.initiative_year_id

),

this_year as (

    select
        numbered.*,
        sheet_years.previous_fiscal_year

    from numbered
    inner join sheet_years
        on numbered.fiscal_year = sheet_years.fiscal_year

),

paired as (

    select
        this_year.initiative_key,
        this_year.fiscal_year,
        coalesce(last_year.fiscal_year, this_year.previous_fiscal_year) as previous_fiscal_year,
        this_year.metric_key,
        this_year.metric_occurrence,
        this_year.metric,
        this_year.kpi_target_id,
        last_year.kpi_target_id as previous_kpi_target_id,
        last_year.initiative_key as previous_initiative_key,
        this_year.target_value,
        last_year.target_value as previous_target_value,
        this_year.unit,
        last_year.unit as previous_unit,
        this_year.comparator,
        last_year.comparator as previous_comparator,
        this_year.target_text,
        last_year.target_text as previous_target_text

    from this_year
    left join previous_targets as last_year
        on this_year.initiative_year_id = last_year.to_initiative_year_id
        and this_year.metric_key = last_year.metric_key
        and this_year.metric_occurrence = last_year.successor_occurrence

),

dropped as (

    -- a target that no successor's target of its metric took, in the sheet year after it (or of its
    -- initiative's successors), under its own initiative
    select
        last_year.initiative_key,
        coalesce(
            (select min(links.to_year) from links where links.from_initiative_year_id = last_year.initiative_year_id),
            sheet_years.fiscal_year
        ) as fiscal_year,
        last_year.fiscal_year as previous_fiscal_year,
        last_year.metric_key,
        last_year.metric_occurrence,
        last_year.metric,
        cast(null as varchar) as kpi_target_id,
        last_year.kpi_target_id as previous_kpi_target_id,
        last_year.initiative_key as previous_initiative_key,
        cast(null as decimal(18, 4)) as target_value,
        last_year.target_value as previous_target_value,
        cast(null as varchar) as unit,
        last_year.unit as previous_unit,
        cast(null as varchar) as comparator,
        last_year.comparator as previous_comparator,
        cast(null as varchar) as target_text,
        last_year.target_text as previous_target_text

    from numbered as last_year
    inner join sheet_years
        on last_year.fiscal_year = sheet_years.previous_fiscal_year
    where last_year.kpi_target_id not in (
        select previous_kpi_target_id from paired where previous_kpi_target_id is not null
    )

),

compared as (

    select * from paired
    union all
    select * from dropped

),

classified as (

    select
        *,
        case
            when kpi_target_id is null then 'dropped'
            when previous_fiscal_year is null then null
            when previous_kpi_target_id is null then 'new'
            when unit is distinct from previous_unit or comparator is distinct from previous_comparator then 'redefined'
            when target_value > previous_target_value then 'raised'
            when target_value < previous_target_value then 'lowered'
            else 'unchanged'
        end as target_change

    from compared

),

final as (

    select
        initiative_key || '|' || fiscal_year || '|' || metric_key || '|' || metric_occurrence as kpi_history_row_id,
        initiative_key,
        fiscal_year,
        previous_fiscal_year,
        metric,
        metric_key,
        metric_occurrence,
        kpi_target_id,
        previous_kpi_target_id,
        previous_initiative_key,
        target_value,
        previous_target_value,
        target_value - previous_target_value as change_target_value,
        unit,
        previous_unit,
        comparator,
        previous_comparator,
        target_change,
        target_text,
        previous_target_text

    from classified

)

select * from final
