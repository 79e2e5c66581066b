{#- Analysts query `marts`, `staging`, `reference` by name, not `main_marts`: use the custom schema as is. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
