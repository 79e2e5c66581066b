with

evaluations as (

    select * from {{ ref('int_evaluations__keyed') }}

),

labels as (

    select * from {{ ref('policy_area_labels') }}

),

areas as (

    -- titles as printed in the latest year that has the area
    select
        policy_area_id,
        programme_no,
        pillar_no,
        arg_max(pillar, fiscal_year) as pillar,
        arg_max(pillar_title, fiscal_year) as pillar_title_ja,
        direction_no,
        arg_max(direction_title, fiscal_year) as direction_title_ja,
        subarea_no,
        arg_max(subarea_title, fiscal_year) as subarea_title_ja,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year,
        count(distinct initiative_year_id) as initiative_years,
        count(*) as evaluation_rows,
        programme_no || '-' || {{ roman_numeral('pillar_no') }} as pillar_id

    from evaluations
    group by policy_area_id, programme_no, pillar_no, direction_no, subarea_no

),

final as (

    select
        areas.policy_area_id,
        areas.programme_no,
        areas.pillar_id,
        areas.pillar_id || '-' || areas.direction_no as direction_id,
        areas.pillar,
        areas.pillar_no,
        areas.pillar_title_ja,
        pillar_labels.title_en as pillar_title_en,
        areas.direction_no,
        areas.direction_title_ja,
        direction_labels.title_en as direction_title_en,
        areas.subarea_no,
        areas.subarea_title_ja,
        subarea_labels.title_en as subarea_title_en,
        areas.first_fiscal_year,
        areas.last_fiscal_year,
        areas.initiative_years,
        areas.evaluation_rows

    from areas
    left join labels as pillar_labels
        on pillar_labels.level = 'pillar'
            and areas.programme_no = pillar_labels.programme_no
            and areas.pillar_no = pillar_labels.pillar_no
    left join labels as direction_labels
        on direction_labels.level = 'direction'
            and areas.programme_no = direction_labels.programme_no
            and areas.pillar_no = direction_labels.pillar_no
            and areas.direction_no = direction_labels.direction_no
    left join labels as subarea_labels
        on subarea_labels.level = 'subarea'
            and areas.programme_no = subarea_labels.programme_no
            and areas.pillar_no = subarea_labels.pillar_no
            and areas.direction_no = subarea_labels.direction_no
            and areas.subarea_no = subarea_labels.subarea_no

)

select * from final
