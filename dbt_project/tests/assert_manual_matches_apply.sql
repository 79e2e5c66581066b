{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'initiative_matches_manual'}}}) }}
{#-
    Rows of the manual-match seeds (initiative_matches_manual, bureau_matches_manual,
    project_matches_manual) that do not decide what they say, each with the problem: their years are
    not two sheet years, the earlier first (for projects: nor one year), a number or name they give is
    not in that year's sheet, or — initiatives and bureaus — a row without a kind says an entity is the
    same as another that a second such row also names (then neither continues the other: state which
    merged_into or split_from). A warning: the seed may be written ahead of a year not loaded; otherwise
    it has a typo.
    The test reads four parents; Dagster shows it as an asset check of the first seed.
-#}
with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

initiative_seed as (

    select
        'initiative_matches_manual' as seed,
        from_year,
        from_no as from_value,
        to_year,
        to_no as to_value,
        {{ seed_kind('kind') }} as stated_kind,
        from_no = 'none' or exists (
            select 1 from sheet_rows
            where fiscal_year = seed_rows.from_year and initiative_no = try_cast(seed_rows.from_no as integer)
        ) as from_found,
        to_no = 'none' or exists (
            select 1 from sheet_rows
            where fiscal_year = seed_rows.to_year and initiative_no = try_cast(seed_rows.to_no as integer)
        ) as to_found,
        from_year < to_year as years_in_order

    from ({{ seed_rows(ref('initiative_matches_manual'), ['kind']) }}) as seed_rows

),

{%- for entity, within_year in [('bureau', false), ('project', true)] %}

    {{ entity }}_seed as (

        select
            '{{ entity }}_matches_manual' as seed,
            from_year,
            from_name as from_value,
            to_year,
            to_name as to_value,
            {{ seed_kind('kind') if entity == 'bureau' else 'cast(null as varchar)' }} as stated_kind,
            {%- for side in ['from', 'to'] %}
                {{ is_seed_none(side ~ '_name') }} or exists (
                    select 1 from sheet_rows
                    where fiscal_year = seed_rows.{{ side }}_year and {{ entity }}_name_key = {{ match_key('seed_rows.' ~ side ~ '_name') }}
                ) as {{ side }}_found,
            {%- endfor %}
            from_year < to_year{% if within_year %} or from_year = to_year{% endif %} as years_in_order

        from ({{ seed_rows(ref(entity ~ '_matches_manual'), ['kind'] if entity == 'bureau' else []) }}) as seed_rows

    ),

{%- endfor %}

seeds as (

    select * from initiative_seed
    union all
    select * from bureau_seed
    union all
    select * from project_seed

),

checked as (

    select
        *,
        case
            when not years_in_order
                or from_year not in (select fiscal_year from sheet_rows)
                or to_year not in (select fiscal_year from sheet_rows)
                then 'years are not two sheet years, the earlier first'
            when not from_found then 'from side not in from_year'
            when not to_found then 'to side not in to_year'
            when seed != 'project_matches_manual'
                and stated_kind is null
                and lower(from_value) != 'none'
                and lower(to_value) != 'none'
                and (
                    count(*) filter (where stated_kind is null and lower(to_value) != 'none')
                        over (partition by seed, from_year, lower(from_value))
                    > 1
                    or count(*) filter (where stated_kind is null and lower(from_value) != 'none')
                        over (partition by seed, to_year, lower(to_value))
                    > 1
                )
                then 'another row without a kind names the same entity: state merged_into or split_from'
        end as problem

    from seeds

)

select *
from checked
where problem is not null
