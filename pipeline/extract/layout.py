"""Rules of the sheet's layout shared by every reader: title, grade labels, codes and section rows.

Everything here is a property of the city's sheet format (see docs/glossary.md), not of one
year's document, so both the text-export and the PDF reader agree on it.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.kpi.targets import starts_labelled_value
from pipeline.kpi.text import BULLETS as LIST_MARKS
from pipeline.kpi.text import CIRCLED_NUMBERS

# 令和N年度 = FY 2018+N, 平成N年度 = FY 1988+N; earlier programmes used the same sheet.
ERA_BASE_YEAR = {"令和": 2018, "平成": 1988}

TITLE_RE = re.compile(r"進行管理シート\s*[（(]\s*(令和|平成)\s*([0-9０-９]+|元)\s*年度\s*[）)]")

ACHIEVEMENT_LABELS: dict[int, str] = {
    1: "目標を大きく上回って達成",
    2: "目標を上回って達成",
    3: "ほぼ目標どおり",
    4: "目標を下回った",
    5: "目標を大きく下回った",
}

CONTRIBUTION_LABELS: dict[str, str] = {
    "A": "貢献している",
    "B": "やや貢献している",
    "C": "貢献の度合いが薄い",
    "D": "貢献していない",
}

# A grade cell starts with its code and a full stop: 「３．ほぼ目標どおり」, 「A．貢献している」.
ACHIEVEMENT_START_RE = re.compile(r"[1-5１-５][．.]\s*(?:目標|ほぼ)")
CONTRIBUTION_START_RE = re.compile(r"[A-DＡ-Ｄ][．.]\s*(?:貢献|やや)")

POLICY_CODE_RE = re.compile(r"^[0-9０-９]+\s*[－\-‐−―ー]\s*[0-9０-９]+\s*[－\-‐−―ー]\s*[0-9０-９]+$")

# Kawasaki's seven wards; ward-level rows carry the ward name in the 施策番号 column.
WARDS = ("川崎区", "幸区", "中原区", "高津区", "宮前区", "多摩区", "麻生区")

_CODE_STARTS = frozenset("0123456789０１２３４５６７８９" + "".join(ward[0] for ward in WARDS))

ROMAN_NUMERALS = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ"

PILLAR_RE = re.compile(r"^\s*【\s*取組方針\s*([ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|[IVX]+)\s*】\s*(.*)$")
DIRECTION_RE = re.compile(r"^\s*取組の方向性\s*([0-9０-９]+)[\s　]*(.*)$")
SUBAREA_RE = re.compile(r"^\s*([①-⑳])\s*(.*)$")

# The column-header row, label by label in column order, each with the forms sheets print it in;
# 〓 stands for the era and year (令和４年度) that the plan and 達成度 columns name.
HEADER_LABELS = (
    ("", "No.", "No", "番号"),
    ("取組名",),
    ("事務事業名",),
    ("施策番号",),
    ("取組の内容",),
    ("〓の取組内容",),
    ("「⑤〓の取組内容」に対する達成度", "達成度"),
    ("取組内容の実績等", "取組内容の実績"),
    ("施策への貢献度（評価）", "施策への貢献度"),
    ("評価の理由",),
    ("今後の事業の方向性",),
    ("担当局",),
)


def compact(text: str) -> str:
    """NFKC text with every whitespace removed: the form in which cells are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def fiscal_year_from_title(text: str) -> int | None:
    """The fiscal year named by a sheet title such as 「…進行管理シート（令和４年度）」, else None."""
    match = TITLE_RE.search(text)
    if not match:
        return None
    era, number = match.groups()
    return ERA_BASE_YEAR[era] + (1 if number == "元" else int(unicodedata.normalize("NFKC", number)))


def unknown_grade(kind: str, text: str, where: str = "") -> str:
    """The problem of a grade cell (`kind` 達成度 or 貢献度) that is none of its scale's labels."""
    labels = ACHIEVEMENT_LABELS if kind == "達成度" else CONTRIBUTION_LABELS
    scale = ", ".join(f"{code}.{label}" for code, label in labels.items())
    return f"unknown {kind} grade 「{compact(text)}」{where}; the sheet's grades are {scale}"


def parse_achievement(text: str) -> int:
    """The 達成度 code 1–5 of a grade cell; ValueError if the cell is not one of the five labels."""
    match = re.fullmatch(r"([1-5])\.(.+)", compact(text))
    if not match or ACHIEVEMENT_LABELS[int(match.group(1))] != match.group(2):
        raise ValueError(unknown_grade("達成度", text))
    return int(match.group(1))


def parse_contribution(text: str) -> str:
    """The 貢献度 code A–D of a grade cell; ValueError if the cell is not one of the four labels."""
    match = re.fullmatch(r"([A-D])\.(.+)", compact(text))
    if not match or CONTRIBUTION_LABELS[match.group(1)] != match.group(2):
        raise ValueError(unknown_grade("貢献度", text))
    return match.group(1)


def is_policy_code(text: str) -> bool:
    """True for a 施策番号 cell: a code like ４－４－１ or a ward name."""
    stripped = text.strip()
    if not stripped or stripped[0] not in _CODE_STARTS or len(stripped) > 15:
        return False
    return stripped in WARDS or bool(POLICY_CODE_RE.match(stripped))


def normalise_policy_code(text: str) -> str:
    """４－４－１ → 4-4-1; a ward name stays as printed."""
    stripped = text.strip()
    if POLICY_CODE_RE.match(stripped):
        return "-".join(re.findall(r"[0-9]+", unicodedata.normalize("NFKC", stripped)))
    return stripped


def join_name(lines: list[str]) -> str:
    """A wrapped name cell on one line: Japanese wraps mid-word, so pieces join without a space."""
    out = ""
    for piece in (line.strip() for line in lines):
        if not piece:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
            out += " "
        out += piece
    return out


def join_text(lines: list[str]) -> str:
    """A wrapped text cell with its printed line breaks, trailing blanks and empty lines dropped."""
    return "\n".join(line.rstrip() for line in lines if line.strip())


# Japanese line breaking (kinsoku): these never start a line, so a breaker pushes the character
# before them down with them, or lets them hang past the edge; the opening brackets never end one.
NO_LINE_START = frozenset(
    "、。，．,.・：；:;？！?!）)］]｝}〕〉》」』】〙〗〟’”ー々ゝゞぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
)
NO_LINE_END = frozenset("（(［[｛{〔〈《「『【〘〖〝‘“")

# A line starting with one of these begins a list item (●, ∘, ・, ①, ※ …, or （1）/(1) numbering),
# so the line before it ends there even when it is full. The marks are the KPI grammar's, which
# reads the same lines.
BULLETS = "".join(mark for mark in LIST_MARKS if mark not in CIRCLED_NUMBERS)
_ITEM_STARTS = frozenset(LIST_MARKS + "（(")
_ITEM_START_RE = re.compile(rf"[{LIST_MARKS}]|[（(][0-9０-９]{{1,2}}[）)]")


def starts_item(line: str) -> bool:
    """Whether a text line begins a list item: a bullet, a circled number or （1）-style numbering."""
    line = line.lstrip(" \u3000")
    return line[:1] in _ITEM_STARTS and _ITEM_START_RE.match(line) is not None


def wrap_separator(before: str, after: str, values_apart: bool = False) -> str:
    """What joins the logical line ``before``, whose last printed line ended in a soft wrap, to the
    next line ``after`` (both stripped): nothing, as Japanese wraps mid-word; a space between two
    Latin letters or digits, as a wrap at a space lost it; or a line break after all, where the
    next line starts a list item, or (with ``values_apart``, for the plan cell) where it is a
    「label：value」 target line and ``before`` the activity item it measures."""
    if after[0] in _ITEM_STARTS and _ITEM_START_RE.match(after):
        return "\n"
    if values_apart and starts_item(before) and starts_labelled_value(after):
        return "\n"
    last, first = before[-1], after[0]
    return " " if last < "\x80" and first < "\x80" and last.isalnum() and first.isalnum() else ""


def join_wrapped(lines: list[str], wraps: list[bool], values_apart: bool = False) -> str:
    """A text cell's logical lines: a line that ended because the cell was full (``wraps``, a soft
    wrap) runs on into the next (see ``wrap_separator``); other line breaks (hard breaks) stay.
    Trailing blanks and empty lines are dropped, as in ``join_text``."""
    out: list[str] = []
    soft = False
    for line, wrap in zip(lines, wraps, strict=True):
        text = line.rstrip()
        if not text:
            continue
        if out and soft:
            text = text.lstrip(" \u3000")
            separator = wrap_separator(out[-1], text, values_apart)
            if separator != "\n":
                out[-1] += separator + text
                soft = wrap
                continue
        out.append(text)
        soft = wrap
    return "\n".join(out)


def roman_to_int(numeral: str) -> int:
    if numeral in ROMAN_NUMERALS:
        return ROMAN_NUMERALS.index(numeral) + 1
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for i, ch in enumerate(numeral):
        value = values[ch]
        total += -value if i + 1 < len(numeral) and values[numeral[i + 1]] > value else value
    return total


def parse_pillar(line: str) -> tuple[str, str] | None:
    """(numeral, title) of a 【取組方針Ⅰ】 section row, else None. The numeral is kept as printed."""
    match = PILLAR_RE.match(line)
    if not match:
        return None
    numeral = match.group(1)
    if numeral not in ROMAN_NUMERALS:
        numeral = ROMAN_NUMERALS[roman_to_int(numeral) - 1]
    return numeral, match.group(2).strip()


def parse_direction(line: str) -> tuple[int, str] | None:
    """(number, title) of a 取組の方向性N section row, else None."""
    match = DIRECTION_RE.match(line)
    if not match or not match.group(2).strip():
        return None
    return int(unicodedata.normalize("NFKC", match.group(1))), match.group(2).strip()


def parse_subarea(line: str) -> tuple[int, str] | None:
    """(number, title) of a ①… sub-area section row, else None."""
    match = SUBAREA_RE.match(line)
    if not match or not match.group(2).strip():
        return None
    return CIRCLED_NUMBERS.index(match.group(1)) + 1, match.group(2).strip()
