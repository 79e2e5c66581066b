with

targets as (

    select * from {{ ref('fct_kpi_target') }}

),

initiatives as (

    select * from {{ ref('dim_initiative') }}

),

sheet_years as (

    {{ sheet_years('initiatives') }}

),

numbered as (

    -- a metric can occur twice in one plan (two 入場者数 targets): pair them across years in reading order
    select
        *,
        row_number() over (partition by initiative_key, fiscal_year, metric_key order by kpi_no) as metric_occurrence

    from targets

),

this_year as (

    select
        numbered.*,
        sheet_years.previous_fiscal_year

    from numbered
    inner join sheet_years
        on numbered.fiscal_year = sheet_years.fiscal_year

),

last_year as (

    select
        numbered.*,
        sheet_years.fiscal_year as next_fiscal_year

    from numbered
    inner join sheet_years
        on numbered.fiscal_year = sheet_years.previous_fiscal_year

),

compared as (

    select
        coalesce(this_year.initiative_key, last_year.initiative_key) as initiative_key,
        coalesce(this_year.fiscal_year, last_year.next_fiscal_year) as fiscal_year,
        coalesce(this_year.previous_fiscal_year, last_year.fiscal_year) as previous_fiscal_year,
        coalesce(this_year.metric_key, last_year.metric_key) as metric_key,
        coalesce(this_year.metric_occurrence, last_year.metric_occurrence) as metric_occurrence,
        coalesce(this_year.metric, last_year.metric) as metric,
        this_year.kpi_target_id,
        last_year.kpi_target_id as previous_kpi_target_id,
        this_year.target_value,
        last_year.target_value as previous_target_value,
        this_year.unit,
        last_year.unit as previous_unit,
        this_year.comparator,
        last_year.comparator as previous_comparator,
        this_year.target_text,
        last_year.target_text as previous_target_text

    from this_year
    full outer join last_year
        on this_year.fiscal_year = last_year.next_fiscal_year
        and this_year.initiative_key = last_year.initiative_key
        and this_year.metric_key = last_year.metric_key
        and this_year.metric_occurrence = last_year.metric_occurrence

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
