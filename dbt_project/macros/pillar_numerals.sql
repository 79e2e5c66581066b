{#- The pillar numerals (取組方針 Ⅰ, Ⅱ …): as the sheets print them, and as the warehouse's ids and
    English labels write them (3-I-1-1, "Pillar I"). The one list of them. -#}
{% macro pillar_numerals() -%}
    {{ return([('Ⅰ', 'I'), ('Ⅱ', 'II'), ('Ⅲ', 'III'), ('Ⅳ', 'IV'), ('Ⅴ', 'V'), ('Ⅵ', 'VI')]) }}
{%- endmacro %}


{#- A pillar's number from its numeral as printed: Ⅰ, I (or full-width Ｉ) or a digit → 1; null otherwise. -#}
{% macro pillar_number(expression) -%}
    coalesce(
        list_position([{% for printed, _ in pillar_numerals() %}'{{ printed }}'{{ ', ' if not loop.last }}{% endfor %}], {{ expression }}),
        list_position([{% for _, roman in pillar_numerals() %}'{{ roman }}'{{ ', ' if not loop.last }}{% endfor %}], upper({{ nfkc(expression) }})),
        try_cast({{ nfkc(expression) }} as integer)
    )
{%- endmacro %}


{#- The Roman numeral of a pillar number, as ids and English labels write it: 3 → III. -#}
{% macro roman_numeral(expression) -%}
    list_extract([{% for _, roman in pillar_numerals() %}'{{ roman }}'{{ ', ' if not loop.last }}{% endfor %}], {{ expression }})
{%- endmacro %}
