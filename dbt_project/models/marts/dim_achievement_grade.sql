with

grades as (

    select * from {{ ref('achievement_grades') }}

),

final as (

    select
        achievement_code,
        label_ja,
        label_en,
        achievement_code <= 3 as is_on_or_above_target,
        achievement_code >= 4 as is_below_target

    from grades

)

select * from final
