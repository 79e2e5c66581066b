"""Figures (実績) stated in a row's results (取組内容の実績等): every number with a unit, read, never
interpreted — which target a figure measures is the matcher's decision.

A figure is read with the wording around it. Explicit wordings name the metric and sometimes the target:

    metric_colon        国際展開活動件数（R4実績）：111件 · （入場者数：23,000人） · 増加量：▲1.7万TEU
    target_pair         <metric line> R4目標値：6.6　実績値：5.5
    target_vs_actual    ビジネスマッチング創出件数の目標600件に対して666件 · 支援企業数が目標40社のところ、65社
    target_then_actual  …企業の割合は、10％を目標としておりましたが、5.6％となりました
    metric_in_brackets  （利用者数48,877人） · （入館者数278,092人（見込））
    metric_is           入館者数は60,884人、 · 相談件数が3,314件と

Any other number with a unit is a ``figure`` (「マッチングを新たに25件実施(累計117件）」, 「59社が参加」,
「約293万件アクセス」, 「週1回程度、47回」), and a sentence naming one event by its date (「令和4年6月4日に
開催しました」) a ``dated_event`` of 1 回. Markers read around every figure: 約/程度/超 (approximate), 見込
(estimate), 累計 (running total), 新たに (the year's increment), 削減/増/前年度より (a change, not a
level), 週/月/年 before a count (a rate), あたり/換算 (a per-unit value) and ▲ (negative). Dates,
ordinals (第3回, 3回目), years and the target a sentence names (目標600件) are not figures.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from pipeline.kpi.text import BULLETS, COUNTERS, NUMBER, Folded, parse_number

_MC = r"[^、。,:()「」『』・●○〇◯∘◎■□◆◇※①-⑳\s]"


def _value(side: str) -> str:
    return (
        rf"(?P<{side}pre>約|延べ|累計|合計|計)?\s*(?P<{side}sign>[▲△-]?)\s*(?P<{side}num>{NUMBER})\s*"
        rf"(?P<{side}unit>[A-Za-z%]+|[^\x00-\x7Fぁ-ゖ、。「」・]{{1,4}})?"
    )


# The explicit wordings, in the order they are tried; a number read by one is not read again.
FORMATS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        (
            "metric_colon",
            rf"(?P<metric>{_MC}+?)(?P<qualifier>\((?:R[0-9]+|令和[0-9]+年度)?(?:実績|見込)み?値?\))?\s*:\s*{_value('a')}\s*(?P<estimate>\(見込み?\))?",
        ),
        ("target_pair", rf"^[{BULLETS}\s]*(?P<metric>.+?)\s*R[0-9]+目標値\s*:\s*{_value('t')}\s*実績値\s*:\s*{_value('a')}"),
        (
            "target_vs_actual",
            rf"(?P<metric>{_MC}*?)(?:(?:の|は|が|では|については)、?)?\s*目標値?(?:の|が|は)?\s*(?P<metric_after>[^0-9、。()をにでと]*?)\s*{_value('t')}\s*(?:に対し(?:て)?|のところ)、?\s*(?:実績値?(?:が|は)?)?\s*{_value('a')}",
        ),
        (
            "target_then_actual",
            rf"(?P<metric>{_MC}+?)(?:は|が)、?\s*{_value('t')}\s*を目標と[^。]*?、\s*{_value('a')}\s*(?:と|に)なり",
        ),
        (
            "metric_in_brackets",
            rf"\(\s*(?P<metric>[^、。,:()「」『』・●○〇◯∘◎■□◆◇※①-⑳\s0-9]+?)\s*{_value('a')}\s*(?P<estimate>\(見込み?\))?\s*\)",
        ),
        (
            "metric_is",
            rf"(?P<metric>{_MC}+?(?:数|率|額|量))(?:は|が)、?\s*{_value('a')}\s*(?P<estimate>\(見込み?\))?(?:と|に|で|、|\)|$)",
        ),
    )
)
_METRIC_TAIL = re.compile(r"(?:について(?:は|も)?|では|も|全体では|全体)$")

_BARE = re.compile(rf"(?<![A-Za-z0-9.,第])(?P<period>(?:毎)?(?:週|月|年)に?)?(?P<pre>約)?(?P<sign>[▲△])?(?P<num>{NUMBER})")
_COUNTER_RE = re.compile("|".join(re.escape(c) for c in COUNTERS))
_OTHER_UNIT = re.compile(r"[A-Za-z%]+|[\u3400-\u9fff\u30a1-\u30fa]{1,3}")
# dates (令和4年6月4日, 11月4日から6日まで, 2023年3月), years (令和5年度, 2022年), durations since (3年ぶり) and
# the base of a per-unit value (1か月あたり)
_DATE = re.compile(
    r"(?:(?:令和|平成|R)\s*[0-9元]+(?:\s*[・~〜-]\s*[0-9]+)*\s*年度?|[0-9]{4}\s*年度?)(?:\s*[0-9]{1,2}\s*月(?:\s*[0-9]{1,2}\s*日)?)?"
    r"|[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日|(?<=日[、・])[0-9]{1,2}\s*日|[0-9]{1,2}\s*月(?=[・~〜、]|から|に|まで|より|以降|中|頃|末|上旬|中旬|下旬)"
    r"|[0-9]+\s*(?:年|か月|ヶ月)ぶり|[0-9]+\s*(?:か月|ヶ月|日|年|人|回)\s*(?:あたり|当たり)|[0-9]+\s*か年|[0-9]+\s*周年|[0-9]{4}(?=[)）\s」]|$)"
)
_DAY = re.compile(r"(?:(?:令和|平成)[0-9元]+年)?[0-9]{1,2}月[0-9]{1,2}日(?:(?:から|~|〜)(?:[0-9]{1,2}月)?[0-9]{1,2}日(?:まで)?)?")
_EVENT_AFTER_DAY = re.compile(r"に?[^、。]{0,30}?(?:開催|実施)(?:し|され)")
_BOUNDARY = "、。,;"

_APPROXIMATE_AFTER = re.compile(r"^(?:程度|余り|余|超|強|弱|前後|以上)")
_ESTIMATE_AFTER = re.compile(r"^\s*\(?\s*見込")
_CHANGE_AFTER = re.compile(r"^(?:の)?(?:削減|減少|増加|増|減)")
_CHANGE_BEFORE = re.compile(r"(?:前年度?|昨年度?)(?:より|比|から)[^、。]{0,6}$")
_PER_UNIT = re.compile(r"あたり|当たり|換算")
_TARGET_BEFORE = re.compile(r"目標値?(?:の|が|は|:|\(|\s)*$")
_TARGET_AFTER = re.compile(r"^(?:を目標|に対し|のところ)")


def _is_boundary(text: str, i: int) -> bool:
    """A clause ends at 、 。 ; or a comma that is no thousands separator (NFKC makes 「，」 a comma)."""
    if text[i] != ",":
        return text[i] in _BOUNDARY
    return not (0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit())


@dataclass(frozen=True)
class Figure:
    """A number the results state, with what the sentence says about it."""

    statement_no: int
    statement_format: str
    metric: str | None  # as printed, when the wording names it
    value: float
    unit: str | None
    period: str | None  # 週 / 月 / 年 for a rate (週1回)
    stated_target_value: float | None
    stated_target_unit: str | None
    is_estimate: bool
    is_approximate: bool
    is_cumulative: bool
    is_year_increment: bool
    is_change: bool
    is_per_unit: bool
    statement_text: str  # as printed
    source_sentence: str  # as printed
    item_no: int
    sentence_no: int
    # the figure's place in a breakdown (「大人120人、子ども80人」): the statement_no of its first part
    breakdown: int | None
    # NFKC texts the matcher compares: the words around the figure, its sentence, its item, and the
    # sentence's topic (「社会教育振興事業全体では、…」)
    clause: str
    label: str  # the words right before the figure in its clause, after its topic (「大人」)
    sentence: str
    item: str
    topic: str | None


def _items(results: str) -> list[Folded]:
    """A results cell's items: a line starts one after a bullet, with a label and a colon outside any
    bracket (「支援者数：31人」, not 「R4目標値：」, which belongs to the metric line above it), or after a
    line that ends a sentence or a bracket; other line breaks are wraps inside a sentence."""
    items: list[Folded] = []
    open_brackets = 0
    previous = ""
    for line_no, raw in enumerate(results.split("\n"), start=1):
        line = Folded.of(raw)
        starts = (
            line_no == 1
            or line.norm[:1] in BULLETS
            or (open_brackets <= 0 and re.match(r"^[^R、。:(][^、。:(]{0,39}:", line.norm) is not None)
            or re.search(r"[。)]$", previous) is not None
        )
        if starts or not items:
            items.append(line)
        else:
            joint = (
                " "
                if items[-1].norm[-1:].isascii()
                and items[-1].norm[-1:].isalpha()
                and line.norm[:1].isascii()
                and line.norm[:1].isalpha()
                else ""
            )
            items[-1] = items[-1] + Folded.of(joint) + line
        open_brackets += line.norm.count("(") - line.norm.count(")")
        previous = line.norm
    return [item for item in items if item.norm.strip()]


def _sentences(item: Folded) -> list[Folded]:
    """A sentence ends at 「。」, unless a bracket follows that belongs to it: 「…実施します。（相談件数：534件）」."""
    cuts = [m.end() for m in re.finditer(r"。(?!\()", item.norm) if m.end() < len(item.norm)]
    bounds = [0, *cuts, len(item.norm)]
    return [s for s in (item.slice(a, b) for a, b in itertools.pairwise(bounds)) if s.norm.strip()]


def _unit_at(text: str, start: int) -> tuple[str | None, int]:
    """The counter at ``start`` (「事業者・団体」 as one) and where it ends."""
    match = _COUNTER_RE.match(text, start) or _OTHER_UNIT.match(text, start)
    if not match:
        return None, start
    end = match.end()
    while end < len(text) and text[end] == "・" and (more := _COUNTER_RE.match(text, end + 1)):
        end = more.end()
    return text[start:end], end


def _clean_metric(metric: str | None) -> str | None:
    return _METRIC_TAIL.sub("", metric.strip()) or None if metric else None


def _enclosing_bracket(text: str, position: int) -> int | None:
    depth = 0
    for i in range(position - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            if depth == 0:
                return i
            depth -= 1
    return None


def _clause_start(text: str, position: int) -> int:
    """Where the clause holding ``position`` begins: after the last 、 or 。 before it, outside brackets."""
    i = position
    while i > 0 and not _is_boundary(text, i - 1):
        i -= 1
    return i


def _words_before(text: str, start: int) -> str:
    """The words a figure at ``start`` continues: its clause, and for a figure in brackets
    (「…マッチングを新たに25件実施(累計117件）」, 「小学生教室（週1回程度、47回）」) the clause before them too."""
    clause = _clause_start(text, start)
    bracket = _enclosing_bracket(text, start)
    if bracket is not None:
        outer = _clause_start(text, bracket)
        inner = max(clause, bracket + 1)
        return text[outer:bracket] + text[inner:start]
    return text[clause:start]


def _words_after(text: str, end: int) -> tuple[int, str]:
    """The words after a figure up to the clause's end, past a bracket right after it (「15,000部（8言語の合計）の発行」)."""
    i = end
    if i < len(text) and text[i] == "(":
        depth = 0
        while i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
            if depth == 0:
                break
    start = i
    while i < len(text) and not _is_boundary(text, i) and text[i] not in "()" and i - start < 15:
        i += 1
    return i, text[start:i]


def _topic(sentence: str) -> str | None:
    """What a sentence is about when it opens with 「…では、」, 「…については、」 or 「…は、」."""
    match = re.match(rf"^[{BULLETS}\s]*({_MC}{{2,40}}?)(?:全体)?(?:について(?:は|も)?|では|は)、", sentence)
    return match.group(1) if match else None


@dataclass
class _Read:
    start: int
    end: int
    format: str
    order: int
    value: float
    unit: str | None
    unit_end: int
    metric: str | None = None
    stated_target_value: float | None = None
    stated_target_unit: str | None = None
    estimate: bool = False
    approximate: bool = False
    period: str | None = None
    text_start: int = 0
    text_end: int = 0


def _signed(match: re.Match, side: str) -> float:
    return parse_number(match.group(f"{side}num")) * (-1 if match.group(f"{side}sign") else 1)


def _unit(match: re.Match, side: str) -> str | None:
    unit = match.group(f"{side}unit")
    if not unit:
        return None
    counter = _COUNTER_RE.match(unit)
    return counter.group(0) if counter and counter.start() == 0 else unit


def _explicit(sentence: str) -> tuple[list[_Read], list[tuple[int, int]]]:
    """Figures in an explicit wording, and the spans of the numbers they read (targets' included)."""
    reads: list[_Read] = []
    taken: list[tuple[int, int]] = []
    for order, (name, pattern) in enumerate(FORMATS, start=1):
        for match in pattern.finditer(sentence):
            start = match.start("anum")
            if any(a <= start < b for a, b in taken):
                continue
            metric = _clean_metric(match.group("metric") or (match.groupdict().get("metric_after") or None))
            if name == "metric_colon" and metric and re.search(r"(?:目標|実績)値$", metric):
                continue
            if name == "metric_in_brackets" and not re.search(r"(?:数|率|額|量|者)$", metric or ""):
                continue
            has_target = "tnum" in pattern.groupindex
            reads.append(
                _Read(
                    start=match.start("anum") - len(match.group("asign") or ""),
                    end=match.end("anum"),
                    format=name,
                    order=order,
                    value=_signed(match, "a"),
                    unit=_unit(match, "a"),
                    unit_end=match.start("aunit") + len(_unit(match, "a")) if match.group("aunit") else match.end("anum"),
                    metric=metric,
                    stated_target_value=_signed(match, "t") if has_target else None,
                    stated_target_unit=_unit(match, "t") if has_target else None,
                    estimate=bool(match.groupdict().get("estimate")) or "見込" in (match.groupdict().get("qualifier") or ""),
                    approximate=match.group("apre") == "約",
                    text_start=match.start() + (len(match.group(0)) - len(match.group(0).lstrip(BULLETS + " "))),
                    text_end=match.end(),
                )
            )
            taken.append((match.start("anum"), match.end("anum")))
            if has_target:
                taken.append((match.start("tnum"), match.end("tnum")))
    return reads, taken


def _bare(sentence: str, taken: list[tuple[int, int]]) -> list[_Read]:
    dates = [(m.start(), m.end()) for m in _DATE.finditer(sentence)]
    reads = []
    for match in _BARE.finditer(sentence):
        start, end = match.start("num"), match.end("num")
        if any(a <= start < b for a, b in taken + dates):
            continue
        unit, unit_end = _unit_at(sentence, end)
        if unit is None:
            continue
        before = sentence[: match.start()]
        after = sentence[unit_end:]
        if after.startswith("目"):
            continue  # an ordinal (3回目)
        if _TARGET_BEFORE.search(before) or _TARGET_AFTER.match(after):
            continue  # the target the sentence names (目標（78,000人）), or a comparison's base
        period = (match.group("period") or "").strip("毎に") or None
        if period and unit not in ("回", "件"):
            continue
        reads.append(
            _Read(
                start=match.start("sign") if match.group("sign") else start,
                end=end,
                format="figure",
                order=len(FORMATS) + 1,
                value=parse_number(match.group("num")) * (-1 if match.group("sign") else 1),
                unit=unit,
                unit_end=unit_end,
                approximate=match.group("pre") == "約",
                period=period,
            )
        )
    return reads


def _dated_events(sentence: str) -> list[_Read]:
    reads = []
    for match in _DAY.finditer(sentence):
        event = _EVENT_AFTER_DAY.match(sentence, match.end())
        if event:
            reads.append(
                _Read(
                    start=match.start(),
                    end=match.end(),
                    format="dated_event",
                    order=len(FORMATS) + 2,
                    value=1.0,
                    unit="回",
                    unit_end=match.end(),
                    text_start=match.start(),
                    text_end=event.end() - 1,
                )
            )
    return reads


def sentences(results: str) -> list[str]:
    """The sentences of a results cell, NFKC."""
    return [sentence.norm for item in _items(results) for sentence in _sentences(item)]


def parse_figures(results: str) -> list[Figure]:
    """Every figure a results cell states, in reading order, numbered from 1."""
    found = []
    parts: dict[int, int] = {}
    for item_no, item in enumerate(_items(results), start=1):
        for sentence_no, sentence in enumerate(_sentences(item), start=1):
            text = sentence.norm
            explicit, taken = _explicit(text)
            reads = explicit + _bare(text, taken)
            if not any(r.unit in ("回", "件") for r in reads):
                reads += _dated_events(text)
            reads.sort(key=lambda r: (r.start, r.order))
            parts.update(_breakdowns(text, reads))
            found.extend((item_no, sentence_no, read, sentence, item) for read in reads)
    figures = [_figure(no, *f) for no, f in enumerate(found, start=1)]
    number = {id(read): figure.statement_no for (_, _, read, _, _), figure in zip(found, figures)}
    return [
        replace(figure, breakdown=number[parts[id(read)]]) if id(read) in parts else figure
        for (_, _, read, _, _), figure in zip(found, figures)
    ]


def _label(text: str, start: int) -> str:
    """The words right before a figure in its clause, after its topic: 「参加者は大人120人」 → 大人."""
    bracket = _enclosing_bracket(text, start)
    words = text[max(_clause_start(text, start), -1 if bracket is None else bracket + 1) : start]
    return re.sub(r"[:\s]+$", "", re.split(r"では|には|は|が", words)[-1]).strip()


def _breakdowns(text: str, reads: list[_Read]) -> dict[int, int]:
    """Figures of one unit listed one after the other with a short label each (「大人120人、子ども80人」):
    the parts of something, each keyed to the first of its list (by ``id``)."""
    parts: dict[int, int] = {}
    for a, b in itertools.pairwise(reads):
        between = text[a.unit_end : b.start]
        if (
            a.unit == b.unit
            and a.format == b.format == "figure"
            and re.fullmatch(r"、\s*[^、。()]{1,8}", between)
            and 0 < len(_label(text, a.start)) <= 8
        ):
            first = parts.get(id(a), id(a))
            parts[id(a)] = parts[id(b)] = first
    return parts


def _figure(statement_no: int, item_no: int, sentence_no: int, read: _Read, sentence: Folded, item: Folded) -> Figure:
    text = sentence.norm
    unit_end = read.unit_end
    before = _words_before(text, read.start)
    after_end, after = _words_after(text, unit_end)
    bracket = _enclosing_bracket(text, read.start)
    local_start = max(_clause_start(text, read.start), -1 if bracket is None else bracket + 1)
    if read.format == "figure":
        text_start, text_end = local_start, after_end
    else:
        text_start, text_end = read.text_start, read.text_end
    right = text[unit_end:]
    local_before = text[local_start : read.start]
    metric = read.metric
    metric_printed = None
    if metric:
        at = text.find(metric, max(0, read.text_start - 1))
        metric_printed = sentence.printed_span(at, at + len(metric)) if at >= 0 else metric
    return Figure(
        statement_no=statement_no,
        statement_format=read.format,
        metric=metric_printed,
        value=read.value,
        unit=read.unit + (f"/{read.period}" if read.period else "") if read.unit else None,
        period=read.period,
        stated_target_value=read.stated_target_value,
        stated_target_unit=read.stated_target_unit,
        is_estimate=read.estimate or bool(_ESTIMATE_AFTER.match(right)),
        is_approximate=read.approximate or bool(_APPROXIMATE_AFTER.match(right)),
        is_cumulative="累計" in local_before or "累計" in (metric or ""),
        is_year_increment=bool(re.search(r"新たに|新規に?", local_before)),
        is_change=bool(_CHANGE_AFTER.match(right) or _CHANGE_BEFORE.search(local_before)),
        is_per_unit=bool(_PER_UNIT.search(local_before)),
        statement_text=sentence.printed_span(text_start, text_end).strip(),
        source_sentence=sentence.printed.strip(),
        item_no=item_no,
        sentence_no=sentence_no,
        breakdown=None,
        clause=before + text[read.start : unit_end] + after,
        label=_label(text, read.start),
        sentence=text,
        item=item.norm,
        topic=_topic(text),
    )
