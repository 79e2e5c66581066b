"""KPI targets (目標) in an initiative's plan for the year (令和N年度の取組内容).

A target is a line, or the end of a line in brackets, of the form 「metric：value unit 以上/以下」:

    マッチング数：85件以上            ③…見学会の実施（見学会回数：5回）
    CC川崎エコ会議会員数：全112団体以上 アクセス数：400万回          小学生教室の実施：週1回

The value may have full-width digits, thousands separators, 万/千/億, ▲ for a negative value, a
prefix 全/累計/延べ/合計/計 and a per-period prefix 週/月/年 (unit 「回/週」). 以上 is >=, 以下 is <=, a
bare value is =. A line ending in 「：」 or leaving a bracket open continues on the next line, and a
heading such as 「配置数」 above label lines 「小・中学校：107人」 makes the metric 「配置数（小・中学校）」.

The readers give the plan's logical lines, but a producer can lose the line break before a target or
break a line inside its metric, so a metric is checked against the metrics the sheet states cleanly
(``known``: target labels of the year's plans and metrics of stated actuals), the same plan cell's
first, the longest that fits:

- a target written mid-line, after activity text (「●…の開催入場者数：50,000人以上」: the text before
  the colon starts with a bullet or holds a sentence) takes the known metric that ends that text; with
  none, it is left out, never guessed;
- a target whose label is the end of a word broken at the line before (「…の開催入場者」 / 「数：…」)
  takes the known metric, longer than the label, that the two spell together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.kpi.text import BULLETS, CIRCLED_NUMBERS, NUMBER, Folded, match_key, nfkc, parse_number

_B = f"[{BULLETS}]"
_VALUE = (
    r"(?P<prefix>全|累計|延べ|合計|計)?\s*(?P<period>週|月|年)?\s*(?P<sign>[▲△])?\s*"
    rf"(?P<number>{NUMBER})\s*(?P<unit>[^0-9():\s][^0-9():]*?)?\s*(?P<comparator>以上|以下)?\s*(?P<note>\([^()]*\))?"
)
_PLAIN = re.compile(rf"^{_B}*\s*(?P<label>[^:]+?)\s*:\s*{_VALUE}$")
_BRACKET = re.compile(rf"\((?P<label>(?:[^():]|\([^():]*\))+?)\s*:\s*{_VALUE}\)$")
_HEADING_END = re.compile(r"(?:数|額|量|率)$")
_ENDS_IN_PUNCTUATION = re.compile(r"[、。,.:;!?)\]」』】\s]$")

# 「label：number」 at the start of a line, as a target line begins (not a time, 10:00): what the
# readers use to keep a target on a line of its own when a soft wrap would join it to the line above.
_LABELLED_VALUE = re.compile(r"([^\s、。,:()「」]{1,40}?)\s*:\s*(?:全|累計|延べ|合計|計|週|月|年|約|▲|△)?\s*[0-9]")


def starts_labelled_value(line: str) -> bool:
    """Whether a plan line begins with 「label：number」, as a KPI target line does (not a time, 10:00)."""
    match = _LABELLED_VALUE.match(Folded.of(line.lstrip(" \u3000")).norm)
    return match is not None and bool(re.sub(r"[0-9.,]", "", match.group(1)).strip())


@dataclass(frozen=True)
class Target:
    kpi_no: int
    metric: str
    metric_key: str
    target_value: float
    unit: str | None
    comparator: str
    value_prefix: str | None
    is_cumulative: bool
    target_text: str
    context_text: str | None
    section_text: str | None
    plan_line_no: int


@dataclass
class _Line:
    """A logical line of the plan: a physical line with the lines that continue it."""

    first_line_no: int
    text: Folded
    bracket: re.Match | None = None
    plain: re.Match | None = None

    @property
    def norm(self) -> str:
        return self.text.norm

    @property
    def is_target(self) -> bool:
        return self.bracket is not None or self.plain is not None

    @property
    def starts_with_bullet(self) -> bool:
        return self.norm[:1] in BULLETS

    @property
    def is_heading(self) -> bool:
        return not re.search(r"[:0-9]", self.norm) and not self.starts_with_bullet and bool(_HEADING_END.search(self.norm))

    @property
    def target(self) -> re.Match | None:
        return self.bracket or self.plain

    @property
    def label(self) -> str:
        return self.target.group("label").strip()

    @property
    def has_clean_label(self) -> bool:
        """The label is the metric: a bracket's, or a plain line's that is no bulleted activity and no sentence."""
        return self.bracket is not None or (
            self.plain is not None and not self.starts_with_bullet and not re.search("[、。]", self.label)
        )


def _logical_lines(plan: str) -> list[_Line]:
    lines: list[_Line] = []
    previous: str | None = None
    for line_no, raw in enumerate(plan.split("\n"), start=1):
        text = Folded.of(raw).strip()
        if not text.norm:
            continue
        continues = previous is not None and (
            previous.endswith(":") or previous.count("(") > previous.count(")") or text.norm in ("以上", "以下")
        )
        if continues and lines:
            lines[-1].text = lines[-1].text + text
        else:
            lines.append(_Line(line_no, text))
        previous = text.norm
    for line in lines:
        line.bracket = _BRACKET.search(line.norm)
        line.plain = None if line.bracket else _PLAIN.match(line.norm)
    return lines


def plan_metrics(plan: str) -> list[str]:
    """The metrics a plan prints cleanly (target labels, bracket metrics), NFKC: what other plans of the
    year may take a mid-line or broken target's metric from."""
    return sorted({line.label for line in _logical_lines(plan) if line.is_target and line.has_clean_label and line.label})


def _known_metric(text: str, own: Iterable[str], known: Iterable[str], fits) -> str | None:
    """The longest metric of the plan's own that fits ``text``, else the longest of the year's."""
    for metrics in (own, known):
        fitting = [m for m in metrics if fits(text, m)]
        if fitting:
            return max(fitting, key=lambda m: (len(m), m))
    return None


def parse_targets(plan: str, known: Iterable[str] = ()) -> list[Target]:
    """The KPI targets of a plan cell, in reading order. ``known``: metrics the sheet year states
    cleanly elsewhere (``plan_metrics`` of every plan, metrics of stated actuals), NFKC."""
    lines = _logical_lines(plan)
    known = sorted({m for m in map(nfkc, known) if m and not re.search(r"[、。\s]", m)})
    own = [line.label for line in lines if line.is_target and line.has_clean_label]

    borrowed = [0] * len(lines)  # characters of the line before that belong to this target's metric
    for i, line in enumerate(lines):
        if line.plain and line.has_clean_label and i > 0:
            before = lines[i - 1]
            if not before.is_target and not before.is_heading and not _ENDS_IN_PUNCTUATION.search(before.norm):
                spelled = before.norm + line.label
                metric = _known_metric(
                    spelled, own, known, lambda text, m, label=line.label: text.endswith(m) and len(m) > len(label)
                )
                if metric:
                    borrowed[i] = len(metric) - len(line.label)
    clean = [
        lines[i - 1].norm[len(lines[i - 1].norm) - borrowed[i] :] + line.label if borrowed[i] else line.label
        for i, line in enumerate(lines)
        if line.is_target and line.has_clean_label
    ]

    skipped = [0] * len(lines)  # characters of activity text before a mid-line target's metric
    dropped = [False] * len(lines)
    for i, line in enumerate(lines):
        if line.plain and not line.has_clean_label:
            metric = _known_metric(line.label, clean, known, lambda text, m: text.endswith(m))
            if metric:
                skipped[i] = len(line.label) - len(metric)
            else:
                dropped[i] = True

    # an item's text: its bulleted line with the lines wrapped from it, without targets and headings
    item_of, items, sections = [], {}, []
    item_no, section = 0, None
    for i, line in enumerate(lines):
        if line.starts_with_bullet:
            item_no += 1
        item_of.append(item_no)
        part = None
        if not line.is_target and not line.is_heading:
            lent = borrowed[i + 1] if i + 1 < len(lines) else 0
            part = line.text.slice(0, len(line.norm) - lent).printed
        elif skipped[i]:
            part = line.text.slice(0, line.plain.start("label") + skipped[i]).strip().printed
        if part:
            items[item_no] = items.get(item_no, "") + part
        if part and line.norm[:1] in "●◆■" + CIRCLED_NUMBERS:
            section = part  # a section heading: the line without what it lent to a target after it
        sections.append(section)

    targets: list[Target] = []
    for i, line in enumerate(lines):
        if not line.is_target or dropped[i]:
            continue
        match = line.target
        text = line.text
        if line.bracket:
            fragment_start, fragment_end = match.start() + 1, match.end() - 1
            context = text.slice(0, match.start()).strip().printed or None
        else:
            fragment_start, fragment_end = match.start("label"), match.end()
            context = items.get(item_of[i]) or None
        colon = line.norm.index(":", fragment_start)
        label_end = len(line.norm[:colon].rstrip())
        lent = lines[i - 1].text.printed_span(len(lines[i - 1].norm) - borrowed[i], len(lines[i - 1].norm)) if borrowed[i] else ""
        own_text = lent + text.printed_span(fragment_start + skipped[i], fragment_end)
        own_metric = lent + text.printed_span(fragment_start + skipped[i], label_end)
        heading = None
        if line.plain and line.has_clean_label and not borrowed[i]:
            previous_text = next((lines[j] for j in range(i - 1, -1, -1) if not lines[j].is_target), None)
            if previous_text is not None and previous_text.is_heading:
                heading = previous_text.text.printed
        metric = f"{heading}（{own_metric}）" if heading else own_metric
        target_text = f"{heading} {own_text}" if heading else own_text
        prefix, period, unit = match.group("prefix"), match.group("period"), (match.group("unit") or "").strip()
        value = parse_number(match.group("number")) * (-1 if match.group("sign") else 1)
        unit = (unit + (f"/{period}" if period else "")) or None
        targets.append(
            Target(
                kpi_no=len(targets) + 1,
                metric=metric,
                metric_key=match_key(metric),
                target_value=value,
                unit=unit,
                comparator={"以上": ">=", "以下": "<="}.get(match.group("comparator"), "="),
                value_prefix=prefix,
                is_cumulative=prefix == "累計" or "累計" in metric,
                target_text=target_text,
                context_text=context,
                section_text=sections[i] if sections[i] != context else None,
                plan_line_no=line.first_line_no,
            )
        )
    return targets
