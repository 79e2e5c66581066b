"""Give every printed row its initiative: number, 取組名, 取組の内容 and 令和N年度の取組内容.

A text export prints a single-row initiative's merged cells with the row, but a multi-row
initiative's rows come out bare (*orphans*) and its merged cells come out later as stray
*fragments*: a number, a name, a text block. This module decides, from the printed order alone:

- Numbers. Rows printed with a number anchor the sequence (initiatives are numbered 1, 2, … in sheet
  order). Between two anchors, the missing numbers go in order to the unnumbered rows and the runs
  of orphans that lie there. A run that must hold more than one initiative is cut where the ward
  order starts again (ward-level initiatives list the seven wards in a fixed order), else at the
  only cut into initiatives of two rows or more (a single row prints its merged cells with it),
  each in one section with no ward twice. Where that is not one cut, the year is refused: the
  rows' wording cannot tell neighbouring initiatives apart reliably, and a misread row is worse
  than no row.
- Fragments. Merged cells are printed after an initiative's first row, so a fragment can belong
  only to an orphan initiative printed before it. A fragment with a number goes to that initiative;
  the others go to the waiting initiative whose rows share the most of their wording (character
  bigrams that the other waiting initiatives do not have). An initiative's two text fragments are
  its 取組の内容 then its 令和N年度の取組内容, in printed order.
"""

from __future__ import annotations

import itertools
import math
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
    texts: list[tuple[int, str]] = field(default_factory=list)  # (printed line, text)


@dataclass(frozen=True)
class ResolvedRow:
    initiative_no: int
    sub_row: int
    initiative_name: str
    description: str
    plan_fy: str


def resolve(rows: list[PrintedRow], fragments: list[Fragment], source: str) -> list[ResolvedRow]:
    """The initiative of every row, in row order; SheetError where the print leaves it undecidable."""
    wording = _Wording([row for row in rows if row.name is None])
    initiatives = _number(rows, fragments, source)
    _attach_fragments(initiatives, rows, fragments, wording, source)
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
                    f"were not all found after its rows",
                    row=f"at line {first.line}",
                )
            name, (description, plan) = initiative.name, texts
        for sub_row, index in enumerate(initiative.rows, start=1):
            resolved[index] = ResolvedRow(initiative.number, sub_row, name, description, plan)
    return [resolved[i] for i in range(len(rows))]


# Numbers are read as consecutive; where the print contradicts that, a skipped number may be why.
NUMBER_SKIPPED = "(or the sheet skips an initiative number); read this year from its PDF"


# --- numbering --------------------------------------------------------------------------------


def _units(rows: list[PrintedRow]) -> list[list[int]]:
    """Full rows one by one, and each run of consecutive orphans as one unit."""
    units: list[list[int]] = []
    for index, row in enumerate(rows):
        if row.name is None and units and rows[units[-1][-1]].name is None:
            units[-1].append(index)
        else:
            units.append([index])
    return units


def _number(rows: list[PrintedRow], fragments: list[Fragment], source: str) -> list[Initiative]:
    units = _units(rows)
    anchors = [i for i, unit in enumerate(units) if rows[unit[0]].number is not None]
    numbers = [rows[units[i][0]].number for i in anchors]
    for previous, anchor, number in zip(numbers, anchors[1:], numbers[1:]):
        if number <= previous:
            raise SheetError(
                source, f"initiative number {number} is printed after {previous}", row=f"at line {rows[units[anchor][0]].line}"
            )
    initiatives: list[Initiative] = []
    bounds = [-1, *anchors, len(units)]
    for left, right in itertools.pairwise(bounds):
        if left >= 0:
            initiatives.append(Initiative(rows[units[left][0]].number, list(units[left])))
        between = units[left + 1 : right]
        if between:
            first = rows[units[left][0]].number + 1 if left >= 0 else 1
            last = rows[units[right][0]].number - 1 if right < len(units) else None
            initiatives.extend(_number_gap(between, first, last, rows, fragments, source))
    return initiatives


def _number_gap(
    between: list[list[int]],
    first: int,
    last: int | None,
    rows: list[PrintedRow],
    fragments: list[Fragment],
    source: str,
) -> list[Initiative]:
    """Initiatives for the unnumbered units between two printed numbers (``last`` None: open end)."""
    runs = [unit for unit in between if rows[unit[0]].name is None]
    restarts = {id(run): _ward_restarts(run, rows) for run in runs}
    if last is None:
        # Nothing bounds the count: only a restart of the ward order shows a further initiative.
        cuts = restarts
    else:
        extra = (last - first + 1) - len(between)
        cuts = _choose_cuts(runs, extra, restarts, rows, {f.after_row for f in fragments})
        if cuts is None:
            raise SheetError(
                source,
                f"cannot tell which of the rows at lines {rows[between[0][0]].line}–{rows[between[-1][-1]].line} "
                f"belong to which of the initiatives {first}–{last}: they are printed without their merged cells "
                f"(取組名, 取組の内容, 令和N年度の取組内容), and neither the sections, the wards nor the rows' "
                f"count divides them one way {NUMBER_SKIPPED}",
                row=f"at line {rows[between[0][0]].line}",
            )
    initiatives: list[Initiative] = []
    number = first
    for unit in between:
        marks = cuts.get(id(unit), []) if rows[unit[0]].name is None else []
        for a, b in zip((0, *marks), (*marks, len(unit))):
            initiatives.append(Initiative(number, unit[a:b]))
            number += 1
    return initiatives


def _ward_restarts(run: list[int], rows: list[PrintedRow]) -> list[int]:
    return [
        k
        for k in range(1, len(run))
        if rows[run[k]].ward_order is not None
        and rows[run[k - 1]].ward_order is not None
        and rows[run[k]].ward_order <= rows[run[k - 1]].ward_order
    ]


def _choose_cuts(runs, extra, restarts, rows, fragments_before) -> dict[int, list[int]] | None:
    """Where the runs split into ``extra`` more initiatives than there are runs; None where the
    print does not single out one split."""
    if extra < 0:
        return None
    if extra == 0:
        return {}
    # A part of one row is no initiative: a single row is printed with its merged cells.
    if sum(len(cuts) for cuts in restarts.values()) == extra and all(
        b - a >= 2 for run in runs for a, b in itertools.pairwise((0, *restarts[id(run)], len(run)))
    ):
        return restarts
    if len(runs) == 1 and (cuts := _only_cuts(runs[0], extra, rows, fragments_before)) is not None:
        return {id(runs[0]): cuts}
    return None


def _only_cuts(run: list[int], extra: int, rows: list[PrintedRow], fragments_before: set[int]) -> list[int] | None:
    """The one cut of a run into ``extra`` + 1 initiatives of two rows or more (one row would have
    been printed with its merged cells) that each lie in one section and list a ward at most once,
    in whatever order; None if there are several or none. Merged cells printed between two rows do
    not cut: a page end that falls inside an initiative prints them too."""
    if 2 * (extra + 1) > len(run):
        return None
    wards = [rows[i].ward_order for i in run]
    # Only a boundary without merged cells is surely a section (one with both is missed: that can
    # refuse a year, never misread it).
    section_before = [rows[i].boundary_before and i not in fragments_before for i in run]
    # ends[a]: rows a:b are in one section with no ward twice for every b up to ends[a]
    ends = []
    for a in range(len(run)):
        b = a + 1
        while b < len(run) and not section_before[b] and (wards[b] is None or wards[b] not in wards[a:b]):
            b += 1
        ends.append(b)

    def fits(a: int, b: int) -> bool:
        return a + 2 <= b <= ends[a]

    # ways[j][b]: in how many ways (counted up to 2) the first b rows cut into j initiatives
    ways = [[1] + [0] * len(run)] + [[0] * (len(run) + 1) for _ in range(extra + 1)]
    for j in range(1, extra + 2):
        for b in range(1, len(run) + 1):
            ways[j][b] = min(2, sum(ways[j - 1][a] for a in range(b) if fits(a, b)))
    if ways[extra + 1][len(run)] != 1:
        return None
    cuts, b = [], len(run)
    for j in range(extra + 1, 1, -1):
        b = next(a for a in range(b) if ways[j - 1][a] and fits(a, b))
        cuts.append(b)
    return cuts[::-1]


# --- fragments --------------------------------------------------------------------------------


def _attach_fragments(
    initiatives: list[Initiative], rows: list[PrintedRow], fragments: list[Fragment], wording: _Wording, source: str
) -> None:
    orphans = [i for i in initiatives if rows[i.rows[0]].name is None]
    by_number = {i.number: i for i in orphans}
    own_text = {id(i): " ".join(rows[r].own_text for r in i.rows) for i in orphans}
    for position, pool in itertools.groupby(fragments, key=lambda f: f.after_row):
        pool = list(pool)
        waiting = [i for i in orphans if i.rows[0] < position]
        free = []
        for fragment in pool:
            if fragment.number is None:
                free.append(fragment)
                continue
            initiative = by_number.get(fragment.number)
            if initiative is None or initiative not in waiting:
                raise SheetError(
                    source,
                    f"a stray initiative number {fragment.number} that matches no multi-row initiative printed before "
                    f"it {NUMBER_SKIPPED}",
                    row=f"at line {fragment.line}",
                )
            if fragment.kind == "name":
                initiative.name = fragment.text
        candidates = _numbered_owners(pool, by_number, free) or waiting
        owners = _best_owners(pool, free, candidates, [own_text[id(i)] for i in candidates], wording)
        if owners is None:
            stray = free[0]
            raise SheetError(
                source, f"a stray cell 「{stray.text[:20]}…」 belongs to no row printed before it", row=f"at line {stray.line}"
            )
        for fragment, initiative in zip(free, owners):
            if fragment.kind == "name":
                initiative.name = fragment.text
            else:
                initiative.texts.append((fragment.line, fragment.text))


# Weights of printing order against wording (a fragment's wording match is a share, 0–1). An
# initiative's merged cells are usually printed side by side, and most often right after its rows.
NEIGHBOUR_BONUS = 0.25
RECENT_BONUS = 0.2
# Above this many possible assignments of a pool, fragments are matched one by one instead.
MAX_ASSIGNMENTS = 50_000


def _best_owners(pool, free, candidates, texts, wording) -> list[Initiative] | None:
    """The owner of each free fragment that best fits wording and printing order (beside each other,
    after the latest rows), within what each initiative still lacks (one name, two texts); None if
    the fragments cannot all be placed."""
    if not free:
        return []
    if not candidates:
        return None
    latest = max(range(len(candidates)), key=lambda k: candidates[k].rows[-1])
    scores = [
        [score + (RECENT_BONUS if k == latest else 0.0) for k, score in enumerate(wording.scores(f.text, texts))] for f in free
    ]
    slots = [(1 if i.name is None else 0, 2 - len(i.texts)) for i in candidates]
    anchor = {id(f): candidates.index(i) for f in pool if f.number is not None and (i := _owner_of(f, candidates))}
    order = [id(f) for f in pool]

    def total(choice: tuple[int, ...]) -> float:
        owner = {**anchor, **{id(f): k for f, k in zip(free, choice)}}
        fit = sum(scores[n][k] for n, k in enumerate(choice))
        return fit + NEIGHBOUR_BONUS * sum(
            1 for a, b in itertools.pairwise(order) if a in owner and b in owner and owner[a] == owner[b]
        )

    def fits_slots(choice: tuple[int, ...]) -> bool:
        for k, (names, bodies) in enumerate(slots):
            chosen = [free[n] for n, owner in enumerate(choice) if owner == k]
            if sum(f.kind == "name" for f in chosen) > names or sum(f.kind == "text" for f in chosen) > bodies:
                return False
        return True

    if len(candidates) ** len(free) <= MAX_ASSIGNMENTS:
        choices = [c for c in itertools.product(range(len(candidates)), repeat=len(free)) if fits_slots(c)]
        best = max(choices, key=total, default=None)
        return None if best is None else [candidates[k] for k in best]
    chosen: list[int | None] = [None] * len(free)
    for _, n, k in sorted(((scores[n][k], n, k) for n in range(len(free)) for k in range(len(candidates))), reverse=True):
        if chosen[n] is None and fits_slots(tuple(c if c is not None else -1 for c in [*chosen[:n], k, *chosen[n + 1 :]])):
            chosen[n] = k
    return None if None in chosen else [candidates[k] for k in chosen]


def _owner_of(fragment: Fragment, candidates: list[Initiative]) -> Initiative | None:
    return next((i for i in candidates if i.number == fragment.number), None)


def _numbered_owners(pool: list[Fragment], by_number: dict[int, Initiative], free: list[Fragment]) -> list[Initiative]:
    """The initiatives a pool names by number, when its other cells are exactly what they lack."""
    owners = list({id(i): i for f in pool if f.number is not None and (i := by_number.get(f.number))}.values())
    names = sum(f.kind == "name" for f in free)
    texts = sum(f.kind == "text" for f in free)
    if owners and names <= sum(i.name is None for i in owners) and texts <= sum(2 - len(i.texts) for i in owners):
        return owners
    return []


class _Wording:
    """How much of a fragment's wording rows share, weighted by rarity.

    Bigrams are weighted by their inverse document frequency over the rows printed without their
    merged cells, the rows fragments are matched against: wording most of them use (「により」,
    「外国人」) says little about which initiative a cell belongs to."""

    def __init__(self, rows: list[PrintedRow]):
        self._sets: dict[str, frozenset[str]] = {}
        counts: Counter = Counter()
        for row in rows:
            counts.update(self.bigram_set(row.own_text))
        self.weights = {gram: math.log((len(rows) + 1) / (count + 1)) for gram, count in counts.items()}

    def bigram_set(self, text: str) -> frozenset[str]:
        if text not in self._sets:
            self._sets[text] = frozenset(_bigrams(text))
        return self._sets[text]

    def scores(self, fragment: str, texts: list[str]) -> list[float]:
        """For each text, the share of the fragment's rare wording it has; wording several of the
        texts share is split between them."""
        grams = _bigrams(fragment)
        sets = [self.bigram_set(text) for text in texts]
        total = sum(self.weights.get(gram, 0.0) for gram in grams) or 1.0
        scores = [0.0] * len(texts)
        for gram in grams:
            holders = [k for k, s in enumerate(sets) if gram in s]
            for k in holders:
                scores[k] += self.weights.get(gram, 0.0) / len(holders)
        return [score / total for score in scores]


def _bigrams(text: str) -> list[str]:
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return [compact[i : i + 2] for i in range(len(compact) - 1)]
