{#-
    The rows of a name seed (bureau_matches_manual, project_matches_manual) with their names as match
    keys; `none` on a side leaves that key null (force new, or dropped). One parse for both seeds, so
    they read the same way.
-#}
{% macro manual_name_matches(seed_relation) -%}
    select
        cast(from_year as integer) as from_year,
        case when lower(trim(from_name)) <> 'none' then {{ match_key('from_name') }} end as from_name_key,
        cast(to_year as integer) as to_year,
        case when lower(trim(to_name)) <> 'none' then {{ match_key('to_name') }} end as to_name_key

    from {{ seed_relation }}
{%- endmacro %}
