{#-
    Every listed column of a model is filled. One query for all of a model's required columns
    rather than one test each: a dbt test costs a node of its own on every build, and a build runs
    a few hundred of them. A failing row names the column and how many rows leave it empty.
-#}
{% test not_null_columns(model, columns) %}

    {%- for column in columns %}
select '{{ column }}' as column_name, count(*) as null_rows
from {{ model }}
where {{ column }} is null
having count(*) > 0
{% if not loop.last %}union all{% endif %}
{%- endfor %}

{% endtest %}
