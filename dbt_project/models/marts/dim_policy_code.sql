with

evaluations as (

    select * from {{ ref('int_evaluations__keyed') }}

),

bureaus as (

    select * from {{ ref('bureaus') }}

),

codes_used as (

    select
        policy_code,
        is_ward_row,
        count(*) as evaluation_rows

    from evaluations
    where policy_code is not null
    group by policy_code, is_ward_row

),

levels as (

    -- 4-4-1 brings 4 and 4-4 with it, so that every code has its parent
    select
        array_to_string(string_split(policy_code, '-')[1:level], '-') as policy_code,
        level

    from codes_used, unnest(range(1, len(string_split(policy_code, '-')) + 1)) as levels (level)
    where not is_ward_row

),

nodes as (

    select distinct
        policy_code,
        level,
        false as is_ward

    from levels

    union all

    select
        policy_code,
        null as level,
        true as is_ward

    from codes_used
    where is_ward_row

),

final as (

    select
        nodes.policy_code,
        nodes.is_ward,
        nodes.level,
        case nodes.level when 1 then '基本政策' when 2 then '政策' when 3 then '施策' else '区' end as level_name_ja,
        case nodes.level when 1 then 'basic policy' when 2 then 'policy' when 3 then 'measure' else 'ward' end
            as level_name_en,
        case when nodes.level > 1 then array_to_string(string_split(nodes.policy_code, '-')[1:nodes.level - 1], '-')
        end as parent_policy_code,
        case when not nodes.is_ward then split_part(nodes.policy_code, '-', 1) end as basic_policy_code,
        case
            when nodes.is_ward then nodes.policy_code
            else '総合計画 ' || case nodes.level when 1 then '基本政策' when 2 then '政策' else '施策' end
                || ' ' || nodes.policy_code
        end as label_ja,
        case
            when nodes.is_ward then bureaus.ward_name_en
            else 'Comprehensive Plan ' || case nodes.level when 1 then 'basic policy' when 2 then 'policy' else 'measure' end
                || ' ' || nodes.policy_code
        end as label_en,
        coalesce(codes_used.evaluation_rows, 0) as evaluation_rows

    from nodes
    left join codes_used
        on nodes.policy_code = codes_used.policy_code
    left join bureaus
        on nodes.is_ward and nodes.policy_code = bureaus.ward_name_ja

)

select * from final
