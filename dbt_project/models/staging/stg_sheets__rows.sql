{#- Every text of the sheet, trimmed (the readers keep a cell's own line breaks). -#}
{%- set text_columns = [
    'pillar', 'pillar_title', 'direction_title', 'subarea_title', 'initiative_name', 'project_name', 'policy_code',
    'description', 'plan_fy', 'results', 'contribution_code', 'reason', 'future_direction', 'bureau', 'sheet_title',
] -%}

with

source as (

    select * from {{ source('sheets', 'sheet_rows') }}

),

typed as (

    select
        cast(fiscal_year as integer) as fiscal_year,
        cast(initiative_no as integer) as initiative_no,
        cast(sub_row as integer) as sub_row,
        cast(direction_no as integer) as direction_no,
        cast(subarea_no as integer) as subarea_no,
        cast(achievement_code as integer) as achievement_code,
        cast(source_page as integer) as source_page,
        source_file,
        source_sha256,
    {%- for column in text_columns %}
        {{ trim_text(column) }} as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}

    from source

),

normalized as (

    select
        * exclude (policy_code, contribution_code),
        format('{:d}-{:03d}-{:d}', fiscal_year, initiative_no, sub_row) as evaluation_id,
        format('{:d}-{:03d}', fiscal_year, initiative_no) as initiative_year_id,
        {{ pillar_number('pillar') }} as pillar_no,
        policy_code as policy_code_as_read,
        {{ normalize_code('policy_code') }} as policy_code,
        upper({{ nfkc('contribution_code') }}) as contribution_code,
        {{ match_key('initiative_name') }} as initiative_name_key,
        {{ match_key('project_name') }} as project_name_key,
        {{ match_key('bureau') }} as bureau_name_key,
        try_cast(regexp_extract({{ nfkc('sheet_title') }}, '第([0-9]+)期', 1) as integer) as programme_no_printed

    from typed

),

final as (

    select
        evaluation_id,
        initiative_year_id,
        fiscal_year,
        initiative_no,
        sub_row,
        pillar,
        pillar_no,
        pillar_title,
        direction_no,
        direction_title,
        subarea_no,
        subarea_title,
        initiative_name,
        initiative_name_key,
        project_name,
        project_name_key,
        policy_code,
        policy_code_as_read,
        regexp_matches(policy_code, '区$') as is_ward_row,
        description,
        plan_fy,
        achievement_code,
        results,
        contribution_code,
        reason,
        future_direction,
        bureau,
        bureau_name_key,
        source_file,
        source_page,
        source_sha256,
        sheet_title,
        programme_no_printed

    from normalized

)

select * from final
