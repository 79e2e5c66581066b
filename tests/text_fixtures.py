"""Render sheet rows as a text export, with the quirks a real export of the city's PDF has.

The real FY2022 export is the only one we have; this generator makes others from any rows — other
page breaks, other wrapping, other placements of the merged cells — so the text reader is tested
on the layout's rules rather than on one document's accidents. Every quirk listed in
tests/fixtures/README.md is produced, each switched on by a seeded random choice:

- cells wrapped at their column's width, blank lines between cells and sometimes inside a 事務事業名;
- two neighbouring cells on one line (plan / 達成度, results / 貢献度, reason / future, future / bureau);
- a number printed on its name's line, on its own line, with a leading space, or not at all;
- the merged cells of a multi-row initiative printed after its rows, in any order, at once or at the
  end of the page, with or without the number;
- the page title and column header repeated every few pages, sometimes only in part;
- on request (``cuts``), a tall row cut by a page break: its cells' first lines, the next page's
  title and header, then the rest of each cell, in column order.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from itertools import groupby

from pipeline.extract import layout
from pipeline.extract.records import SheetRow

# Wrap widths in display columns, as the city's A3 layout prints them.
WIDTHS = {"name": 16, "project": 10, "description": 38, "plan": 74, "results": 124, "reason": 60, "future": 66, "bureau": 6}

HEADER_LINES = [
    "取組名 事務事業名 施策番号 取組の内容 {plan_header} 「⑤{era}の",
    "",
    "取組内容」に対",
    "する達成度",
    "",
    "取組内容の実績等 施策への貢献度",
    "（評価）",
    "",
    "評価の理由 今後の事業の方向性 担当局",
]

ZENKAKU_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class Quirks:
    """How often each quirk appears (0 never, 1 always)."""

    shared_line: float = 0.3
    blank_inside_cell: float = 0.15
    number_on_name_line: float = 0.4
    number_leading_space: float = 0.1
    number_missing: float = 0.05
    merged_at_page_end: float = 0.5
    merged_number_missing: float = 0.2
    rows_per_page: tuple[int, int] = (2, 6)
    header_every: tuple[int, int] = (1, 3)
    partial_header: float = 0.3
    widths: tuple[tuple[str, int], ...] = tuple(WIDTHS.items())


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# Japanese line breaking (禁則処理) never starts a line with these; they hang past the width instead.
NO_LINE_START = set("、。，．・」』）)】！？!?,.")


def wrap(text: str, width: int) -> list[str]:
    """The cell's lines: its own line breaks kept, each line cut at the column width."""
    out: list[str] = []
    for line in text.split("\n"):
        current = ""
        for ch in line.strip():
            if current and display_width(current + ch) > width and ch not in NO_LINE_START:
                out.append(current)
                current = ""
            current += ch
        if current:
            out.append(current)
    return out


def era_label(fiscal_year: int) -> str:
    return f"令和{str(fiscal_year - 2018).translate(ZENKAKU_DIGITS)}年度"


def policy_code_printed(code: str) -> str:
    return code.translate(ZENKAKU_DIGITS).replace("-", "－") if code[:1].isdigit() else code


def achievement_label(code: int) -> str:
    return f"{str(code).translate(ZENKAKU_DIGITS)}．{layout.ACHIEVEMENT_LABELS[code]}"


def contribution_label(code: str) -> str:
    return f"{code}．{layout.CONTRIBUTION_LABELS[code]}"


class _Writer:
    def __init__(self, rows: list[SheetRow], seed: int, quirks: Quirks, cuts: dict[tuple[int, int], int]):
        self.rows = rows
        self.cuts = cuts
        self.rng = random.Random(seed)
        self.q = quirks
        self.lines: list[str] = []
        self.deferred: list[list[list[str]]] = []
        self.rows_left_on_page = 0
        self.pages = 0
        self.section: tuple = ()

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # page furniture

    def page_break(self) -> None:
        for block in self.deferred:
            self.blocks(block)
        self.deferred = []
        self.pages += 1
        self.rows_left_on_page = self.rng.randint(*self.q.rows_per_page)
        if self.pages == 1 or self.pages % self.rng.randint(*self.q.header_every) == 0:
            title, *header = self.furniture()
            if self.pages > 1 and self.chance(self.q.partial_header):
                header = header[self.rng.randint(1, len(header) - 2) :]
            self.lines += ["", "", title, *header, ""]

    def furniture(self) -> list[str]:
        """The page title and the whole column header."""
        era = era_label(self.rows[0].fiscal_year)
        title = f"川崎市国際施策推進プラン第３期実行プログラム進行管理シート（{era}）"
        return [title, *(line.format(plan_header=f"{era}の取組内容", era=era) for line in HEADER_LINES)]

    # cells

    def cell(self, kind: str, text: str) -> list[str]:
        lines = wrap(text, dict(self.q.widths)[kind])
        if len(lines) > 1 and kind == "project" and self.chance(self.q.blank_inside_cell):
            cut = self.rng.randint(1, len(lines) - 1)
            lines = [*lines[:cut], "", *lines[cut:]]
        return lines

    def blocks(self, blocks: list[list[str]]) -> None:
        for block in blocks:
            self.lines += [*block, ""]

    def join_last(self, blocks: list[list[str]], nxt: list[str]) -> None:
        """Print the next cell's first line on the previous cell's last line."""
        if blocks and blocks[-1] and nxt and self.chance(self.q.shared_line):
            blocks[-1][-1] += " " + nxt.pop(0)
            if not nxt:
                return
        blocks.append(nxt)

    # sections

    def sections(self, row: SheetRow) -> None:
        key = (row.pillar, row.direction_no, row.subarea_no)
        old = self.section or ("", 0, 0)
        if key[0] != old[0]:
            self.lines += [f"【取組方針{row.pillar}】{row.pillar_title}", ""]
        if key[:2] != old[:2]:
            self.lines += [f"　取組の方向性{str(row.direction_no).translate(ZENKAKU_DIGITS)}　{row.direction_title}", ""]
        if key != old:
            self.lines += [f"　　{layout.CIRCLED_NUMBERS[row.subarea_no - 1]}{row.subarea_title}", ""]
        self.section = key

    # rows

    def row_blocks(self, row: SheetRow, merged: bool, number_shown: bool) -> list[list[str]]:
        blocks: list[list[str]] = []
        if merged:
            name = self.cell("name", row.initiative_name)
            number = (" " if self.chance(self.q.number_leading_space) else "") + str(row.initiative_no)
            if not number_shown:
                blocks.append(name)
            elif self.chance(self.q.number_on_name_line):
                blocks.append([f"{number} {name[0]}", *name[1:]])
            else:
                blocks.append([number, *name])
        blocks.append(self.cell("project", row.project_name))
        blocks.append([policy_code_printed(row.policy_code)])
        if merged:
            blocks.append(self.cell("description", row.description))
            blocks.append(self.cell("plan", row.plan_fy))
        self.join_last(blocks, wrap(achievement_label(row.achievement_code), 16))
        blocks.append(self.cell("results", row.results))
        self.join_last(blocks, wrap(contribution_label(row.contribution_code), 16))
        blocks.append(self.cell("reason", row.reason))
        self.join_last(blocks, self.cell("future", row.future_direction))
        self.join_last(blocks, self.cell("bureau", row.bureau))
        return blocks

    def cut_row(self, row: SheetRow, merged: bool, lines: int) -> None:
        """The row cut by a page break after ``lines`` lines of every cell: as the PDF has it, each
        cell (the No. one of its own) goes on at the top of the next page, in the same column."""
        widths = dict(self.q.widths)
        cells = []
        if merged:
            cells.append(wrap(row.initiative_name, widths["name"]))
        cells += [wrap(row.project_name, widths["project"]), [policy_code_printed(row.policy_code)]]
        if merged:
            cells += [wrap(row.description, widths["description"]), wrap(row.plan_fy, widths["plan"])]
        cells += [
            wrap(achievement_label(row.achievement_code), 16),
            wrap(row.results, widths["results"]),
            wrap(contribution_label(row.contribution_code), 16),
            wrap(row.reason, widths["reason"]),
            wrap(row.future_direction, widths["future"]),
            wrap(row.bureau, widths["bureau"]),
        ]
        before = [cell[:lines] for cell in cells]
        if merged:
            before[0] = [str(row.initiative_no), *before[0]]
        self.blocks([block for block in before if block])
        self.lines += ["", *self.furniture(), ""]
        self.blocks([cell[lines:] for cell in cells if cell[lines:]])

    def merged_blocks(self, row: SheetRow) -> list[list[str]]:
        name = self.cell("name", row.initiative_name)
        number = [] if self.chance(self.q.merged_number_missing) else [str(row.initiative_no)]
        pieces = [self.cell("description", row.description), self.cell("plan", row.plan_fy)]
        if number and self.chance(0.5):
            pieces.insert(self.rng.randint(0, 2), [*number, *name])
        else:
            pieces.insert(self.rng.randint(0, 2), name)
            if number:
                pieces.insert(self.rng.randint(0, len(pieces)), number)
        return pieces

    def write(self) -> str:
        self.page_break()
        initiatives = [list(group) for _, group in groupby(self.rows, key=lambda r: r.initiative_no)]
        for index, rows in enumerate(initiatives):
            multi = len(rows) > 1
            neighbours_numbered = 0 < index < len(initiatives) - 1 and len(initiatives[index - 1]) == 1 == len(
                initiatives[index + 1]
            )
            number_shown = not (neighbours_numbered and not multi and self.chance(self.q.number_missing))
            for row in rows:
                if self.rows_left_on_page == 0:
                    self.page_break()
                self.sections(row)
                if (row.initiative_no, row.sub_row) in self.cuts:
                    self.cut_row(row, not multi, self.cuts[row.initiative_no, row.sub_row])
                else:
                    self.blocks(self.row_blocks(row, merged=not multi, number_shown=number_shown))
                self.rows_left_on_page -= 1
            if multi:
                merged = self.merged_blocks(rows[0])
                if self.chance(self.q.merged_at_page_end):
                    self.deferred.append(merged)
                else:
                    self.blocks(merged)
        for block in self.deferred:
            self.blocks(block)
        return "\n".join(self.lines) + "\n"


def render_text_export(
    rows: list[SheetRow], seed: int = 0, quirks: Quirks = Quirks(), cuts: dict[tuple[int, int], int] | None = None
) -> str:
    """A text export of these rows (one fiscal year, in sheet order); ``cuts`` maps (No., sub-row) of
    rows to cut by a page break to how many lines of each cell come before it."""
    return _Writer(list(rows), seed, quirks, cuts or {}).write()
