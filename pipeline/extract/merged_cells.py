"""Give every printed row its initiative: number, 取組名, 取組の内容 and 令和N年度の取組内容.

A text export prints a single-row initiative's merged cells with the row, but a multi-row
initiative's rows come out bare (an *orphan run*) and its merged cells come out later as stray
*fragments*: a number, a name, a text block. This module decides, from the printed order alone:

- Numbers. Rows printed with a number anchor the sequence (initiatives are numbered 1, 2, … in sheet
  order). Between two anchors, the missing numbers go in order to the unnumbered rows and orphan
  runs that lie there. An orphan run that must hold more initiatives than one is cut where its rows
  best match the fragments that follow it.
- Fragments. Merged cells are printed after their rows, so a fragment can only belong to an orphan
  initiative printed before it. A fragment that carries a number goes to that initiative; the others
  go to the waiting initiative whose rows share the most of their text (character bigrams), and an
  initiative's two text fragments are its 取組の内容 then its 令和N年度の取組内容, in printed order.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from pipeline.extract.records import SheetError


@dataclass
class PrintedRow:
    """One evaluation row as printed: with its merged cells (a full row) or without (an orphan)."""

    line: int
    number: int | None
    name: str | None  # None: an orphan, whose merged cells are printed elsewhere
    description: str | None
    plan: str | None
    own_text: str  # the row's own cells, to match fragments against
    ward_order: int | None = None  # position of the row's ward in the fixed ward order, for ward rows
    boundary_before: bool = False  # something (a section, a fragment) was printed just before it


@dataclass
class Fragment:
    """A stray merged cell: an initiative number, a 取組名 (maybe with its number), or a text cell."""

    after_row: int  # how many rows were printed before it
    line: int
    kind: str  # "number", "name" or "text"
    text: str
    number: int | None = None


@dataclass
class Initiative:
    number: int
    rows: list[int]
    name: str | None = None
    texts: list[tuple[int, str]] = field(default_factory=list)  # (printed order, text)
    numbered_by_fragment: bool = False


@dataclass(frozen=True)
class ResolvedRow:
    initiative_no: int
    sub_row: int
    initiative_name: str
    description: str
    plan_fy: str


def resolve(rows: list[PrintedRow], fragments: list[Fragment], source: str) -> list[ResolvedRow]:
    """The initiative of every row, in row order; SheetError where the print leaves it undecidable."""
    units = _units(rows)
    initiatives = _number_units(units, rows, fragments, source)
    _attach_fragments(initiatives, rows, fragments, source)
    resolved: dict[int, ResolvedRow] = {}
    for initiative in initiatives:
        first = rows[initiative.rows[0]]
        if first.name is not None:
            name, description, plan = first.name, first.description or "", first.plan or ""
        else:
            texts = [text for _, text in sorted(initiative.texts)]
            if initiative.name is None or len(texts) != 2:
                raise SheetError(
                    source,
                    f"initiative {initiative.number}: its merged cells (取組名, 取組の内容, 令和N年度の取組内容) "
                    f"were not found after its rows",
                    row=f"at line {first.line}",
                )
            name, (description, plan) = initiative.name, texts
        for sub_row, index in enumerate(initiative.rows, start=1):
            resolved[index] = ResolvedRow(initiative.number, sub_row, name, description, plan)
    return [resolved[i] for i in range(len(rows))]


# --- numbering --------------------------------------------------------------------------------


@dataclass
class _Unit:
    rows: list[int]
    number: int | None
    orphan: bool


def _units(rows: list[PrintedRow]) -> list[_Unit]:
    """Full rows one by one; consecutive orphans as one run, broken where anything was printed between."""
    units: list[_Unit] = []
    for index, row in enumerate(rows):
        orphan = row.name is None
        if orphan and units and units[-1].orphan and not row.boundary_before:
            units[-1].rows.append(index)
        else:
            units.append(_Unit([index], None if orphan else row.number, orphan))
    return units


def _number_units(units: list[_Unit], rows: list[PrintedRow], fragments: list[Fragment], source: str) -> list[Initiative]:
    anchors = [i for i, unit in enumerate(units) if unit.number is not None]
    numbers = [units[i].number for i in anchors]
    if any(b <= a for a, b in zip(numbers, numbers[1:])):
        bad = next(b for a, b in zip(numbers, numbers[1:]) if b <= a)
        row = rows[units[anchors[numbers.index(bad)]].rows[0]]
        raise SheetError(source, f"initiative number {bad} is printed out of sequence", row=f"at line {row.line}")
    initiatives: list[Initiative] = []
    bounds = [-1, *anchors, len(units)]
    for left, right in zip(bounds, bounds[1:]):
        if left >= 0:
            initiatives.append(Initiative(units[left].number, list(units[left].rows)))
        between = units[left + 1:right]
        if not between:
            continue
        first = units[left].number + 1 if left >= 0 else 1
        last = units[right].number - 1 if right < len(units) else None
        initiatives.extend(_number_gap(between, first, last, rows, fragments, source))
    return initiatives


def _number_gap(
    between: list[_Unit], first: int, last: int | None, rows: list[PrintedRow], fragments: list[Fragment], source: str
) -> list[Initiative]:
    """Initiatives for the unnumbered units between two printed numbers (``last`` None: open end)."""
    missing = len(between) if last is None else last - first + 1
    extra = missing - len(between)
    runs = [unit for unit in between if unit.orphan]
    if extra < 0 or (extra > 0 and len(runs) != 1):
        line = rows[between[0].rows[0]].line
        raise SheetError(
            source,
            f"cannot tell the initiatives of the {len(between)} unnumbered row groups printed where numbers "
            f"{first}–{last} are missing",
            row=f"at line {line}",
        )
    initiatives: list[Initiative] = []
    number = first
    for unit in between:
        parts = _split_run(unit.rows, extra + 1, rows, fragments) if unit.orphan and extra else [unit.rows]
        for part in parts:
            initiatives.append(Initiative(number, part))
            number += 1
    return initiatives


def _split_run(run: list[int], count: int, rows: list[PrintedRow], fragments: list[Fragment]) -> list[list[int]]:
    """Cut an orphan run into ``count`` initiatives.

    Ward-level initiatives list the wards in a fixed order, so where that order starts again a new
    initiative starts. Otherwise the cut is where each part's rows best match the name and text
    fragments printed after the run.
    """
    restarts = [
        k for k in range(1, len(run))
        if rows[run[k]].ward_order is not None and rows[run[k - 1]].ward_order is not None
        and rows[run[k]].ward_order <= rows[run[k - 1]].ward_order
    ]
    if len(restarts) == count - 1:
        return [run[a:b] for a, b in zip((0, *restarts), (*restarts, len(run)))]
    candidates = [f for f in fragments if f.after_row > run[-1] and f.kind != "number"]
    best, best_score = [run], -1.0
    for cuts in itertools.combinations(range(1, len(run)), count - 1):
        parts = [run[a:b] for a, b in zip((0, *cuts), (*cuts, len(run)))]
        texts = [" ".join(rows[i].own_text for i in part) for part in parts]
        score = sum(max((similarity(f.text, text) for f in candidates), default=0.0) for text in texts)
        if score > best_score:
            best, best_score = parts, score
    return best


# --- fragments --------------------------------------------------------------------------------


def _attach_fragments(initiatives: list[Initiative], rows: list[PrintedRow], fragments: list[Fragment], source: str) -> None:
    orphans = [i for i in initiatives if rows[i.rows[0]].name is None]
    by_number = {i.number: i for i in orphans}
    texts = {id(i): " ".join(rows[r].own_text for r in i.rows) for i in orphans}
    for position, pool in itertools.groupby(fragments, key=lambda f: f.after_row):
        pool = list(pool)
        waiting = [i for i in orphans if i.rows[-1] < position]
        for fragment in pool:
            if fragment.number is None:
                continue
            initiative = by_number.get(fragment.number)
            if initiative is None or initiative not in waiting:
                raise SheetError(
                    source,
                    f"a stray initiative number {fragment.number} that matches no multi-row initiative printed before it",
                    row=f"at line {fragment.line}",
                )
            if fragment.kind == "name":
                initiative.name = fragment.text
            initiative.numbered_by_fragment = True
        names = [f for f in pool if f.kind == "name" and f.number is None]
        _assign(names, [i for i in waiting if i.name is None], texts, lambda i, f: setattr(i, "name", f.text), 1,
                lambda i: 0 if i.name is None else 1)
        bodies = [f for f in pool if f.kind == "text"]
        _assign(bodies, waiting, texts, lambda i, f: i.texts.append((f.line, f.text)), 2, lambda i: len(i.texts))
    leftover = [f for f in fragments if f.kind != "number" and not _used(f, orphans)]
    if leftover:
        f = leftover[0]
        raise SheetError(source, f"a stray cell 「{f.text[:20]}…」 belongs to no row printed before it", row=f"at line {f.line}")


def _used(fragment: Fragment, orphans: list[Initiative]) -> bool:
    return any(fragment.text == i.name or any(fragment.text == t for _, t in i.texts) for i in orphans)


def _assign(fragments, initiatives, texts, take, capacity, filled) -> None:
    """Greedy best-match assignment: the most similar (fragment, initiative) pair first."""
    free = list(fragments)
    while free:
        open_ = [i for i in initiatives if filled(i) < capacity]
        if not open_:
            return
        fragment, initiative = max(
            itertools.product(free, open_), key=lambda pair: similarity(pair[0].text, texts[id(pair[1])])
        )
        take(initiative, fragment)
        free.remove(fragment)


def similarity(fragment: str, text: str) -> float:
    """Share of the fragment's character bigrams that also occur in the text."""
    grams = _bigrams(fragment)
    if not grams:
        return 0.0
    other = set(_bigrams(text))
    return sum(count for gram, count in grams.items() if gram in other) / sum(grams.values())


def _bigrams(text: str) -> Counter:
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return Counter(compact[i:i + 2] for i in range(len(compact) - 1))
