{#-
    Name similarity for matching entities across years, computed in SQL.

    `bigram_set` is the distinct character bigrams of a match key (NFKC, no white space, lower case);
    `dice` is the Sørensen–Dice coefficient of two such sets, 2·|A∩B| / (|A| + |B|), 0–1: 1 for the
    same text, 「海外語学研修の実施」 / 「海外語学研修の充実」 0.75, 「幸区多文化共生推進事業」 /
    「麻生区多文化共生推進事業」 0.86 (which is why a name alone never decides a match). A text of one
    character has no bigram: two such texts are 1 when equal, else 0. `jaccard` is |A∩B| / |A∪B| of
    two lists of keys (projects, bureaus), 0 when both are empty.
-#}
{% macro bigram_set(expression) -%}
    list_distinct(list_transform(range(1, length({{ expression }})), lambda i: substr({{ expression }}, i, 2)))
{%- endmacro %}


{% macro dice(bigrams_a, bigrams_b, text_a, text_b) -%}
    case
        when len({{ bigrams_a }}) + len({{ bigrams_b }}) = 0
            then case when {{ text_a }} = {{ text_b }} then 1.0 else 0.0 end
        else 2.0 * len(list_intersect({{ bigrams_a }}, {{ bigrams_b }})) / (len({{ bigrams_a }}) + len({{ bigrams_b }}))
    end
{%- endmacro %}


{% macro jaccard(list_a, list_b) -%}
    case
        when len(list_distinct(list_concat({{ list_a }}, {{ list_b }}))) = 0 then 0.0
        else 1.0 * len(list_intersect({{ list_a }}, {{ list_b }})) / len(list_distinct(list_concat({{ list_a }}, {{ list_b }})))
    end
{%- endmacro %}
