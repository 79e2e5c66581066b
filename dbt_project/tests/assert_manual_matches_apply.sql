{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'initiative_matches_manual'}}}) }}
{#-
    Rows of the manual-match seeds (initiative_matches_manual, bureau_matches_manual,
    project_matches_manual) that decide nothing in this warehouse: their years are not consecutive
    sheet years (for projects: nor one year), or a number or name they give is not in that year's
    sheet. A warning: the seed may be written ahead of a year not loaded; otherwise it has a typo.
    The test reads four parents; Dagster shows it as an asset check of the first seed.
-#}
with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

year_pairs as (

    {{ sheet_year_pairs('sheet_rows') }}

),

initiative_seed as (

    select
        'initiative_matches_manual' as seed,
        from_year,
        from_no as from_value,
        to_year,
        to_no as to_value,
        (from_year, to_year) in (select (from_year, to_year) from year_pairs) as years_apply,
        from_no = 'none' or exists (
            select 1 from sheet_rows where fiscal_year = seed_rows.from_year and initiative_no = try_cast(seed_rows.from_no as integer)
        ) as from_found,
        to_no = 'none' or exists (
            select 1 from sheet_rows where fiscal_year = seed_rows.to_year and initiative_no = try_cast(seed_rows.to_no as integer)
        ) as to_found

    from {{ ref('initiative_matches_manual') }} as seed_rows

),

{%- for entity, within_year in [('bureau', false), ('project', true)] %}

{{ entity }}_seed as (

    select
        '{{ entity }}_matches_manual' as seed,
        from_year,
        from_name as from_value,
        to_year,
        to_name as to_value,
        {% if within_year %}from_year = to_year or {% endif %}(from_year, to_year) in (select (from_year, to_year) from year_pairs) as years_apply,
        {%- for side in ['from', 'to'] %}
        {{ is_seed_none(side ~ '_name') }} or exists (
            select 1 from sheet_rows where fiscal_year = seed_rows.{{ side }}_year and {{ entity }}_name_key = {{ match_key('seed_rows.' ~ side ~ '_name') }}
        ) as {{ side }}_found{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ ref(entity ~ '_matches_manual') }} as seed_rows

),

{%- endfor %}

seeds as (

    select * from initiative_seed
    union all
    select * from bureau_seed
    union all
    select * from project_seed

)

select *
from seeds
where not years_apply or not from_found or not to_found
