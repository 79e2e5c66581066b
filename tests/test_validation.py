from dataclasses import replace

from pipeline.extract.records import RowProblem
from pipeline.extract.validation import validate


def test_the_fy2022_sheet_passes(fy2022_sheet):
    checked = validate(fy2022_sheet)
    assert checked.problems == () and len(checked.rows) == 127


def test_a_row_missing_its_bureau_is_quarantined(fy2022_sheet):
    rows = list(fy2022_sheet.rows)
    rows[3] = replace(rows[3], bureau="")
    checked = validate(replace(fy2022_sheet, rows=tuple(rows)))
    assert len(checked.rows) == 126
    (problem,) = checked.problems
    assert problem.row == "No. 4 (1)" and problem.reason == "missing bureau"
    assert problem.fields["initiative_name"] == rows[3].initiative_name


def test_missing_initiatives_and_sub_rows_are_reported(fy2022_sheet):
    rows = [r for r in fy2022_sheet.rows if r.initiative_no not in (7, 8) and (r.initiative_no, r.sub_row) != (61, 3)]
    checked = validate(replace(fy2022_sheet, rows=tuple(rows)))
    reasons = [p.reason for p in checked.problems]
    assert "initiative numbers missing from the sheet: 7–8" in reasons
    assert "sub-rows numbered [1, 2, 4, 5, 6, 7], not 1–6" in reasons


def test_rows_quarantined_by_the_reader_count_for_numbering(fy2022_sheet):
    rows = list(fy2022_sheet.rows)
    problem = RowProblem(rows[0].source_file, None, "No. 1 (1)", "unknown grade", rows[0].to_dict())
    checked = validate(replace(fy2022_sheet, rows=tuple(rows[1:]), problems=(problem,)))
    assert checked.problems == (problem,)
