with

identified as (

    select * from {{ ref('int_bureaus__identified') }}

),

evaluations as (

    select * from {{ ref('int_evaluations__keyed') }}

),

names_en as (

    select * from {{ ref('bureaus') }}

),

bureaus as (

    -- one row per bureau, named as in the latest year it appears
    select
        bureau_key,
        arg_max(bureau_name, fiscal_year) as name_ja,
        arg_max(bureau_name_key, fiscal_year) as name_key,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year

    from identified
    group by bureau_key

),

name_lists as (

    -- every name the bureau had, in the order they were used
    select
        bureau_key,
        list(bureau_name order by first_fiscal_year, bureau_name) as names_ja

    from (
        select
            bureau_key,
            bureau_name,
            min(fiscal_year) as first_fiscal_year
        from identified
        group by bureau_key, bureau_name
    )
    group by bureau_key

),

row_counts as (

    select
        bureau_key,
        count(*) as evaluation_rows

    from evaluations
    group by bureau_key

),

final as (

    select
        bureaus.bureau_key,
        bureaus.name_ja,
        names_en.name_en,
        coalesce(
            names_en.kind,
            case
                when bureaus.name_ja like '%区役所' then 'ward office'
                when bureaus.name_ja like '教育委員会%' then 'board of education'
                when bureaus.name_ja like '%本部' then 'headquarters'
                else 'bureau'
            end
        ) as kind,
        names_en.ward_name_ja,
        names_en.ward_name_en,
        name_lists.names_ja,
        bureaus.first_fiscal_year,
        bureaus.last_fiscal_year,
        coalesce(row_counts.evaluation_rows, 0) as evaluation_rows

    from bureaus
    left join names_en
        on bureaus.name_key = {{ match_key('names_en.name_ja') }}
    left join name_lists
        on bureaus.bureau_key = name_lists.bureau_key
    left join row_counts
        on bureaus.bureau_key = row_counts.bureau_key

)

select * from final
