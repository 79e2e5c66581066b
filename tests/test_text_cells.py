"""Text cells that look like other cells of the sheet: a one-word future direction, numbered and
circled lists, grades printed as no label, a sub-area left out. Each variant is rendered from the
FY2022 rows with text_fixtures and must read back to the rows it was made from."""

from dataclasses import replace

import pytest
import text_fixtures
from text_fixtures import WIDTHS, Quirks, render_text_export, wrap

from pipeline.extract import layout
from pipeline.extract.records import SheetError
from pipeline.extract.text import parse_text_export


def comparable(rows):
    return [
        {k: layout.compact(v) if isinstance(v, str) else v for k, v in r.to_dict().items() if not k.startswith("source_")}
        for r in rows
    ]


def single_row(rows, index=9):
    """A single-row initiative's row, some way into the sheet."""
    counts = {}
    for r in rows:
        counts[r.initiative_no] = counts.get(r.initiative_no, 0) + 1
    return [r for r in rows if counts[r.initiative_no] == 1][index]


def multi_row(rows):
    """The second row of the last initiative with more than one row."""
    return [r for r in rows if r.sub_row == 2][-1]


def with_fields(rows, target, **fields):
    return [replace(r, **fields) if r is target else r for r in rows]


def reads_back(rows, seed=0):
    sheet = parse_text_export(render_text_export(rows, seed=seed), "variant.txt")
    assert not sheet.problems
    assert comparable(sheet.rows) == comparable(rows)


@pytest.mark.parametrize("future", ["継続", "拡充"])
def test_a_one_word_future_direction_is_not_read_into_the_bureau(fy2022_sheet, future):
    rows = list(fy2022_sheet.rows)
    reads_back(with_fields(rows, single_row(rows), future_direction=future))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("results", "１．研修を実施しました。\n２．交流会を開催しました。"),
        ("plan_fy", "１．研修の実施\n２．交流会の開催"),
        ("reason", "１．計画どおり実施しました。\n２．参加者が増えました。"),
    ],
)
def test_a_numbered_list_in_a_text_cell_is_no_grade(fy2022_sheet, field, value):
    rows = list(fy2022_sheet.rows)
    reads_back(with_fields(rows, single_row(rows), **{field: value}))


@pytest.mark.parametrize(("kind", "printed"), [("達成度", "－"), ("達成度", "未評価"), ("貢献度", "－")])
def test_a_grade_printed_as_no_label_quarantines_its_row_only(fy2022_sheet, monkeypatch, kind, printed):
    rows = list(fy2022_sheet.rows)
    target = single_row(rows)
    if kind == "達成度":
        label = text_fixtures.achievement_label
        monkeypatch.setattr(text_fixtures, "achievement_label", lambda code: printed if code == 0 else label(code))
        rows = with_fields(rows, target, achievement_code=0)
    else:
        label = text_fixtures.contribution_label
        monkeypatch.setattr(text_fixtures, "contribution_label", lambda code: printed if code == "Z" else label(code))
        rows = with_fields(rows, target, contribution_code="Z")
    sheet = parse_text_export(render_text_export(rows, seed=0), "variant.txt")
    (problem,) = sheet.problems
    assert problem.row == f"No. {target.initiative_no} (1)"
    assert f"unknown {kind} grade 「{layout.compact(printed)}」" in problem.reason
    assert problem.fields["project_name"] == target.project_name
    others = [r for r in fy2022_sheet.rows if r is not target]
    assert comparable(sheet.rows) == comparable(others)


def test_a_circled_list_in_a_merged_cell_is_no_section_row(fy2022_sheet):
    """The list's item numbered as the next sub-area would be, inside a multi-row initiative's plan
    (printed as a stray block, away from its rows)."""
    rows = list(fy2022_sheet.rows)
    second = multi_row(rows)
    following = layout.CIRCLED_NUMBERS[second.subarea_no]
    plan = f"①研修の実施\n・事業実施\n{following}交流会の開催\n・事業実施"
    reads_back([replace(r, plan_fy=plan) if r.initiative_no == second.initiative_no else r for r in rows])


def test_a_circled_list_starting_a_merged_cell_line_is_no_section_row(fy2022_sheet):
    rows = list(fy2022_sheet.rows)
    second = multi_row(rows)
    items = layout.CIRCLED_NUMBERS[: second.subarea_no + 2]
    plan = "\n".join(f"{mark}事業の実施\n・相談事業の実施" for mark in items)
    reads_back([replace(r, plan_fy=plan) if r.initiative_no == second.initiative_no else r for r in rows])


def renumbered(rows):
    out, numbers = [], {}
    for r in rows:
        numbers.setdefault(r.initiative_no, len(numbers) + 1)
        out.append(replace(r, initiative_no=numbers[r.initiative_no]))
    return out


def test_a_sub_area_without_initiatives_that_year_is_left_out(fy2022_sheet):
    """① then ③: the sheet prints no row for a sub-area with no initiatives."""
    rows = list(fy2022_sheet.rows)
    directions = {(r.pillar, r.direction_no) for r in rows if r.subarea_no == 3}
    pillar, direction = min(directions)
    kept = [r for r in rows if (r.pillar, r.direction_no, r.subarea_no) != (pillar, direction, 2)]
    assert len(kept) < len(rows)
    reads_back(renumbered(kept))


def test_a_row_with_both_grades_printed_as_no_label_is_quarantined(fy2022_sheet, monkeypatch):
    rows = list(fy2022_sheet.rows)
    target = multi_row(rows)
    achievement, contribution = text_fixtures.achievement_label, text_fixtures.contribution_label
    monkeypatch.setattr(text_fixtures, "achievement_label", lambda code: "－" if code == 0 else achievement(code))
    monkeypatch.setattr(text_fixtures, "contribution_label", lambda code: "－" if code == "Z" else contribution(code))
    rows = with_fields(rows, target, achievement_code=0, contribution_code="Z")
    sheet = parse_text_export(render_text_export(rows, seed=0), "variant.txt")
    (problem,) = sheet.problems
    assert problem.row == f"No. {target.initiative_no} ({target.sub_row})" and "unknown 達成度 grade" in problem.reason
    assert "unknown 貢献度 grade" in problem.reason and problem.fields["bureau"] == target.bureau
    assert comparable(sheet.rows) == comparable([r for r in fy2022_sheet.rows if r is not target])


def test_a_missing_grade_with_two_cells_that_may_be_it_is_refused(fy2022_sheet, monkeypatch):
    """「－」 as the 達成度 and as the results: which is the grade cannot be told, so no row is guessed."""
    rows = list(fy2022_sheet.rows)
    label = text_fixtures.achievement_label
    monkeypatch.setattr(text_fixtures, "achievement_label", lambda code: "－" if code == 0 else label(code))
    rows = with_fields(rows, single_row(rows), achievement_code=0, results="－")
    with pytest.raises(
        SheetError, match=r"^variant\.txt, row at line \d+: a 貢献度 grade without a 達成度 grade before it but 2 cells"
    ):
        parse_text_export(render_text_export(rows, seed=0), "variant.txt")


# A blank line inside a text cell (the real export has them inside 事務事業名 and a grade label).
PLAIN = Quirks(shared_line=0, blank_inside_cell=0, number_on_name_line=0, number_leading_space=0, number_missing=0)


def with_blank_line(text, cell, after):
    """The export with a blank line after the first ``after`` lines of the (unique) cell printed so."""
    printed = "\n".join(cell)
    assert text.count(f"\n{printed}\n") == 1
    return text.replace(f"\n{printed}\n", "\n" + "\n".join([*cell[:after], "", *cell[after:]]) + "\n")


def test_a_blank_line_inside_the_reason_keeps_it_one_cell(fy2022_sheet):
    rows = list(fy2022_sheet.rows)
    target = next(r for r in rows if len(wrap(r.reason, WIDTHS["reason"])) > 3)
    cell = wrap(target.reason, WIDTHS["reason"])
    text = with_blank_line(render_text_export(rows, seed=0, quirks=PLAIN), cell, 2)
    assert comparable(parse_text_export(text, "variant.txt").rows) == comparable(rows)


def test_a_blank_line_after_a_sentence_of_the_reason_is_refused(fy2022_sheet):
    """Either block after the reason's first may start the future direction: no guess."""
    rows = list(fy2022_sheet.rows)
    target = single_row(rows)
    rows = with_fields(rows, target, reason="計画どおり実施しました。\n参加者が増えました。")
    text = with_blank_line(
        render_text_export(rows, seed=0, quirks=PLAIN), ["計画どおり実施しました。", "参加者が増えました。"], 1
    )
    with pytest.raises(SheetError, match=r"^variant\.txt, row at line \d+: cannot tell where its 評価の理由 ends"):
        parse_text_export(text, "variant.txt")


@pytest.mark.parametrize(
    "name",
    [
        "国際交流推進事業の実施",  # 「国際交流推進事業」 / 「の実施」: too short a line to wrap on after a blank
        "国際交流推進のフォーラム",  # 「国際交流推進のフ」 / 「ォーラム」: no line starts with 「ォ」
    ],
)
def test_a_blank_line_inside_the_name_keeps_it_one_cell(fy2022_sheet, name):
    rows = list(fy2022_sheet.rows)
    target = single_row(rows)
    rows = with_fields(rows, target, initiative_name=name)
    cell = [str(target.initiative_no), *wrap(name, WIDTHS["name"])]
    text = with_blank_line(render_text_export(rows, seed=0, quirks=PLAIN), cell, 2)
    assert comparable(parse_text_export(text, "variant.txt").rows) == comparable(rows)
