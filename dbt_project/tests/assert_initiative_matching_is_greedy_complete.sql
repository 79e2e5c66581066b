{#-
    int_initiatives__matched takes fuzzy matches greedily, best score first, as rounds of mutual best
    choices. The rounds suffice when no initiative is left dropped by the rule whose nearest unmatched
    candidate (itself left new by the rule) would still pass it — which is what this returns. If it
    ever does, raise greedy_rounds in the model.
-#}
with

crosswalk as (

    select * from {{ ref('int_initiatives__matched') }}

)

select dropped.*
from crosswalk as dropped
inner join crosswalk as candidate
    on candidate.match_status = 'new'
    and candidate.from_year = dropped.from_year
    and candidate.to_initiative_year_id = dropped.candidate_initiative_year_id
where dropped.match_status = 'dropped'
    and dropped.match_rule is null
    and candidate.match_rule is null
    and dropped.name_similarity >= {{ var('initiative_min_name_similarity') }}
    and dropped.match_score >= {{ var('initiative_min_match_score') }}
