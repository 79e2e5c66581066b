{#- The fiscal years that have a sheet in `relation` (any model with a fiscal_year column), each with
    the previous such year (null for the first): "the previous sheet year" of every comparison across
    years. -#}
{% macro sheet_years(relation) -%}
    select
        fiscal_year,
        lag(fiscal_year) over (order by fiscal_year) as previous_fiscal_year

    from (select distinct fiscal_year from {{ relation }})
{%- endmacro %}


{#- Each pair of consecutive sheet years, from_year → to_year: the pairs every crosswalk compares. -#}
{% macro sheet_year_pairs(relation) -%}
    select
        previous_fiscal_year as from_year,
        fiscal_year as to_year

    from ({{ sheet_years(relation) }})
    where previous_fiscal_year is not null
{%- endmacro %}


{#- Each pair of sheet years with at least one sheet year between them, from_year → to_year: where an
    entity missing from the sheet year before to_year is looked for in earlier years (a gap). -#}
{% macro sheet_year_gap_pairs(relation) -%}
    select
        earlier.fiscal_year as from_year,
        later.fiscal_year as to_year

    from ({{ sheet_years(relation) }}) as later
    inner join (select distinct fiscal_year from {{ relation }}) as earlier
        on earlier.fiscal_year < later.previous_fiscal_year
{%- endmacro %}
