{#- Rows whose `column_name` is not null and does not match the regular expression `pattern` (RE2). -#}
{% test matches_pattern(model, column_name, pattern) %}

select {{ column_name }}

from {{ model }}
where {{ column_name }} is not null
    and not regexp_matches({{ column_name }}, '{{ pattern }}')

{% endtest %}
