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


{#- How much of a part's content moved into or out of another entity: the items of `part` (a list:
    bigrams, project names, metric keys) that `whole` has and `base` has not. `base` is the whole's own
    counterpart — its predecessor for a merge (what it had before it took the part in), its successor for
    a split (what it kept) — or null when it has none. `moved_share` is that count over the part's items,
    0–1 (0 for an empty part). -#}
{% macro moved_count(part, whole, base) -%}
    len(list_intersect({{ part }}, list_filter({{ whole }}, lambda item: not list_contains(coalesce({{ base }}, []), item))))
{%- endmacro %}


{% macro moved_share(part, whole, base) -%}
    case when len({{ part }}) = 0 then 0.0 else 1.0 * {{ moved_count(part, whole, base) }} / len({{ part }}) end
{%- endmacro %}
