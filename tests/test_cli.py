"""``python -m pipeline extract`` as a user runs it."""

import json

from conftest import FY2022_TEXT, run_pipeline

KEYS = [
    "fiscal_year",
    "initiative_no",
    "sub_row",
    "pillar",
    "pillar_title",
    "direction_no",
    "direction_title",
    "subarea_no",
    "subarea_title",
    "initiative_name",
    "project_name",
    "policy_code",
    "description",
    "plan_fy",
    "achievement_code",
    "results",
    "contribution_code",
    "reason",
    "future_direction",
    "bureau",
    "source_file",
    "source_page",
]


def test_extract_prints_json_lines():
    result = run_pipeline("extract", str(FY2022_TEXT))
    lines = result.stdout.splitlines()
    assert len(lines) == 127
    rows = [json.loads(line) for line in lines]
    assert all(list(row) == KEYS for row in rows)
    first = rows[0]
    assert first["initiative_no"] == 1 and first["sub_row"] == 1 and first["fiscal_year"] == 2022
    assert first["policy_code"] == "4-4-1" and first["achievement_code"] == 3 and first["contribution_code"] == "A"
    assert first["source_page"] is None
    assert "国際戦略拠点活性化推進事業" in lines[0]  # UTF-8, not \u escapes


def test_unreadable_input_exits_non_zero_with_one_line(tmp_path):
    bad = tmp_path / "minutes.txt"
    bad.write_text("議事録\n本日の議題\n", encoding="utf-8")
    result = run_pipeline("extract", str(bad), check=False)
    assert result.returncode != 0
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "minutes.txt" in line and "no sheet title" in line


def test_missing_file(tmp_path):
    result = run_pipeline("extract", str(tmp_path / "nowhere.pdf"), check=False)
    assert result.returncode != 0
    assert "nowhere.pdf" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def _sheet_with(tmp_path, old: str, new: str):
    text = FY2022_TEXT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "edited.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_sheet_the_build_would_quarantine_prints_no_rows_but_the_reasons(tmp_path):
    # An unknown grade label: the build quarantines the row, so extract prints nothing.
    result = run_pipeline("extract", str(_sheet_with(tmp_path, "４．目標を下回っ\nた", "４．概ね目標を下回っ\nた")), check=False)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert any("edited.txt, No. 4 (1)" in line and "unknown" in line and "概ね目標を下回った" in line for line in lines)
    assert "a build would not load this sheet whole" in lines[-1]


def test_a_numbering_gap_is_reported_by_extract(tmp_path, fy2022_sheet):
    # A PDF that lacks initiative 5, as if a reader had lost its row.
    from dataclasses import replace

    from pdf_fixtures import write_sheet_pdf

    path = tmp_path / "gap.pdf"
    write_sheet_pdf(path, replace(fy2022_sheet, rows=tuple(r for r in fy2022_sheet.rows if r.initiative_no != 5)))
    result = run_pipeline("extract", str(path), check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert "error: gap.pdf: initiative numbers missing from the sheet: 5" in result.stderr
