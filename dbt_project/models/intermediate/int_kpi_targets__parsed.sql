{#-
    KPI targets (目標) parsed from the year's plan (令和N年度の取組内容), one row per target line.

    A target is a line, or the end of a line in brackets, of the form 「metric：value unit 以上/以下」:
        マッチング数：85件以上            ③…見学会の実施（見学会回数：5回）
        CC川崎エコ会議会員数：全112団体以上 来場者数：9,000人以上      アクセス数：400万回
        プロジェクト件数：７件以上         小学生教室の実施：週1回
    The value may have full-width digits, thousands separators, 万/千/億, a prefix 全/累計/延べ/合計/計
    and a per-period prefix 週/月/年 (unit 「回/週」). 以上 is >=, 以下 is <=, a bare value is =.
    A line ending in 「：」 or leaving a bracket open continues on the next line (targets wrapped
    over two lines), and a heading such as 「配置数」 above label lines 「小・中学校：107人」 makes
    the metric 「配置数（小・中学校）」. Matching runs on NFKC text (nfkc keeps every position), the
    texts returned are as printed.

    The readers give the plan's logical lines (soft wraps joined), but a producer can lose the
    line break before a target or break a line inside its metric, so the metric is checked against
    the metrics the sheet states cleanly — target labels, bracket metrics and the metrics of stated
    actuals (int_kpi_actuals__parsed) — looking first in the same plan cell, then in the whole
    sheet year, and taking the longest that fits:
      - a target written mid-line, after activity text (「●…「アジア交流音楽祭」の開催入場者数：50,000人以上」:
        the text before the colon starts with a bullet or holds a sentence): the metric is the known
        metric that ends that text, the text before it is the item's context; with none, the line
        is left out (never guessed; assert_target_like_plan_lines_are_parsed warns about it);
      - a target line whose label is the end of a word broken at the line before
        (「…の開催入場者」 / 「数：50,000人以上」): the metric is the known metric, longer than the
        label, that the end of the line before and the label spell together.
-#}

{%- set bullets -%}[・●○〇◯∘◎■□◆◇※▪①-⑳]{%- endset -%}
{%- set value_pattern -%}
(全|累計|延べ|合計|計)?\s*(週|月|年)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万|千|億)?\s*([^0-9():\s][^0-9():]*?)?\s*(以上|以下)?\s*(\([^()]*\))?
{%- endset -%}
{%- set value_groups = "'value_prefix', 'period', 'number', 'multiplier', 'unit', 'comparator_word', 'note'" -%}
{%- set plain_pattern -%}^{{ bullets }}*\s*([^:]+?)\s*:\s*{{ value_pattern }}${%- endset -%}
{%- set bracket_pattern -%}\(((?:[^():]|\([^():]*\))+?)\s*:\s*{{ value_pattern }}\)${%- endset -%}

with

sheet_rows as (

    select * from {{ ref('stg_sheets__rows') }}

),

stated_actuals as (

    select * from {{ ref('int_kpi_actuals__parsed') }}

),

plans as (

    -- the plan is a merged cell: the initiative's first row carries it for all of its rows
    select
        fiscal_year,
        initiative_no,
        string_split(plan_fy, chr(10)) as plan_lines

    from sheet_rows
    where sub_row = 1 and plan_fy is not null

),

physical_lines as (

    select
        fiscal_year,
        initiative_no,
        generate_subscripts(plan_lines, 1) as line_no,
        unnest(plan_lines) as raw_line

    from plans

),

trimmed_lines as (

    select
        fiscal_year,
        initiative_no,
        line_no,
        {{ trim_text('raw_line') }} as line_text,
        {{ nfkc(trim_text('raw_line')) }} as line_norm

    from physical_lines
    where {{ trim_text('raw_line') }} is not null

),

continuations as (

    select
        *,
        coalesce(
            lag(line_norm) over by_line like '%:'
            or length(lag(line_norm) over by_line) - length(replace(lag(line_norm) over by_line, '(', ''))
                > length(lag(line_norm) over by_line) - length(replace(lag(line_norm) over by_line, ')', ''))
            or line_norm in ('以上', '以下'),
            false
        ) as continues_previous_line

    from trimmed_lines
    window by_line as (partition by fiscal_year, initiative_no order by line_no)

),

numbered_logical_lines as (

    select
        *,
        sum(case when continues_previous_line then 0 else 1 end) over (
            partition by fiscal_year, initiative_no order by line_no rows unbounded preceding
        ) as logical_line_no

    from continuations

),

logical_lines as (

    -- a logical line: a physical line with the lines that continue it, joined (wraps are mid-word)
    select
        fiscal_year,
        initiative_no,
        logical_line_no,
        min(line_no) as first_line_no,
        string_agg(line_text, '' order by line_no) as line_text,
        string_agg(line_norm, '' order by line_no) as line_norm

    from numbered_logical_lines
    group by fiscal_year, initiative_no, logical_line_no

),

classified as (

    select
        *,
        regexp_matches(line_norm, '{{ bracket_pattern }}') as is_bracket_target,
        regexp_matches(line_norm, '{{ plain_pattern }}') as is_plain_target,
        regexp_matches(line_norm, '^{{ bullets }}') as starts_with_bullet,
        not regexp_matches(line_norm, '[:0-9]|^{{ bullets }}') and regexp_matches(line_norm, '(数|額|量|率)$')
            as is_heading

    from logical_lines

),

fragments as (

    -- the target's own text: the bracket's content, or the line without its bullet
    select
        *,
        is_bracket_target or is_plain_target as is_target,
        case
            when is_bracket_target then regexp_extract(line_norm, '\(((?:[^():]|\([^():]*\))+?\s*:\s*{{ value_pattern }})\)$', 1)
            when is_plain_target then regexp_extract(line_norm, '^{{ bullets }}*\s*(.*)$', 1)
        end as fragment_norm

    from classified

),

labelled as (

    select
        *,
        -- what the target states before its colon (NFKC)
        {{ trim_text("left(fragment_norm, strpos(fragment_norm, ':') - 1)") }} as label_norm,
        -- a plain target's label is its metric, unless the line is a bulleted activity or holds a
        -- sentence: then the target is written mid-line, after the activity's text
        is_bracket_target
            or (is_plain_target and not starts_with_bullet and not regexp_matches(left(fragment_norm, strpos(fragment_norm, ':') - 1), '[、。]'))
            as has_clean_label,
        lag(line_text) over by_line as previous_text,
        lag(line_norm) over by_line as previous_norm,
        -- the line before can have lent the start of this target's metric: text, not a target or a
        -- heading, ending mid-word (not in punctuation)
        coalesce(
            not lag(is_bracket_target or is_plain_target) over by_line
            and not lag(is_heading) over by_line
            and not regexp_matches(lag(line_norm) over by_line, '[、。,.:;!?)\]」』】\s]$'),
            false
        ) as follows_text

    from fragments
    window by_line as (partition by fiscal_year, initiative_no order by logical_line_no)

),

stated_metrics as (

    -- metrics the year's results state cleanly (「受講者数：67人」)
    select distinct
        fiscal_year,
        {{ nfkc('metric') }} as metric_norm

    from stated_actuals
    where metric is not null and not regexp_matches({{ nfkc('metric') }}, '[、。\s]')

),

printed_metrics as (

    -- the metrics the plans print cleanly: the label of a target line, the metric in a bracket
    select distinct
        fiscal_year,
        initiative_no,
        label_norm as metric_norm

    from labelled
    where has_clean_label and label_norm is not null

),

broken_label_candidates as (

    -- a clean label that the line before completes into a longer known metric (「入場者」 / 「数：…」)
    select
        targets.fiscal_year,
        targets.initiative_no,
        targets.logical_line_no,
        known.metric_norm,
        row_number() over (
            partition by targets.fiscal_year, targets.initiative_no, targets.logical_line_no
            order by known.initiative_no is distinct from targets.initiative_no, length(known.metric_norm) desc
        ) as preference

    from labelled as targets
    inner join (
        select fiscal_year, initiative_no, metric_norm from printed_metrics
        union all
        select fiscal_year, null, metric_norm from stated_metrics
    ) as known
        on targets.fiscal_year = known.fiscal_year
        and suffix(targets.previous_norm || targets.label_norm, known.metric_norm)
        and length(known.metric_norm) > length(targets.label_norm)
    where targets.is_plain_target and targets.has_clean_label and targets.follows_text

),

clean_metrics as (

    -- every metric the plan states cleanly, broken labels completed
    select
        labelled.fiscal_year,
        labelled.initiative_no,
        coalesce(broken.metric_norm, labelled.label_norm) as metric_norm

    from labelled
    left join broken_label_candidates as broken
        on labelled.fiscal_year = broken.fiscal_year
        and labelled.initiative_no = broken.initiative_no
        and labelled.logical_line_no = broken.logical_line_no
        and broken.preference = 1
    where labelled.has_clean_label and labelled.label_norm is not null

),

mid_line_candidates as (

    -- a target written after activity text: the known metric that ends the text before its colon
    select
        targets.fiscal_year,
        targets.initiative_no,
        targets.logical_line_no,
        known.metric_norm,
        row_number() over (
            partition by targets.fiscal_year, targets.initiative_no, targets.logical_line_no
            order by known.initiative_no is distinct from targets.initiative_no, length(known.metric_norm) desc
        ) as preference

    from labelled as targets
    inner join (
        select fiscal_year, initiative_no, metric_norm from clean_metrics
        union all
        select fiscal_year, null, metric_norm from stated_metrics
    ) as known
        on targets.fiscal_year = known.fiscal_year
        and suffix(targets.label_norm, known.metric_norm)
    where targets.is_plain_target and not targets.has_clean_label

),

resolved as (

    select
        labelled.*,
        case
            when broken.metric_norm is not null then length(broken.metric_norm) - length(labelled.label_norm)
            else 0
        end as borrowed_length,
        case
            when mid_line.metric_norm is not null then length(labelled.label_norm) - length(mid_line.metric_norm)
            else 0
        end as skipped_length,
        labelled.is_target and not labelled.has_clean_label and mid_line.metric_norm is null as is_unknown_mid_line

    from labelled
    left join broken_label_candidates as broken
        on labelled.fiscal_year = broken.fiscal_year
        and labelled.initiative_no = broken.initiative_no
        and labelled.logical_line_no = broken.logical_line_no
        and broken.preference = 1
    left join mid_line_candidates as mid_line
        on labelled.fiscal_year = mid_line.fiscal_year
        and labelled.initiative_no = mid_line.initiative_no
        and labelled.logical_line_no = mid_line.logical_line_no
        and mid_line.preference = 1

),

in_context as (

    select
        *,
        -- the line's part of its item's text: a text line without what it lent to the target after
        -- it, or the activity text before a target written mid-line
        case
            when not is_target and not is_heading
                then left(line_text, length(line_text) - coalesce(lead(borrowed_length) over by_line, 0))
            when skipped_length > 0
                then {{ trim_text("left(line_text, length(line_text) - length(fragment_norm) + skipped_length)") }}
        end as item_part,
        -- the last line before this one that is not a target: a heading such as 配置数 if the target
        -- is one of its label lines (配置数 / 小・中学校：107人)
        last_value(case when not is_target then logical_line_no end ignore nulls) over (
            partition by fiscal_year, initiative_no order by logical_line_no
            rows between unbounded preceding and 1 preceding
        ) as preceding_text_line_no,
        -- the bulleted item (●, ∘, ・ …) the line belongs to, for the target's context
        sum(case when starts_with_bullet then 1 else 0 end) over (
            partition by fiscal_year, initiative_no order by logical_line_no rows unbounded preceding
        ) as item_no

    from resolved
    window by_line as (partition by fiscal_year, initiative_no order by logical_line_no)

),

items as (

    -- an item's text: its bulleted line with the lines wrapped from it, without targets and headings
    select
        fiscal_year,
        initiative_no,
        item_no,
        string_agg(item_part, '' order by logical_line_no) as item_text

    from in_context
    group by fiscal_year, initiative_no, item_no

),

target_lines as (

    select
        targets.fiscal_year,
        targets.initiative_no,
        targets.logical_line_no,
        targets.first_line_no,
        targets.line_text,
        targets.line_norm,
        targets.fragment_norm,
        targets.is_bracket_target,
        targets.borrowed_length,
        targets.skipped_length,
        coalesce(right(targets.previous_text, targets.borrowed_length), '') as borrowed_text,
        case
            when not targets.is_bracket_target and targets.has_clean_label and targets.borrowed_length = 0
                and preceding.is_heading
                then preceding.line_text
        end as heading_text,
        items.item_text

    from in_context as targets
    left join in_context as preceding
        on targets.fiscal_year = preceding.fiscal_year
        and targets.initiative_no = preceding.initiative_no
        and targets.preceding_text_line_no = preceding.logical_line_no
    left join items
        on targets.fiscal_year = items.fiscal_year
        and targets.initiative_no = items.initiative_no
        and targets.item_no = items.item_no
    where targets.is_target and not targets.is_unknown_mid_line

),

as_printed as (

    select
        *,
        case
            when is_bracket_target then substr(line_text, length(line_text) - length(fragment_norm), length(fragment_norm))
            else right(line_text, length(fragment_norm))
        end as fragment_text,
        case
            when is_bracket_target then {{ trim_text("left(line_text, length(line_text) - length(fragment_norm) - 2)") }}
            else item_text
        end as context_text,
        regexp_extract(fragment_norm, '^([^:]+?)\s*:\s*{{ value_pattern }}$', ['metric', {{ value_groups }}]) as parts

    from target_lines

),

own_texts as (

    -- the target as printed from its metric on: a borrowed start put before it, activity text cut off
    select
        *,
        borrowed_text || substr(fragment_text, skipped_length + 1) as own_text,
        borrowed_text || substr(
            {{ trim_text("left(fragment_text, strpos(fragment_norm, ':') - 1)") }}, skipped_length + 1
        ) as own_metric

    from as_printed

),

parsed as (

    select
        fiscal_year,
        initiative_no,
        first_line_no,
        context_text,
        case
            when heading_text is not null then heading_text || ' ' || own_text
            else own_text
        end as target_text,
        case
            when heading_text is not null then heading_text || '（' || own_metric || '）'
            else own_metric
        end as metric,
        nullif(parts.value_prefix, '') as value_prefix,
        cast(
            cast(replace(parts.number, ',', '') as decimal(18, 4))
            * case parts.multiplier when '万' then 10000 when '千' then 1000 when '億' then 100000000 else 1 end
            as decimal(18, 4)
        ) as target_value,
        nullif(
            {{ trim_text('parts.unit') }} || case when parts.period <> '' then '/' || parts.period else '' end,
            ''
        ) as unit,
        case parts.comparator_word when '以上' then '>=' when '以下' then '<=' else '=' end as comparator

    from own_texts

),

numbered as (

    select
        *,
        row_number() over (partition by fiscal_year, initiative_no order by first_line_no) as kpi_no

    from parsed

),

final as (

    select
        format('{:d}-{:03d}-k{:02d}', fiscal_year, initiative_no, kpi_no) as kpi_target_id,
        format('{:d}-{:03d}', fiscal_year, initiative_no) as initiative_year_id,
        fiscal_year,
        initiative_no,
        kpi_no,
        metric,
        {{ match_key('metric') }} as metric_key,
        target_value,
        unit,
        comparator,
        value_prefix,
        coalesce(value_prefix = '累計', false) or metric like '%累計%' as is_cumulative,
        target_text,
        context_text,
        first_line_no as plan_line_no

    from numbered

)

select * from final
