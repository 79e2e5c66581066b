{{ config(meta={'dagster': {'ref': {'name': 'initiative_matches_manual'}}}) }}
{#-
    Rows of initiative_matches_manual and bureau_matches_manual whose kind is neither empty, merged_into
    nor split_from: a typo that would state a link the rules do not know, so the build stops on it. Read
    through seed_rows, so that a seed file without the (optional) column passes. The test reads two
    parents; Dagster shows it as an asset check of the first seed.
-#}
{%- for seed in ['initiative_matches_manual', 'bureau_matches_manual'] %}
    select
        '{{ seed }}' as seed,
        *
    from ({{ seed_rows(ref(seed), ['kind']) }})
    where {{ seed_kind('kind') }} not in ('merged_into', 'split_from')
    {% if not loop.last %}union all by name{% endif %}
{%- endfor %}
