{#-
    The FY2022 sheet's own grade counts (../shared/README.md, counted from the document): achievement
    3 × 106, 4 × 15, 2 × 6; contribution A × 64, B × 61, C × 2. Returns every grade whose count in
    fct_evaluation differs, when FY2022 is in the warehouse.
-#}
with

evaluations as (

    select * from {{ ref('fct_evaluation') }}
    where fiscal_year = 2022

),

expected as (

    select * from (values
        ('achievement', '1', 0), ('achievement', '2', 6), ('achievement', '3', 106),
        ('achievement', '4', 15), ('achievement', '5', 0),
        ('contribution', 'A', 64), ('contribution', 'B', 61), ('contribution', 'C', 2),
        ('contribution', 'D', 0)
    ) as expected(scale, grade, expected_rows)

),

actual as (

    select 'achievement' as scale, cast(achievement_code as varchar) as grade, count(*) as actual_rows
    from evaluations
    group by achievement_code

    union all

    select 'contribution' as scale, contribution_code as grade, count(*) as actual_rows
    from evaluations
    group by contribution_code

),

compared as (

    select
        coalesce(expected.scale, actual.scale) as scale,
        coalesce(expected.grade, actual.grade) as grade,
        coalesce(expected.expected_rows, 0) as expected_rows,
        coalesce(actual.actual_rows, 0) as actual_rows

    from expected
    full outer join actual
        on expected.scale = actual.scale
        and expected.grade = actual.grade

)

select * from compared
where expected_rows <> actual_rows
    and exists (select 1 from evaluations)
