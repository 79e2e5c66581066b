with

grades as (

    select * from {{ ref('contribution_grades') }}

),

final as (

    select
        contribution_code,
        label_ja,
        label_en,
        contribution_code = 'A' as is_contributing

    from grades

)

select * from final
