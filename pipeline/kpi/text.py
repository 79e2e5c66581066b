"""Text the KPI grammar reads: NFKC with a map back to the printed text, numbers, units, synonyms.

The grammar matches on NFKC text (full-width digits and punctuation, half-width kana, Kangxi radicals
folded) but returns the wording as printed, so every normalised string keeps, for each of its
characters, the position of the printed character it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

# List marks the sheet prints (●, ∘, ①…). NFKC would turn the circled numbers into digits, which would
# make 「③臨海部…の実施（見学会回数：5回）」 begin with a number; they are kept as printed.
CIRCLED_NUMBERS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
BULLETS = "・●○〇◯∘◎■□◆◇※▪" + CIRCLED_NUMBERS
_KEPT = frozenset(CIRCLED_NUMBERS)


@dataclass(frozen=True)
class Folded:
    """A printed text and its NFKC form, character by character: ``origin[i]`` is where in ``printed``
    the normalised character ``norm[i]`` comes from (``origin[len(norm)] == len(printed)``)."""

    printed: str
    norm: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, printed: str) -> Folded:
        norm: list[str] = []
        origin: list[int] = []
        for i, char in enumerate(printed):
            folded = char if char in _KEPT else unicodedata.normalize("NFKC", char)
            norm.append(folded)
            origin.extend([i] * len(folded))
        origin.append(len(printed))
        return cls(printed, "".join(norm), tuple(origin))

    def __len__(self) -> int:
        return len(self.norm)

    def printed_span(self, start: int, end: int) -> str:
        """The printed text of the normalised span [start, end)."""
        return self.printed[self.origin[start] : self.origin[end]] if end > start else ""

    def slice(self, start: int, end: int) -> Folded:
        base = self.origin[start]
        stop = self.origin[end]
        return Folded(
            self.printed[base:stop], self.norm[start:end], (*tuple(o - base for o in self.origin[start:end]), stop - base)
        )

    def strip(self) -> Folded:
        start, end = 0, len(self.norm)
        while start < end and self.norm[start].isspace():
            start += 1
        while end > start and self.norm[end - 1].isspace():
            end -= 1
        return self.slice(start, end)

    def __add__(self, other: Folded) -> Folded:
        shift = len(self.printed)
        return Folded(
            self.printed + other.printed, self.norm + other.norm, self.origin[:-1] + tuple(o + shift for o in other.origin)
        )


def nfkc(text: str) -> str:
    """NFKC as the grammar sees it (list marks kept)."""
    return Folded.of(text).norm


def match_key(text: str) -> str:
    """A key for matching metrics: NFKC, no white space, lower case, every bracket as ( ) — the same
    as the SQL macro ``match_key`` gives names."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFC", nfkc(text))).lower()
    return key.translate(str.maketrans("【】[]〔〕〈〉", "()()()()"))


# --- numbers --------------------------------------------------------------------------------------

# A number as the sheet writes it, on NFKC text: thousands separators, a decimal point, and the
# multipliers 億/万/千 in descending order, alone (「1.7万」) or compounded (「7億200万」, 「3万7,000」).
_DIGITS = r"[0-9][0-9,]*(?:\.[0-9]+)?"
NUMBER = rf"(?:{_DIGITS}億(?:{_DIGITS}万)?(?:{_DIGITS})?|{_DIGITS}万(?:{_DIGITS}千|{_DIGITS}(?![0-9.,]))?|{_DIGITS}千|{_DIGITS})"
_MULTIPLIERS = {"億": 100_000_000, "万": 10_000, "千": 1_000}


def parse_number(text: str) -> float:
    """「1,913万」 → 19130000, 「7億200万」 → 702000000, 「3万7,000」 → 37000, 「5.6」 → 5.6."""
    total = 0.0
    for digits, multiplier in re.findall(r"([0-9][0-9,]*(?:\.[0-9]+)?)([億万千]?)", text):
        total += float(digits.replace(",", "")) * _MULTIPLIERS.get(multiplier, 1)
    return total


# --- units and synonyms -----------------------------------------------------------------------------

# Counters that measure the same kind of thing, and are written for one another (a 回 target answered
# in 件, participants counted in 名, companies as 社 or 事業者).
UNIT_CLASSES: tuple[frozenset[str], ...] = (
    frozenset({"件", "回"}),
    frozenset({"人", "名"}),
    frozenset({"社", "事業者", "者"}),
)

# Counters a figure may carry, longest first; a figure's unit is the longest that begins the text after
# its number. A unit outside the list is still read (any 1–3 kanji or katakana, or Latin letters) but
# only ever matches a target of exactly that unit.
COUNTERS = (
    "事業者",
    "事業所",
    "か所",
    "ヶ所",
    "箇所",
    "か月",
    "ヶ月",
    "か国",
    "ヶ国",
    "団体",
    "言語",
    "施設",
    "店舗",
    "拠点",
    "作品",
    "公演",
    "種類",
    "機関",
    "世帯",
    "事業",
    "企業",
    "時間",
    "品目",
    "件",
    "回",
    "人",
    "名",
    "社",
    "者",
    "校",
    "部",
    "円",
    "台",
    "本",
    "冊",
    "枚",
    "点",
    "組",
    "戸",
    "国",
    "日",
    "週",
    "月",
    "年",
    "分",
    "倍",
    "%",
)


def units_compatible(target_unit: str, figure_unit: str) -> bool:
    """Whether a figure in ``figure_unit`` can be the actual of a target in ``target_unit``: the same
    counter, counters of one class, or a compound such as 「事業者・団体」 naming the target's."""
    for part in figure_unit.split("・"):
        if part == target_unit or any(target_unit in units and part in units for units in UNIT_CLASSES):
            return True
    return False


# Words for the same measure: people who took part are counted as participants, visitors or
# entrants (参加者/来場者/入場者), a museum's as 入館者/来館者. Each group is replaced by its first word
# before texts are compared; the bare verbs (参加, 来場) stand for the people.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("参加者", "来場者", "入場者", "参加人数", "来場", "入場", "参加"),
    ("入館者", "来館者", "入館", "来館"),
    ("企業", "事業者"),
)
_SYNONYM_RE = re.compile("|".join(sorted((w for group in SYNONYMS for w in group), key=len, reverse=True)))
_CANONICAL = {word: group[0] for group in SYNONYMS for word in group}


def canonical(text: str) -> str:
    """Text compared by meaning: NFKC, no white space, lower case, synonyms replaced by their group's word."""
    return _SYNONYM_RE.sub(lambda m: _CANONICAL[m.group(0)], re.sub(r"\s+", "", nfkc(text)).lower())


def bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) if len(text) > 1 else frozenset(text)


def containment(needle: str, haystack: str) -> float:
    """Share (0–1) of the character bigrams of ``needle`` that occur in ``haystack``, both compared by
    meaning (``canonical``); 0 for an empty needle."""
    wanted = bigrams(canonical(needle))
    if not wanted:
        return 0.0
    return len(wanted & bigrams(canonical(haystack))) / len(wanted)


@dataclass(frozen=True)
class Metric:
    """A target's metric as the matcher compares it: the measured thing without the measure word."""

    text: str

    @cached_property
    def core(self) -> str:
        """「マッチング数」 → マッチング, 「相談件数」 → 相談, 「小学生教室の実施」 → 小学生教室; a rate (率) keeps its word."""
        core = re.sub(r"\s+", "", nfkc(self.text))
        core = re.sub(r"(?:の(?:実施|開催))$", "", core)
        stripped = re.sub(r"(?:件数|回数|人数|数)$", "", core)
        return stripped or core
