{#- Bureaus and projects, read alike: each name link of the entity's crosswalk with the stable key its
    names belong to. Only bureaus count carried initiatives. -#}
{%- set entities = [
    {'entity': 'bureau', 'crosswalk': 'int_bureaus__matched', 'identified': 'int_bureaus__identified',
     'name_key': 'bureau_name_key', 'key': 'bureau_key', 'carried': 'crosswalk.carried_initiatives'},
    {'entity': 'project', 'crosswalk': 'int_projects__matched', 'identified': 'int_projects__identified',
     'name_key': 'project_name_key', 'key': 'project_key', 'carried': 'cast(null as bigint)'},
] -%}

with
{% for e in entities %}
    {{ e.entity }}_crosswalk as (

        select * from {{ ref(e.crosswalk) }}

    ),

    {{ e.entity }}_keys as (

        select * from {{ ref(e.identified) }}

    ),

    {{ e.entity }}_rows as (

        select
            '{{ e.entity }}|' || crosswalk.crosswalk_row_id as crosswalk_row_id,
            '{{ e.entity }}' as entity,
            crosswalk.from_year,
            crosswalk.to_year,
            -- of both names for a link that carries the key, of the one split off for another link of a
            -- split, else of the earlier name (the later for a new one)
            case
                when crosswalk.link_kind = 'split_from' and from_keys.{{ e.key }} != to_keys.{{ e.key }} then to_keys.{{ e.key }}
                else coalesce(from_keys.{{ e.key }}, to_keys.{{ e.key }})
            end as entity_key,
            from_keys.{{ e.key }} as from_entity_key,
            to_keys.{{ e.key }} as to_entity_key,
            crosswalk.match_status,
            crosswalk.link_kind,
            crosswalk.match_rule,
            crosswalk.from_name,
            crosswalk.to_name,
            crosswalk.name_similarity,
            crosswalk.shared_initiatives,
            {{ e.carried }}

        from {{ e.entity }}_crosswalk as crosswalk
        left join {{ e.entity }}_keys as from_keys
            on crosswalk.from_year = from_keys.fiscal_year
                and crosswalk.from_name_key = from_keys.{{ e.name_key }}
        left join {{ e.entity }}_keys as to_keys
            on crosswalk.to_year = to_keys.fiscal_year
                and crosswalk.to_name_key = to_keys.{{ e.name_key }}

    ),
{% endfor %}
final as (

    {%- for e in entities %}
        select * from {{ e.entity }}_rows
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

)

select * from final
