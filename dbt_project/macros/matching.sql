{#-
    The structure the three crosswalks of int_initiatives__matched, int_projects__matched and
    int_bureaus__matched share (the rules themselves: docs/warehouse.md, "Identity"). Each model has
    its entities per sheet year (fiscal_year and a key), its links (from_year, to_year, from_key, to_key,
    match_rule; the rules' and the seed's), each with its kind and whether it carries the key, and its
    seed decisions (from_year, to_year, from_key, to_key, a null key for `none`). A link goes from an
    earlier sheet year to a later one: the next, or an earlier one for an entity back after a gap (for
    projects also within one year, two spellings).
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


{#- A seed relation with the optional columns it may lack (an older file without them) as nulls, so
    that seed files written before a column existed keep working. -#}
{% macro seed_rows(seed_relation, optional_columns) -%}
    select *
    from (
        from {{ seed_relation }}
    {%- if optional_columns %}
        
        union all by name
        select
        {%- for column in optional_columns %}
            cast(null as varchar) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
        where false
    {%- endif %}
    )
{%- endmacro %}


{#- A seed's `kind` as the crosswalks use it: merged_into or split_from, null when blank (the same entity). -#}
{% macro seed_kind(expression) -%}
    nullif(lower(trim({{ expression }})), '')
{%- endmacro %}


{#- The rows of a name seed (bureau_matches_manual, project_matches_manual) that apply: their years are
    two sheet years of `sheet_years`, the earlier first (or, with `within_year`, one year twice), and a
    name they give is among that year's `names` (`key_column`). Names as match keys; `none` on a side
    leaves that key null; `kind` where the seed has one. One parse for both seeds, so they read the same
    way. -#}
{% macro manual_name_decisions(seed_relation, sheet_years, names, key_column, within_year=false, with_kind=false) -%}
    select *
    from (
        select
            cast(from_year as integer) as from_year,
            case when not {{ is_seed_none('from_name') }} then {{ match_key('from_name') }} end as from_name_key,
            cast(to_year as integer) as to_year,
            case when not {{ is_seed_none('to_name') }} then {{ match_key('to_name') }} end as to_name_key,
            {{ seed_kind('kind') if with_kind else 'cast(null as varchar)' }} as stated_kind

        from ({{ seed_rows(seed_relation, ['kind'] if with_kind else []) }})
    ) as seed
    where seed.from_year in (select fiscal_year from {{ sheet_years }})
        and seed.to_year in (select fiscal_year from {{ sheet_years }})
        and (
            seed.from_year < seed.to_year
    {%- if within_year %}
            or seed.to_year = seed.from_year
    {%- endif %}
        )
        and (
            seed.from_name_key in (select {{ key_column }} from {{ names }} where fiscal_year = seed.from_year)
            or seed.to_name_key in (select {{ key_column }} from {{ names }} where fiscal_year = seed.to_year)
        )
{%- endmacro %}


{#- The links the seed states (`decisions` with both keys): match_rule manual, the stated kind, and whether
    the link carries the key — a row without a kind states the same entity, and carries it unless another
    such row names either of its entities too (then neither is said to continue the other).
    `from_entity` / `to_entity` name each side's entity (with its year). -#}
{% macro manual_links(decisions, from_key, to_key, from_entity, to_entity) -%}
    select
        from_year,
        to_year,
        {{ from_key }},
        {{ to_key }},
        'manual' as match_rule,
        stated_kind,
        stated_kind is null
            and count(*) filter (where stated_kind is null) over (partition by {{ from_entity }}) = 1
            and count(*) filter (where stated_kind is null) over (partition by {{ to_entity }}) = 1
            as carries_key

    from {{ decisions }}
    where {{ from_key }} is not null
        and {{ to_key }} is not null
        and from_year < to_year
{%- endmacro %}


{#- Whether the seed leaves links of an entity to the rules: `successors_left_to_the_rules` for links
    from `key` of `year` into `later_year`, `predecessors_left_to_the_rules` for links into `key` of
    `year` from `earlier_year`, and `left_to_the_rules` for a candidate link, both. A seed row takes its
    earlier entity out of the automatic links into every year up to its to_year (with `none` as the
    later side: into every later year, it ends for good), and its later entity out of the automatic links
    from every year from its from_year on (with `none` as the earlier side: from every earlier year, it
    is new). `decisions` as above, its keys in `decision_from_key` and `decision_to_key`. -#}
{% macro successors_left_to_the_rules(decisions, year, key, later_year, decision_from_key, decision_to_key) -%}
    not exists (
        select 1 from {{ decisions }} as decided
        where decided.from_year = {{ year }}
            and decided.{{ decision_from_key }} = {{ key }}
            and decided.from_year < decided.to_year
            and ({{ later_year }} <= decided.to_year or decided.{{ decision_to_key }} is null)
    )
{%- endmacro %}


{% macro predecessors_left_to_the_rules(decisions, year, key, earlier_year, decision_from_key, decision_to_key) -%}
    not exists (
        select 1 from {{ decisions }} as decided
        where decided.to_year = {{ year }}
            and decided.{{ decision_to_key }} = {{ key }}
            and decided.from_year < decided.to_year
            and ({{ earlier_year }} >= decided.from_year or decided.{{ decision_from_key }} is null)
    )
{%- endmacro %}


{% macro left_to_the_rules(decisions, from_year, from_key, to_year, to_key, decision_from_key, decision_to_key) -%}
    {{ successors_left_to_the_rules(decisions, from_year, from_key, to_year, decision_from_key, decision_to_key) }}
    and {{ predecessors_left_to_the_rules(decisions, to_year, to_key, from_year, decision_from_key, decision_to_key) }}
{%- endmacro %}


{#- The one-to-one choice among `candidates`, best first by the total order `rank` (1 best), as rounds of
    mutual best choices: CTEs `<name>_0` … `<name>_<rounds>`, the last holding the chosen pairs (all of
    the candidates' columns). The same result as taking pairs greedily, as long as the rounds suffice
    (assert_initiative_matching_is_greedy_complete checks the initiatives'). `from_entity` and
    `to_entity` are the expressions that name each side's entity. -#}
{% macro mutual_best_rounds(name, candidates, from_entity, to_entity, rank, rounds) -%}
    {{ name }}_0 as (

    select * from {{ candidates }}
    where false

),
    {%- for round in range(1, rounds + 1) %}

        {{ name }}_{{ round }} as (

    -- round {{ round }}: each pair that is the best open choice of both its entities
    select * from {{ name }}_{{ round - 1 }}

    union all

    select * exclude (best_for_from, best_for_to)
    from (
        select
            *,
            min({{ rank }}) over (partition by {{ from_entity }}) as best_for_from,
            min({{ rank }}) over (partition by {{ to_entity }}) as best_for_to

        from {{ candidates }}
        where {{ from_entity }} not in (select {{ from_entity }} from {{ name }}_{{ round - 1 }})
            and {{ to_entity }} not in (select {{ to_entity }} from {{ name }}_{{ round - 1 }})
    )
    where {{ rank }} = best_for_from and {{ rank }} = best_for_to

){{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- `links` (from_year, to_year, the entities, and stated_kind: what the seed states) with each link's
    kind, decided over all of them: what the seed states, else merged_into where the later entity has
    several predecessors, split_from where the earlier one has several successors, returned where it
    skips a sheet year (of `sheet_years`), continued otherwise; variant within one year. `from_entity` /
    `to_entity` name each side's entity (with its year). -#}
{% macro kinded_links(links, sheet_years, from_entity, to_entity) -%}
    select
        links.*,
        coalesce(links.stated_kind, case
            when links.from_year = links.to_year then 'variant'
            when count(*) filter (where links.from_year < links.to_year) over (partition by {{ to_entity }}) > 1 then 'merged_into'
            when count(*) filter (where links.from_year < links.to_year) over (partition by {{ from_entity }}) > 1 then 'split_from'
            when links.from_year < sheet_years.previous_fiscal_year then 'returned'
            else 'continued'
        end) as link_kind

    from {{ links }} as links
    inner join {{ sheet_years }} as sheet_years
        on links.to_year = sheet_years.fiscal_year
{%- endmacro %}


{#- The links of mart_initiative_crosswalk (`crosswalk`), with whether each carries the key: the links
    history, KPI target history and lineage follow. -#}
{% macro initiative_links(crosswalk) -%}
    select
        from_year,
        to_year,
        from_initiative_year_id,
        to_initiative_year_id,
        from_initiative_key,
        to_initiative_key,
        link_kind,
        from_initiative_key = to_initiative_key as carries_key

    from {{ crosswalk }}
    where match_status = 'matched'
{%- endmacro %}


{#- The crosswalk rows of every pair of consecutive sheet years: a row per link (matched, any two years),
    and a row per entity with no link into a later year (dropped, in the pair with the next sheet year)
    or from an earlier one (new, in the pair with the previous sheet year); a dropped or new row the
    seed decided (`none` on the other side) says match_rule manual. Columns: from_year, to_year,
    match_status, match_rule, `from_key`, `to_key` and the links' `link_columns` (null when not a link). -#}
{% macro crosswalk_rows(year_pairs, entities, entity_key, links, decisions, from_key, to_key, link_columns=[]) -%}
    select
        from_year,
        to_year,
        'matched' as match_status,
        match_rule,
        {{ from_key }},
        {{ to_key }}
    {%- for column in link_columns %},
        {{ column }}
    {%- endfor %}

    from {{ links }}
    {%- for status, side, other, year, other_year in [
        ('dropped', from_key, to_key, 'from_year', 'to_year'), ('new', to_key, from_key, 'to_year', 'from_year')] %}

    union all

    select
        year_pairs.from_year,
        year_pairs.to_year,
        '{{ status }}' as match_status,
        case when exists (
            select 1 from {{ decisions }} as decisions
            where decisions.{{ year }} = entities.fiscal_year
                and decisions.{{ side }} = entities.{{ entity_key }}
                and decisions.{{ other }} is null
                and decisions.from_year < decisions.to_year
        ) then 'manual' end as match_rule,
    {%- if status == 'dropped' %}
        entities.{{ entity_key }} as {{ from_key }},
        null as {{ to_key }}
        {%- else %}
        null as {{ from_key }},
        entities.{{ entity_key }} as {{ to_key }}
    {%- endif %}
    {%- for column in link_columns %},
        null as {{ column }}
    {%- endfor %}

    from {{ year_pairs }} as year_pairs
    inner join {{ entities }} as entities
        on entities.fiscal_year = year_pairs.{{ year }}
    where not exists (
        select 1 from {{ links }} as links
        where links.{{ year }} = entities.fiscal_year
            and links.{{ side }} = entities.{{ entity_key }}
            and links.from_year < links.to_year
    )
    {%- endfor %}
{%- endmacro %}


{#- crosswalk_rows for names (bureaus, projects): keyed `<from_year>-<to_year>|<from key>|<to key>`, with
    each key's name as printed that year (`name_column` of `names`) as from_name and to_name. -#}
{% macro name_crosswalk(year_pairs, names, key_column, name_column, links, decisions, link_columns=[]) -%}
    select
        format('{:d}-{:d}|{}|{}', crosswalk.from_year, crosswalk.to_year,
            coalesce(crosswalk.from_name_key, ''), coalesce(crosswalk.to_name_key, '')) as crosswalk_row_id,
        crosswalk.*,
        from_names.{{ name_column }} as from_name,
        to_names.{{ name_column }} as to_name

    from ({{ crosswalk_rows(year_pairs, names, key_column, links, decisions, 'from_name_key', 'to_name_key', link_columns) }}) as crosswalk
    left join {{ names }} as from_names
        on from_names.fiscal_year = crosswalk.from_year
        and from_names.{{ key_column }} = crosswalk.from_name_key
    left join {{ names }} as to_names
        on to_names.fiscal_year = crosswalk.to_year
        and to_names.{{ key_column }} = crosswalk.to_name_key
{%- endmacro %}


{#- The body of the recursive CTE `keyed` that carries keys along a crosswalk's links (those that carry
    the key: not the other parts of a merge or split): an entity of `entities` (fiscal_year, `entity_key`)
    that no such link leads to starts a key, `own_key` (identified_by
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
