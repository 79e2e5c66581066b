{#-
    Every figure (実績) a row's results (取組内容の実績等) state, one row per figure, read by the KPI grammar in
    pipeline/kpi/statements.py (the DuckDB function kpi_result_figures): a number with its unit and the
    wording around it — the explicit wordings (「国際展開活動件数（R4実績）：111件」, 「目標600件に対して666件」, …),
    any other number with a unit (figure), a single event stated by its date (dated_event), and the
    markers 約, 見込, 累計, 新たに, a change, a rate, a per-unit value. A table: it calls a Python function.
-#}
{{ config(materialized='table') }}

with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

figures as (

    select
        evaluation_id,
        initiative_year_id,
        fiscal_year,
        initiative_no,
        sub_row,
        unnest(kpi_result_figures(results)) as figure

    from sheet_rows
    where results is not null

),

final as (

    select
        {{ kpi_actual_id('fiscal_year', 'initiative_no', 'sub_row', 'figure.statement_no') }} as kpi_actual_id,
        evaluation_id,
        initiative_year_id,
        fiscal_year,
        initiative_no,
        sub_row,
        figure.statement_no,
        figure.statement_format,
        figure.metric,
        figure.metric_key,
        cast(figure.actual_value as decimal(18, 4)) as actual_value,
        figure.actual_unit,
        figure.rate_period,
        cast(figure.stated_target_value as decimal(18, 4)) as stated_target_value,
        figure.stated_target_unit,
        figure.is_estimate,
        figure.is_approximate,
        figure.is_cumulative,
        figure.is_year_increment,
        figure.is_change,
        figure.is_per_unit,
        figure.statement_text,
        figure.source_sentence

    from figures

)

select * from final
