{#-
    Each stated actual with the target it measures, where that is certain. An actual matches a
    target of the same initiative and year when
      - metric: the metrics are equal (NFKC, no white space) and so are the units, or
      - stated_target: the statement names the target itself (「目標600件に対して666件」) with the
        target's value and unit, and at least half of the target metric's character pairs occur in
        the statement's metric (「ビジネスマッチング件数」 ~ 「ビジネスマッチング創出件数」);
    and the pair is the only candidate for both of them. Everything else stays unmatched, with the
    reason: no target of that metric, or more than one candidate (two 「入場者数」 targets).
-#}
with

actuals as (

    select * from {{ ref('int_kpi_actuals__parsed') }}

),

targets as (

    select * from {{ ref('int_kpi_targets__parsed') }}

),

candidates as (

    select
        actuals.kpi_actual_id,
        targets.kpi_target_id,
        case
            when actuals.metric_key = targets.metric_key and actuals.actual_unit = targets.unit then 'metric'
            else 'stated_target'
        end as match_rule

    from actuals
    inner join targets
        on actuals.fiscal_year = targets.fiscal_year
        and actuals.initiative_no = targets.initiative_no
    where (actuals.metric_key = targets.metric_key and actuals.actual_unit = targets.unit)
        or (
            actuals.stated_target_value = targets.target_value
            and actuals.stated_target_unit = targets.unit
            and {{ bigram_containment('targets.metric_key', 'actuals.metric_key') }} >= 0.5
        )

),

candidate_counts as (

    select
        *,
        count(*) over (partition by kpi_actual_id) as targets_for_actual,
        count(*) over (partition by kpi_target_id) as actuals_for_target

    from candidates

),

per_actual as (

    select
        kpi_actual_id,
        max(case when targets_for_actual = 1 and actuals_for_target = 1 then kpi_target_id end) as kpi_target_id,
        max(case when targets_for_actual = 1 and actuals_for_target = 1 then match_rule end) as match_rule,
        count(*) as candidate_targets,
        list(kpi_target_id order by kpi_target_id) as candidate_kpi_target_ids

    from candidate_counts
    group by kpi_actual_id

),

final as (

    select
        actuals.*,
        per_actual.kpi_target_id,
        per_actual.match_rule,
        coalesce(per_actual.candidate_kpi_target_ids, []) as candidate_kpi_target_ids,
        case
            when per_actual.kpi_target_id is not null then 'matched'
            when per_actual.candidate_targets > 0 then 'ambiguous'
            else 'no_matching_target'
        end as match_status

    from actuals
    left join per_actual
        on actuals.kpi_actual_id = per_actual.kpi_actual_id

)

select * from final
