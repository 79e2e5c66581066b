{#- Keys of the KPI models, built in one place: a target `2022-012-k02` (k: the plan's, r: stated in the
    results) and a figure of a row's results `2022-012-1-a03`. -#}
{% macro kpi_target_id(fiscal_year, initiative_no, source_letter, number) -%}
    format('{:d}-{:03d}-{}{:02d}', {{ fiscal_year }}, {{ initiative_no }}, {{ source_letter }}, {{ number }})
{%- endmacro %}


{% macro kpi_actual_id(fiscal_year, initiative_no, sub_row, statement_no) -%}
    format('{:d}-{:03d}-{:d}-a{}', {{ fiscal_year }}, {{ initiative_no }}, {{ sub_row }}, lpad(({{ statement_no }})::varchar, 2, '0'))
{%- endmacro %}
