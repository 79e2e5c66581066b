{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'int_kpi_targets__parsed'}}}) }}
{#-
    Lines of a plan (令和N年度の取組内容) that look like a KPI target — a colon followed by a number,
    「：5回」, 「:１２件」 — but were not parsed as one. A warning, not an error: such a line is either a
    new target format the parser should learn or a line that is not a target; either way someone
    should look. (FY2022: none.)
-#}
with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}
    where sub_row = 1 and plan_fy is not null

),

targets as (

    select * from {{ ref('int_kpi_targets__parsed') }}

),

lines as (

    select
        fiscal_year,
        initiative_no,
        generate_subscripts(string_split(plan_fy, chr(10)), 1) as line_no,
        unnest(string_split(plan_fy, chr(10))) as line_text

    from sheet_rows

)

select lines.*

from lines
where regexp_matches({{ nfkc('lines.line_text') }}, ':\s*(全|累計|延べ|合計|計|週|月|年)?\s*[0-9]')
    and not exists (
        select 1
        from targets
        where targets.fiscal_year = lines.fiscal_year
            and targets.initiative_no = lines.initiative_no
            and lines.line_no between targets.plan_line_no and targets.plan_line_no + 1
    )
