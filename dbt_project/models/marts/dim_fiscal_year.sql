with

programmes as (

    select * from {{ ref('plan_programmes') }}

),

evaluations as (

    select * from {{ ref('int_evaluations__keyed') }}

),

programme_years as (

    select unnest(generate_series(first_fiscal_year, last_fiscal_year)) as fiscal_year
    from programmes

),

sheet_years as (

    select
        fiscal_year,
        any_value(programme_no) as programme_no,
        count(*) as evaluation_rows

    from evaluations
    group by fiscal_year

),



{#- A programme the seed does not know yet (the sheet's title names it) starts with its first sheet. -#}
programme_starts as (

    select
        programme_no,
        min(first_fiscal_year) as first_fiscal_year
    from (
        select
            programme_no,
            first_fiscal_year
        from programmes
        union all
        select
            programme_no,
            min(fiscal_year)
        from sheet_years
        group by programme_no
    )
    group by programme_no

),

years as (

    select fiscal_year from programme_years
    union
    select fiscal_year from sheet_years

),

labelled as (

    select
        years.fiscal_year,
        'FY' || years.fiscal_year as label_en,
        case
            when years.fiscal_year = 2019 then '令和元年度'
            when years.fiscal_year > 2019 then '令和' || (years.fiscal_year - 2018) || '年度'
            when years.fiscal_year = 1989 then '平成元年度'
            else '平成' || (years.fiscal_year - 1988) || '年度'
        end as label_ja,
        case
            when years.fiscal_year >= 2019 then 'R' || (years.fiscal_year - 2018)
            else 'H' || (years.fiscal_year - 1988)
        end as era_code,
        make_date(years.fiscal_year, 4, 1) as starts_on,
        make_date(years.fiscal_year + 1, 3, 31) as ends_on,
        coalesce(sheet_years.programme_no, programmes.programme_no) as programme_no,
        coalesce(named.name_ja, '第' || coalesce(sheet_years.programme_no, programmes.programme_no) || '期実行プログラム')
            as programme_name_ja,
        coalesce(named.name_en, 'Execution programme ' || coalesce(sheet_years.programme_no, programmes.programme_no))
            as programme_name_en,
        years.fiscal_year - programme_starts.first_fiscal_year + 1 as programme_year_no,
        coalesce(sheet_years.evaluation_rows, 0) as evaluation_rows,
        sheet_years.fiscal_year is not null as has_sheet

    from years
    left join programmes
        on years.fiscal_year between programmes.first_fiscal_year and programmes.last_fiscal_year
    left join sheet_years
        on years.fiscal_year = sheet_years.fiscal_year
    left join programmes as named
        on coalesce(sheet_years.programme_no, programmes.programme_no) = named.programme_no
    left join programme_starts
        on coalesce(sheet_years.programme_no, programmes.programme_no) = programme_starts.programme_no

),

final as (

    select
        -- integer, the type of every fiscal_year that references it (a foreign key needs the same type)
        fiscal_year::integer as fiscal_year,
        label_ja,
        label_en,
        era_code,
        starts_on,
        ends_on,
        programme_no,
        programme_name_ja,
        programme_name_en,
        programme_year_no,
        has_sheet,
        evaluation_rows

    from labelled

)

select * from final
