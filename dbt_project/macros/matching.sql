{#-
    The structure the three crosswalks of int_initiatives__matched, int_projects__matched and
    int_bureaus__matched share (the rules themselves: docs/warehouse.md, "Identity"). Each model has
    its entities per sheet year (fiscal_year and a key), its links (from_year, to_year, from_key, to_key,
    match_rule; the rules' and the seed's) and its seed decisions (from_year, to_year, from_key, to_key,
    a null key for `none`).
-#}

{#- The names in `key_column` of each sheet year, each with its spelling in `name_column` as first
    printed (lowest initiative number, then sub-row) and that row, `first_row` [initiative_no, sub_row].
    `also` adds aggregates of the year's rows of that name. -#}
{% macro names_per_year(relation, name_column, key_column, name_alias, also=[]) -%}
    select
        fiscal_year,
        {{ key_column }},
        arg_min({{ name_column }}, [initiative_no, sub_row]) as {{ name_alias }},
        min([initiative_no, sub_row]) as first_row
        {%- for aggregate in also %},
        {{ aggregate }}
        {%- endfor %}

    from {{ relation }}
    where {{ key_column }} is not null
    group by fiscal_year, {{ key_column }}
{%- endmacro %}


{#- A seed cell that says `none` (no predecessor, no successor): how the seeds and their check read it. -#}
{% macro is_seed_none(expression) -%}
    lower(trim({{ expression }})) = 'none'
{%- endmacro %}


{#- The rows of a name seed (bureau_matches_manual, project_matches_manual) that apply: their years are
    a pair of `year_pairs` (or, with `within_year`, one year twice) and a name they give is among that
    year's `names` (`key_column`). Names as match keys; `none` on a side leaves that key null. One parse
    for both seeds, so they read the same way. -#}
{% macro manual_name_decisions(seed_relation, year_pairs, names, key_column, within_year=false) -%}
    select *
    from (
        select
            cast(from_year as integer) as from_year,
            case when not {{ is_seed_none('from_name') }} then {{ match_key('from_name') }} end as from_name_key,
            cast(to_year as integer) as to_year,
            case when not {{ is_seed_none('to_name') }} then {{ match_key('to_name') }} end as to_name_key

        from {{ seed_relation }}
    ) as seed
    where (
            (seed.from_year, seed.to_year) in (select (from_year, to_year) from {{ year_pairs }})
            {%- if within_year %}
            or seed.to_year = seed.from_year
            {%- endif %}
        )
        and (
            seed.from_name_key in (select {{ key_column }} from {{ names }} where fiscal_year = seed.from_year)
            or seed.to_name_key in (select {{ key_column }} from {{ names }} where fiscal_year = seed.to_year)
        )
{%- endmacro %}


{#- The crosswalk of every pair of consecutive sheet years: a row per link (matched), and a row per
    entity of from_year with no link into to_year (dropped) and of to_year with none from from_year
    (new); a dropped or new row the seed decided (`none` on the other side) says match_rule manual.
    Columns: from_year, to_year, match_status, match_rule, `from_key`, `to_key`. -#}
{% macro crosswalk_rows(year_pairs, entities, entity_key, links, decisions, from_key, to_key) -%}
    select
        from_year,
        to_year,
        'matched' as match_status,
        match_rule,
        {{ from_key }},
        {{ to_key }}

    from {{ links }}
    {%- for status, side, other in [('dropped', from_key, to_key), ('new', to_key, from_key)] %}

    union all

    select
        year_pairs.from_year,
        year_pairs.to_year,
        '{{ status }}' as match_status,
        case when exists (
            select 1 from {{ decisions }} as decisions
            where decisions.from_year = year_pairs.from_year
                and decisions.to_year = year_pairs.to_year
                and decisions.{{ side }} = entities.{{ entity_key }}
                and decisions.{{ other }} is null
        ) then 'manual' end as match_rule,
        {%- if status == 'dropped' %}
        entities.{{ entity_key }} as {{ from_key }},
        null as {{ to_key }}
        {%- else %}
        null as {{ from_key }},
        entities.{{ entity_key }} as {{ to_key }}
        {%- endif %}

    from {{ year_pairs }} as year_pairs
    inner join {{ entities }} as entities
        on entities.fiscal_year = year_pairs.{{ 'from_year' if status == 'dropped' else 'to_year' }}
    where not exists (
        select 1 from {{ links }} as links
        where links.from_year = year_pairs.from_year
            and links.to_year = year_pairs.to_year
            and links.{{ side }} = entities.{{ entity_key }}
    )
    {%- endfor %}
{%- endmacro %}


{#- crosswalk_rows for names (bureaus, projects): keyed `<from_year>-<to_year>|<from key>|<to key>`, with
    each key's name as printed that year (`name_column` of `names`) as from_name and to_name. -#}
{% macro name_crosswalk(year_pairs, names, key_column, name_column, links, decisions) -%}
    select
        format('{:d}-{:d}|{}|{}', crosswalk.from_year, crosswalk.to_year,
            coalesce(crosswalk.from_name_key, ''), coalesce(crosswalk.to_name_key, '')) as crosswalk_row_id,
        crosswalk.*,
        from_names.{{ name_column }} as from_name,
        to_names.{{ name_column }} as to_name

    from ({{ crosswalk_rows(year_pairs, names, key_column, links, decisions, 'from_name_key', 'to_name_key') }}) as crosswalk
    left join {{ names }} as from_names
        on from_names.fiscal_year = crosswalk.from_year
        and from_names.{{ key_column }} = crosswalk.from_name_key
    left join {{ names }} as to_names
        on to_names.fiscal_year = crosswalk.to_year
        and to_names.{{ key_column }} = crosswalk.to_name_key
{%- endmacro %}


{#- The body of the recursive CTE `keyed` that carries keys along a crosswalk's links: an entity of
    `entities` (fiscal_year, `entity_key`) that no link leads to starts a key, `own_key` (identified_by
    `own_rule`); a link gives the entity it leads to the key of the one it comes from (identified_by
    the link's rule, previous_key that entity). Columns: fiscal_year, `entity_key`, key, identified_by,
    previous_key. -#}
{% macro keys_along_links(entities, entity_key, own_key, own_rule, links, from_key, to_key) -%}
    select
        entities.fiscal_year,
        entities.{{ entity_key }},
        {{ own_key }},
        '{{ own_rule }}',
        cast(null as varchar)

    from {{ entities }} as entities
    where not exists (
        select 1 from {{ links }} as links
        where links.to_year = entities.fiscal_year
            and links.{{ to_key }} = entities.{{ entity_key }}
    )

    union all

    select
        links.to_year,
        links.{{ to_key }},
        keyed.key,
        links.match_rule,
        keyed.{{ entity_key }}

    from keyed
    inner join {{ links }} as links
        on keyed.fiscal_year = links.from_year
        and keyed.{{ entity_key }} = links.{{ from_key }}
{%- endmacro %}
