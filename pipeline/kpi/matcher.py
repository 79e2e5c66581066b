"""Which figure of an initiative's results is the actual of each of its KPI targets.

For every target, every figure of the initiative's rows is a candidate when its unit fits (the same
counter or one of its class, 件/回, 人/名, 社/事業者; 「週1回」 only for a 週 target) and it is a level of
the target's kind (not a change 「3,000部削減」 unless the target counts one, not a per-unit value
「1か月あたりに換算すると…」, not a figure stating another target 「目標の65％に対し77％」), and when it
measures the same thing: the statement names the target's own value (stated_target), or the metric's
words (synonyms folded: 参加者/来場者/入場者) stand in the figure's clause or sentence. Candidates are
ranked by

    score = 0.6 · metric + 0.25 · context + 0.15 · scale  (+1 when the statement names the target's value)

— metric: the share of the metric's character pairs in the figure's own words (its clause, or 0.8 × its
sentence: the figure's place); context: the share of the plan item's (the ●/・ line the target sits
under) in the results item; scale: 1 − |log10(actual / target)|, floored at 0. Targets take figures
one to one, best score first. A target whose runner-up with another value scores within ``MARGIN``, or
whose figure another target wants as much, is ambiguous — its candidates listed, nothing guessed —
except for a year's count beside its running total (「新たに25件（累計117件）」): a 累計 or 全 target takes
the total; another takes the one its row's grade agrees with (graded on or above target: the figure
that meets it; below: the one that does not), else stays ambiguous. A target with no candidate takes a
single event its results date (「令和4年6月4日に開催」) when it counts events.

A figure that names a target no plan target has (「会議室稼働率は目標の65％に対し77％」) is a target of its
own, stated in the results.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from pipeline.kpi.statements import Figure, parse_figures, sentences
from pipeline.kpi.text import Metric, canonical, containment, match_key, units_compatible

GATE = 0.25  # least metric similarity for a figure without the target's value to be a candidate
MARGIN = 0.1  # candidates closer than this are not told apart
SENTENCE_WEIGHT = 0.8  # metric words elsewhere in the sentence count less than in the figure's clause
NAMED_IN_SENTENCE = 0.6  # a sentence with this share of a metric's words names it


@dataclass(frozen=True)
class PlanTarget:
    kpi_no: int
    metric: str
    target_value: float
    unit: str | None
    comparator: str = "="
    value_prefix: str | None = None
    is_cumulative: bool = False
    context_text: str | None = None
    section_text: str | None = None

    @property
    def period(self) -> str | None:
        return self.unit.split("/", 1)[1] if self.unit and "/" in self.unit else None

    @property
    def base_unit(self) -> str | None:
        return self.unit.split("/", 1)[0] if self.unit else None


@dataclass(frozen=True)
class Row:
    sub_row: int
    achievement_code: int | None
    results: str | None


@dataclass(frozen=True)
class Candidate:
    sub_row: int
    figure: Figure
    score: float
    metric_similarity: float
    context_similarity: float
    scale: float
    names_target: bool

    @property
    def ref(self) -> tuple[int, int]:
        return self.sub_row, self.figure.statement_no


@dataclass
class Outcome:
    """A target with its actual: a plan target (``kpi_no`` of the plan) or one the results state."""

    target_source: str  # plan / results
    kpi_no: int
    metric: str | None
    target_value: float
    unit: str | None
    comparator: str
    target_text: str | None
    match_status: str  # matched / ambiguous / no_actual
    actual: Candidate | None = None
    match_rule: str | None = None
    match_evidence: str | None = None
    candidates: list[Candidate] = field(default_factory=list)
    no_actual_reason: str | None = None

    @property
    def attainment_ratio(self) -> float | None:
        if self.actual is None or self.target_value == 0:
            return None
        return self.actual.figure.value / self.target_value

    @property
    def is_met(self) -> bool | None:
        return None if self.actual is None else is_met(self.comparator, self.target_value, self.actual.figure.value)


def is_met(comparator: str, target: float, actual: float) -> bool:
    """以上 (>=) and 以下 (<=) as printed; a bare value is reached at or beyond it, in its direction: at or
    above a positive target, at or below a negative one (「▲10％」 is met by ▲12％)."""
    if comparator == "<=" or (comparator == "=" and target < 0):
        return actual <= target
    return actual >= target


def _scale(target: float, actual: float) -> float:
    if target == 0 or actual == 0:
        return 0.0
    return max(0.0, 1.0 - abs(math.log10(abs(actual) / abs(target))))


def _metric_similarity(target: PlanTarget, figure: Figure) -> float:
    core = Metric(target.metric).core
    if figure.metric:
        stated = Metric(figure.metric).core
        if canonical(stated) == canonical(core):
            return 1.0
        return max(containment(core, figure.metric), SENTENCE_WEIGHT * containment(stated, target.metric))
    return max(containment(core, figure.clause), SENTENCE_WEIGHT * containment(core, figure.sentence))


def _fits(target: PlanTarget, figure: Figure) -> bool:
    """Whether the figure is of the target's unit and kind."""
    if figure.statement_format == "dated_event":
        return False
    if target.period or figure.period:
        if target.period != figure.period or not units_compatible(target.base_unit or "", (figure.unit or "").split("/")[0]):
            return False
    elif target.unit is None or figure.unit is None:
        if target.unit != figure.unit:
            return False
    elif not units_compatible(target.unit, figure.unit):
        return False
    if figure.is_per_unit and not re.search("あたり|当たり", target.metric):
        return False
    return not (figure.is_change and not re.search("増|減", target.metric))


def _names_target(target: PlanTarget, figure: Figure) -> bool | None:
    """True when the statement names this target's value, False when it names another one, None when it names none."""
    if figure.stated_target_value is None:
        return None
    unit = figure.stated_target_unit
    same_unit = unit is None or target.unit is None or units_compatible(target.base_unit or "", unit)
    return same_unit and math.isclose(figure.stated_target_value, target.target_value)


def _candidate(target: PlanTarget, row: Row, figure: Figure) -> Candidate | None:
    if not _fits(target, figure):
        return None
    names = _names_target(target, figure)
    if names is False:
        return None
    metric = _metric_similarity(target, figure)
    if not names and metric < GATE:
        return None
    scale = _scale(target.target_value, figure.value)
    if not names and not figure.metric and containment(Metric(target.metric).core, figure.clause) < GATE and scale == 0:
        return None  # the metric only elsewhere in the sentence, and a figure of another order of magnitude
    context = max(containment(target.context_text or "", figure.item), containment(target.section_text or "", figure.item))
    score = 0.6 * metric + 0.25 * context + 0.15 * scale + (1.0 if names else 0.0)
    return Candidate(row.sub_row, figure, score, metric, context, scale, bool(names))


def _grade_fits(grade: int | None, target: PlanTarget, value: float) -> bool | None:
    """Whether a value agrees with the row's grade: graded 1–3 (on or above target) it meets the target,
    graded 4–5 (below) it does not."""
    if grade is None:
        return None
    return is_met(target.comparator, target.target_value, value) == (grade <= 3)


def _count_and_total(a: Candidate, b: Candidate) -> bool:
    """A year's count and its running total, stated together (「新たに25件実施（累計117件）」)."""
    return a.sub_row == b.sub_row and a.figure.sentence == b.figure.sentence and a.figure.is_cumulative != b.figure.is_cumulative


def _running_total(target: PlanTarget, a: Candidate, b: Candidate, grades: dict[int, int | None]) -> tuple[Candidate, str] | None:
    """The one of a year's count and its running total that the target measures: the total for a 累計 or
    全 target, else the one the row's grade agrees with; None when neither decides."""
    total, count = (a, b) if a.figure.is_cumulative else (b, a)
    if target.is_cumulative or target.value_prefix in ("全", "累計"):
        return total, f"the target counts a running total ({target.value_prefix or '累計'})"
    grade = grades.get(total.sub_row)
    fitting = [c for c in (count, total) if _grade_fits(grade, target, c.figure.value)]
    if len(fitting) == 1:
        kind = "running total" if fitting[0] is total else "year's count"
        return fitting[0], f"the {kind} agrees with the row's grade {grade}"
    return None


def _other_parts(target: PlanTarget, chosen: Candidate, pool: list[Candidate]) -> list[Candidate]:
    """The other parts of a breakdown the chosen figure is one of (「大人120人、子ども80人」), unless the
    target names the chosen part (「大人の参加者数」): a whole the sheet does not state is no part of it."""
    part = chosen.figure.breakdown
    if part is None or containment(chosen.figure.label, target.metric) >= NAMED_IN_SENTENCE:
        return []
    return [c for c in pool if c is not chosen and c.sub_row == chosen.sub_row and c.figure.breakdown == part]


def _describe(candidate: Candidate) -> str:
    parts = [
        f"metric {candidate.metric_similarity:.2f}",
        f"context {candidate.context_similarity:.2f}",
        f"scale {candidate.scale:.2f}",
    ]
    if candidate.names_target:
        parts.insert(0, "names the target's value")
    return ", ".join(parts)


def _rule(target: PlanTarget, chosen: Candidate, targets: list[PlanTarget], running_total: bool) -> str:
    figure = chosen.figure
    if chosen.names_target:
        return "stated_target"
    if running_total:
        return "running_total"
    if any(other.kpi_no != target.kpi_no and match_key(other.metric) == match_key(target.metric) for other in targets):
        return "context"
    if target.period:
        return "rate"
    if (
        figure.metric
        and match_key(Metric(figure.metric).core) == match_key(Metric(target.metric).core)
        and figure.unit == target.unit
    ):
        return "metric"
    return "synonym"


def match(targets: list[PlanTarget], rows: list[Row]) -> list[Outcome]:
    """Each plan target of one initiative and year with its actual, then the targets its results state."""
    figures = [(row, figure) for row in rows for figure in parse_figures(row.results or "")]
    grades = {row.sub_row: row.achievement_code for row in rows}
    candidates = {
        t.kpi_no: sorted((c for row, f in figures if (c := _candidate(t, row, f))), key=lambda c: (-c.score, c.ref))
        for t in targets
    }
    outcomes = {
        t.kpi_no: Outcome(
            "plan",
            t.kpi_no,
            t.metric,
            t.target_value,
            t.unit,
            t.comparator,
            None,
            "no_actual",
            candidates=candidates[t.kpi_no][:5],
        )
        for t in targets
    }
    by_no = {t.kpi_no: t for t in targets}
    taken: set[tuple[int, int]] = set()
    open_targets = set(by_no)

    def available(kpi_no: int) -> list[Candidate]:
        return [c for c in candidates[kpi_no] if c.ref not in taken]

    while True:
        ranked = [(available(no)[0].score, -no, no) for no in open_targets if available(no)]
        if not ranked:
            break
        no = max(ranked)[2]
        target, outcome = by_no[no], outcomes[no]
        open_targets.discard(no)
        pool = available(no)
        top = pool[0]
        chosen, note = top, None
        sibling = next((c for c in pool[1:] if _count_and_total(top, c)), None)
        if sibling is not None and (resolved := _running_total(target, top, sibling, grades)):
            chosen, note = resolved
        decided = (top, sibling) if note else (top,)
        rivals = [
            c
            for c in pool
            if all(c is not d for d in decided)
            and c.score >= top.score - MARGIN
            and not math.isclose(c.figure.value, chosen.figure.value)
        ]
        rivals += [c for c in _other_parts(target, chosen, pool) if c not in rivals]
        if rivals:
            outcome.match_status, outcome.no_actual_reason = "ambiguous", "ambiguous"
            outcome.candidates = [chosen, *rivals]
            continue
        contenders = [
            other
            for other in open_targets
            if available(other)[:1]
            and available(other)[0].ref == chosen.ref
            and available(other)[0].score >= chosen.score - MARGIN
        ]
        if contenders:
            # two targets want one figure as much: which one it measures is not told by the sheet
            for other in [no, *contenders]:
                pool = available(other)
                outcomes[other].match_status, outcomes[other].no_actual_reason = "ambiguous", "ambiguous"
                outcomes[other].candidates = [c for c in pool if c.score >= pool[0].score - MARGIN]
            open_targets.difference_update(contenders)
            continue
        taken.add(chosen.ref)
        outcome.match_status, outcome.actual = "matched", chosen
        outcome.match_rule = _rule(target, chosen, targets, note is not None)
        outcome.match_evidence = _describe(chosen) + (f"; {note}" if note else "")

    _dated_events(targets, figures, outcomes, taken)
    for target in targets:
        outcome = outcomes[target.kpi_no]
        if outcome.match_status == "no_actual":
            outcome.no_actual_reason = _why_none(target, rows, figures)
    return [outcomes[t.kpi_no] for t in targets] + _stated_in_results(figures, taken, len(targets))


def _dated_events(
    targets: list[PlanTarget], figures: list[tuple[Row, Figure]], outcomes: dict[int, Outcome], taken: set[tuple[int, int]]
) -> None:
    """An event count with no candidate takes the one event the results date, when they date only one."""
    events = [(row, f) for row, f in figures if f.statement_format == "dated_event"]
    if len(events) != 1:
        return
    row, event = events[0]
    for target in targets:
        outcome = outcomes[target.kpi_no]
        counts_events = target.period is None and target.unit is not None and units_compatible(target.unit, "回")
        if outcome.match_status != "no_actual" or outcome.candidates or not counts_events:
            continue
        metric = _metric_similarity(target, event)
        if metric < GATE:
            continue
        chosen = Candidate(row.sub_row, event, 0.6 * metric, metric, 0.0, _scale(target.target_value, 1.0), False)
        taken.add(chosen.ref)
        outcome.match_status, outcome.actual, outcome.match_rule = "matched", chosen, "dated_event"
        outcome.match_evidence = _describe(chosen) + "; the only event the results date, with no count"
        outcome.candidates = [chosen]
        return


def _why_none(target: PlanTarget, rows: list[Row], figures: list[tuple[Row, Figure]]) -> str:
    """Why a target has no actual: its metric named in a sentence that states no figure of its unit, only
    figures of its unit that measure something else, or no figure of its unit at all."""
    fitting = [f for _, f in figures if _fits(target, f)]
    core = Metric(target.metric).core
    for row in rows:
        for sentence in sentences(row.results or ""):
            if containment(core, sentence) >= NAMED_IN_SENTENCE and not any(f.sentence == sentence for f in fitting):
                return "metric named without a figure"
    return "no figure for this metric" if fitting else "no figure of this unit"


def _stated_in_results(figures: list[tuple[Row, Figure]], taken: set[tuple[int, int]], plan_targets: int) -> list[Outcome]:
    outcomes = []
    for row, figure in figures:
        if figure.stated_target_value is None or (row.sub_row, figure.statement_no) in taken:
            continue
        metric = _stated_metric(figure)
        candidate = Candidate(row.sub_row, figure, 1.0, 1.0, 0.0, _scale(figure.stated_target_value, figure.value), True)
        outcomes.append(
            Outcome(
                "results",
                plan_targets + len(outcomes) + 1,
                metric,
                figure.stated_target_value,
                figure.stated_target_unit or figure.unit,
                ">=",
                figure.statement_text,
                "matched",
                candidate,
                "stated_in_results",
                "the statement names its own target",
                [candidate],
            )
        )
    return outcomes


def _stated_metric(figure: Figure) -> str | None:
    """A results-stated target's metric: what the statement names before 「について」 or 「では」, else the sentence's topic."""
    if figure.metric:
        return re.split(r"について|では", figure.metric)[0] or figure.metric
    return figure.topic
