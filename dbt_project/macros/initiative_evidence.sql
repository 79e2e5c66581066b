{#-
    The evidence the initiative rules weigh (docs/warehouse.md, "Identity" → "Initiatives"), computed
    in one place for every comparison: consecutive sheet years, gap years, merges and splits, and the
    check that the matching is complete.
-#}

{#- Each initiative (取組) of each sheet year as the rules compare it: the merged cells as its first row
    has them (name, description, sub-area), the projects and bureaus over all its rows, the KPI metrics
    of its plan (`kpi_targets`: int_kpi_targets__parsed), and the character bigrams of its name and
    description. -#}
{% macro initiatives_described(sheet_rows, kpi_targets) -%}
    select
        initiatives.*,
        coalesce(metrics.kpi_metric_keys, []) as kpi_metric_keys,
        {{ bigram_set('initiatives.name_key') }} as name_bigrams,
        {{ bigram_set("coalesce(initiatives.description_key, '')") }} as description_bigrams

    from (
        select
            initiative_year_id,
            fiscal_year,
            initiative_no,
            arg_min(initiative_name_key, sub_row) as name_key,
            arg_min({{ match_key('description') }}, sub_row) as description_key,
            arg_min(pillar_no, sub_row) as pillar_no,
            arg_min(direction_no, sub_row) as direction_no,
            arg_min(subarea_no, sub_row) as subarea_no,
            coalesce(list(distinct project_name_key) filter (where project_name_key is not null), []) as project_name_keys,
            coalesce(list(distinct bureau_name_key) filter (where bureau_name_key is not null), []) as bureau_name_keys

        from {{ sheet_rows }}
        group by initiative_year_id, fiscal_year, initiative_no
    ) as initiatives
    left join (
        select
            initiative_year_id,
            list(distinct metric_key) as kpi_metric_keys

        from {{ kpi_targets }}
        where metric_key is not null
        group by initiative_year_id
    ) as metrics
        on initiatives.initiative_year_id = metrics.initiative_year_id
{%- endmacro %}


{#- The evidence for the pair of two described initiatives, `from_side` (earlier) and `to_side`: the
    columns of a candidate pair. -#}
{% macro initiative_pair_evidence(from_side, to_side) -%}
    {{ from_side }}.initiative_year_id as from_initiative_year_id,
        {{ to_side }}.initiative_year_id as to_initiative_year_id,
        {{ from_side }}.initiative_no as from_initiative_no,
        {{ to_side }}.initiative_no as to_initiative_no,
        {{ from_side }}.name_key = {{ to_side }}.name_key as is_same_name,
        {{ dice(from_side ~ '.name_bigrams', to_side ~ '.name_bigrams', from_side ~ '.name_key', to_side ~ '.name_key') }}
            as name_similarity,
        {{ dice(from_side ~ '.description_bigrams', to_side ~ '.description_bigrams', from_side ~ '.description_key', to_side ~ '.description_key') }}
            as description_similarity,
        len(list_intersect({{ from_side }}.project_name_keys, {{ to_side }}.project_name_keys)) as shared_projects,
        len(list_intersect({{ from_side }}.bureau_name_keys, {{ to_side }}.bureau_name_keys)) as shared_bureaus,
        len(list_intersect({{ from_side }}.kpi_metric_keys, {{ to_side }}.kpi_metric_keys)) as shared_kpi_metrics,
        {{ jaccard(from_side ~ '.project_name_keys', to_side ~ '.project_name_keys') }} as project_overlap,
        {{ jaccard(from_side ~ '.bureau_name_keys', to_side ~ '.bureau_name_keys') }} as bureau_overlap,
        {{ from_side }}.pillar_no = {{ to_side }}.pillar_no
            and {{ from_side }}.direction_no = {{ to_side }}.direction_no
            and {{ from_side }}.subarea_no = {{ to_side }}.subarea_no as same_policy_area
{%- endmacro %}


{#- The match score of a pair, from the columns of initiative_pair_evidence. -#}
{% macro initiative_match_score() -%}
    (0.5 * name_similarity + 0.3 * description_similarity + 0.1 * project_overlap + 0.1 * bureau_overlap)
{%- endmacro %}


{#- Whether a pair passes the similar-name rule (the thresholds are dbt vars), from the columns of
    initiative_pair_evidence and its match_score. -#}
{% macro initiative_is_similar() -%}
    (name_similarity >= {{ var('initiative_min_name_similarity') }} and match_score >= {{ var('initiative_min_match_score') }})
{%- endmacro %}


{#- How much of initiative `part` moved into (a merge) or out of (a split) initiative `whole`, whose own
    counterpart in the other year is `base` (for a merge the whole's predecessor, for a split its
    successor; null when it has none): the share of the part's name and description bigrams, and the
    number and share of its projects, bureaus and KPI metrics, that the whole has and the base has not. -#}
{% macro initiative_part_evidence(part, whole, base) -%}
    {{ moved_share(part ~ '.name_bigrams', whole ~ '.name_bigrams', base ~ '.name_bigrams') }} as part_name_share,
        {{ moved_share(part ~ '.description_bigrams', whole ~ '.description_bigrams', base ~ '.description_bigrams') }} as part_description_share,
    {%- for items, counted in [('project_name_keys', 'projects'), ('bureau_name_keys', 'bureaus'), ('kpi_metric_keys', 'kpi_metrics')] %}
        {{ moved_count(part ~ '.' ~ items, whole ~ '.' ~ items, base ~ '.' ~ items) }} as moved_{{ counted }},
        {{ moved_share(part ~ '.' ~ items, whole ~ '.' ~ items, base ~ '.' ~ items) }} as part_{{ counted }}_share{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- The part score that ranks a part's candidate wholes, from the columns of initiative_part_evidence. -#}
{% macro initiative_part_score() -%}
    (0.4 * part_description_share + 0.15 * part_name_share + 0.15 * part_projects_share
        + 0.15 * part_bureaus_share + 0.15 * part_kpi_metrics_share)
{%- endmacro %}


{#- Whether a candidate passes the part rule: enough of the part's description moved, and at least one of
    its projects, bureaus or KPI metrics. -#}
{% macro initiative_is_part() -%}
    (part_description_share >= {{ var('initiative_min_part_description_share') }}
        and moved_projects + moved_bureaus + moved_kpi_metrics >= 1)
{%- endmacro %}
