{#-
    KPI actuals (実績) stated explicitly in a row's results (取組内容の実績等), one row per statement.

    Formats (on NFKC text; the wording as printed is returned):
      metric_colon       国際展開活動件数（R4実績）：111件 · （入場者数：23,000人） · 増加量：▲1.7万TEU
      target_pair        <metric line> R4目標値：6.6　実績値：5.5
      target_vs_actual   ビジネスマッチング創出件数の目標600件に対して666件 · 支援企業数が目標40社のところ、65社
                         · ホール稼働率は目標の60％に対し42％ · （目標の参加者100人に対して107人）
      target_then_actual ESG投融資の活用意欲の高い企業の割合は、10％を目標としておりましたが、5.6％となりました
      metric_in_brackets （利用者数48,877人） · （入館者数278,092人（見込））
      metric_is          入館者数は60,884人、 · 相談件数が3,314件と
    A statement is only read, never interpreted: which target it belongs to is decided in
    int_kpi_actuals__matched, and only where the metric matches.
-#}

{%- set metric_char -%}[^、。,:()「」『』・●○〇◯∘◎■□◆◇※①-⑳\s]{%- endset -%}
{%- set value -%}(約|延べ|累計|合計|計)?\s*([▲△-]?)\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万|千|億)?\s*([A-Za-z%]+|[^\x00-\x7Fぁ-ゖ、。「」・]{1,4})?{%- endset -%}
{%- set target_value_groups = ['t_prefix', 't_sign', 't_number', 't_multiplier', 't_unit'] -%}
{%- set actual_value_groups = ['a_prefix', 'a_sign', 'a_number', 'a_multiplier', 'a_unit'] -%}

{%- set metric_colon -%}
({{ metric_char }}+?)(\((?:R[0-9]+|令和[0-9]+年度)?(?:実績|見込)み?値?\))?\s*:\s*{{ value }}\s*(\(見込み?\))?
{%- endset -%}
{%- set target_pair -%}
^[・●○〇◯∘◎■□◆◇※①-⑳\s]*(.+?)\s*R[0-9]+目標値\s*:\s*{{ value }}\s*実績値\s*:\s*{{ value }}
{%- endset -%}
{%- set target_vs_actual -%}
({{ metric_char }}*?)(?:(?:の|は|が)、?)?\s*目標値?(?:の|が|は)?\s*([^0-9、。()をにでと]*?)\s*{{ value }}\s*(?:に対し(?:て)?|のところ)、?\s*(?:実績値?(?:が|は)?)?\s*{{ value }}
{%- endset -%}
{%- set target_then_actual -%}
({{ metric_char }}+?)(?:は|が)、?\s*{{ value }}\s*を目標と[^。]*?、\s*{{ value }}\s*(?:と|に)なり
{%- endset -%}
{%- set metric_in_brackets -%}
\(\s*([^、。,:()「」『』・●○〇◯∘◎■□◆◇※①-⑳\s0-9]+?)\s*{{ value }}\s*(\(見込み?\))?\s*\)
{%- endset -%}
{%- set metric_is -%}
({{ metric_char }}+?(?:数|率|額|量))(?:は|が)、?\s*{{ value }}\s*(\(見込み?\))?(?:と|に|で|、|\)|$)
{%- endset -%}

{%- set formats = [
    {'name': 'metric_colon', 'pattern': metric_colon,
     'groups': ['metric', 'qualifier'] + actual_value_groups + ['estimate']},
    {'name': 'target_pair', 'pattern': target_pair,
     'groups': ['metric'] + target_value_groups + actual_value_groups},
    {'name': 'target_vs_actual', 'pattern': target_vs_actual,
     'groups': ['metric', 'metric_after'] + target_value_groups + actual_value_groups},
    {'name': 'target_then_actual', 'pattern': target_then_actual,
     'groups': ['metric'] + target_value_groups + actual_value_groups},
    {'name': 'metric_in_brackets', 'pattern': metric_in_brackets,
     'groups': ['metric'] + actual_value_groups + ['estimate']},
    {'name': 'metric_is', 'pattern': metric_is,
     'groups': ['metric'] + actual_value_groups + ['estimate']},
] -%}
{%- set common_fields = ['metric', 'metric_after', 'qualifier', 'estimate']
    + target_value_groups + actual_value_groups -%}

with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

result_lines as (

    select
        evaluation_id,
        fiscal_year,
        initiative_no,
        sub_row,
        generate_subscripts(string_split(results, chr(10)), 1) as line_no,
        unnest(string_split(results, chr(10))) as line_text

    from sheet_rows
    where results is not null

),

bracket_depths as (

    select
        *,
        coalesce(sum(
            length(line_text) - length(regexp_replace(line_text, '[（(]', '', 'g'))
            - (length(line_text) - length(regexp_replace(line_text, '[）)]', '', 'g')))
        ) over (
            partition by evaluation_id order by line_no rows between unbounded preceding and 1 preceding
        ), 0) as open_brackets_before

    from result_lines

),

item_starts as (

    -- a line starts a new item when it begins with a bullet, or with a label and a colon outside any
    -- bracket (「支援者数：31人」, but not 「R4目標値：」, which belongs to the metric line above it), or
    -- follows a line that ends a sentence or a bracket; other line breaks are wraps inside a sentence
    select
        *,
        line_no = 1
            or regexp_matches(line_text, '^[・●○〇◯∘◎■□◆◇※①-⑳]')
            or (
                open_brackets_before <= 0
                and regexp_matches(line_text, '^[^RＲ、。：:（(][^、。：:（(]{0,39}[：:]')
            )
            or regexp_matches(coalesce(lag(line_text) over by_line, ''), '[。）)]$') as starts_item

    from bracket_depths
    window by_line as (partition by evaluation_id order by line_no)

),

numbered_lines as (

    select
        *,
        sum(case when starts_item then 1 else 0 end) over (
            partition by evaluation_id order by line_no rows unbounded preceding
        ) as item_no

    from item_starts

),

items as (

    -- wrapped lines joined without a space (with one only between two Latin letters)
    select
        evaluation_id,
        fiscal_year,
        initiative_no,
        sub_row,
        item_no,
        replace(
            regexp_replace(string_agg(line_text, chr(10) order by line_no), '([A-Za-z])\n([A-Za-z])', '\1 \2', 'g'),
            chr(10), ''
        ) as item_text

    from numbered_lines
    group by evaluation_id, fiscal_year, initiative_no, sub_row, item_no

),

sentence_lists as (

    -- a sentence ends at 「。」, unless a bracket follows that belongs to it: 「…実施します。（相談件数：534件）」
    select
        *,
        string_split(regexp_replace(item_text, '。([^（(])', '。' || chr(29) || '\1', 'g'), chr(29)) as sentence_list

    from items

),

sentences as (

    select
        evaluation_id,
        fiscal_year,
        initiative_no,
        sub_row,
        item_no,
        generate_subscripts(sentence_list, 1) as sentence_no,
        unnest(sentence_list) as sentence

    from sentence_lists

),

normalized_sentences as (

    select
        *,
        {{ nfkc('sentence') }} as sentence_norm

    from sentences
    where {{ trim_text('sentence') }} is not null

),

{% for format in formats %}
{{ format.name }}_matches as (

    select
        *,
        unnest(regexp_extract_all(sentence_norm, '{{ format.pattern }}', 0)) as match_norm

    from normalized_sentences

),

{{ format.name }}_parsed as (

    select
        *,
        '{{ format.name }}' as statement_format,
        {{ loop.index }} as format_order,
        regexp_extract(match_norm, '^(?:{{ format.pattern }})', [{% for group in format.groups %}'{{ group }}'{{ ', ' if not loop.last }}{% endfor %}]) as parts

    from {{ format.name }}_matches

),

{% endfor %}
statements as (

    {% for format in formats %}
    select
        evaluation_id,
        fiscal_year,
        initiative_no,
        sub_row,
        item_no,
        sentence_no,
        sentence,
        sentence_norm,
        statement_format,
        format_order,
        match_norm,
        {%- for field in common_fields %}
        {{ 'nullif(parts.' ~ field ~ ", '')" if field in format.groups else 'null' }} as {{ field }}{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ format.name }}_parsed
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

cleaned as (

    select
        *,
        strpos(sentence_norm, match_norm) as match_position,
        nullif(
            regexp_replace(
                coalesce(metric, metric_after, ''),
                '(について(は|も)?|では|も|全体では)$', ''
            ),
            ''
        ) as metric_norm

    from statements

),

kept as (

    -- 「R4目標値：」 and 「実績値：」 are halves of a target_pair, not metrics of their own; a bracket
    -- statement counts only when its metric names a measure (…数, …率, …額, …量, …者)
    select *

    from cleaned
    where not (statement_format = 'metric_colon' and regexp_matches(coalesce(metric_norm, ''), '(目標|実績)値$'))
        and not (statement_format = 'metric_in_brackets' and not regexp_matches(coalesce(metric_norm, ''), '(数|率|額|量|者)$'))

),

valued as (

    select
        *,
        substr(sentence, match_position, length(match_norm)) as statement_text,
        case
            when metric_norm is not null
                then substr(sentence, match_position + strpos(match_norm, metric_norm) - 1, length(metric_norm))
        end as metric_text,
        {%- for side in ['t', 'a'] %}
        case when {{ side }}_number is not null then cast(
            cast(replace({{ side }}_number, ',', '') as decimal(18, 4))
            * case {{ side }}_multiplier when '万' then 10000 when '千' then 1000 when '億' then 100000000 else 1 end
            * case when {{ side }}_sign in ('▲', '△', '-') then -1 else 1 end
            as decimal(18, 4)
        ) end as {{ side }}_value,
        {%- endfor %}
        coalesce(qualifier like '%見込%' or estimate is not null, false) as is_estimate,
        coalesce(a_prefix = '約', false) as is_approximate

    from kept

),

numbered as (

    select
        *,
        row_number() over (
            partition by evaluation_id order by item_no, sentence_no, match_position, format_order
        ) as statement_no

    from valued

),

final as (

    select
        evaluation_id || '-a' || lpad(statement_no::varchar, 2, '0') as kpi_actual_id,
        evaluation_id,
        format('{:d}-{:03d}', fiscal_year, initiative_no) as initiative_year_id,
        fiscal_year,
        initiative_no,
        sub_row,
        statement_no,
        statement_format,
        metric_text as metric,
        {{ match_key('metric_text') }} as metric_key,
        a_value as actual_value,
        a_unit as actual_unit,
        t_value as stated_target_value,
        t_unit as stated_target_unit,
        is_estimate,
        is_approximate,
        statement_text,
        {{ trim_text('sentence') }} as source_sentence

    from numbered

)

select * from final
