"""Random and mutated input: the readers only ever return rows or raise a clean SheetError."""

import random

from conftest import FY2022_TEXT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract.records import SheetError
from pipeline.extract.text import parse_text_export

LINES = FY2022_TEXT.read_text(encoding="utf-8").split("\n")
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def outcome(text: str):
    try:
        sheet = parse_text_export(text, "fuzzed.txt")
    except SheetError as error:
        assert str(error).startswith("fuzzed.txt")
        return None
    for row in sheet.rows:
        assert row.initiative_no >= 1 and row.sub_row >= 1
        assert row.achievement_code in range(1, 6) and row.contribution_code in "ABCD"
    return sheet


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text(text):
    outcome(text)


@FUZZ
@given(st.lists(st.sampled_from(LINES[:400]), max_size=200))
def test_sheet_lines_in_any_order(lines):
    outcome("\n".join([LINES[1], *lines]))


@FUZZ
@given(st.integers(0, 2**32 - 1), st.sampled_from(["delete", "duplicate", "swap", "blank", "truncate", "garble"]))
def test_mutated_sheet(seed, mutation):
    rng = random.Random(seed)
    lines = list(LINES)
    for _ in range(rng.randint(1, 25)):
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        if mutation == "delete":
            del lines[i]
        elif mutation == "duplicate":
            lines.insert(j, lines[i])
        elif mutation == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif mutation == "blank":
            lines.insert(i, "")
        elif mutation == "truncate":
            lines = lines[: max(1, i)]
            break
        else:
            lines[i] = "".join(rng.sample(lines[i], len(lines[i])))
    outcome("\n".join(lines))
