{#-
    An initiative's merged cells (No., 取組名, 取組の内容, 令和N年度の取組内容) and its section are printed
    once for all of its rows: every row of an initiative must carry the same values. The KPI parser and
    dim_initiative read them from the first row. Returns the initiatives whose rows disagree.
-#}
select
    fiscal_year,
    initiative_no,
    count(distinct initiative_name) as initiative_names,
    count(distinct description) as descriptions,
    count(distinct plan_fy) as plans,
    count(distinct policy_area_id) as policy_areas

from {{ ref('int_evaluations__keyed') }}
group by fiscal_year, initiative_no
having count(distinct initiative_name) > 1
    or count(distinct description) > 1
    or count(distinct plan_fy) > 1
    or count(distinct policy_area_id) > 1
