"""Years derived from the FY2022 rows: faithful sheets in both forms, every kind of change, and a truth
(identity and change log) that agrees with the rows themselves.

Everything expected here is computed from the generated rows and the change log, never from the
pipeline, so the multi-year marts can be checked against it."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from itertools import groupby, pairwise

import pypdfium2
import pytest

from pipeline.extract.layout import ACHIEVEMENT_LABELS, CONTRIBUTION_LABELS, compact
from pipeline.extract.pdf import read_pdf_sheet
from pipeline.extract.records import ROW_FIELDS
from pipeline.extract.text import parse_text_export, read_text_export
from tests.text_fixtures import Quirks, render_text_export
from tests.year_fixtures import (
    ACHIEVEMENT,
    ADDED,
    CHANGE_KINDS,
    CONTRIBUTION,
    DROPPED,
    KPI_LINE_RE,
    KPI_TARGET,
    MERGED,
    MERGED_BUREAU,
    MOVED_SUBAREA,
    PAUSED,
    RENAMED_BUREAU,
    RENAMED_INITIATIVE,
    RENAMED_PROJECT,
    RESTRUCTURE_KINDS,
    RETURNED,
    SPLIT,
    SPLIT_BUREAU,
    base_year,
    derive_years,
    write_year_files,
)

YEARS = [2023, 2024, 2025]
SEED = 3
RESTRUCTURED_YEARS = [2023, 2024]
RESTRUCTURED_SEED = 18
SHARED_FIELDS = ("initiative_no", "initiative_name", "description", "plan_fy", "pillar", "direction_no", "subarea_no")
TEXT_FIELDS = [name for name in ROW_FIELDS if name not in ("source_file", "source_page")]


def comparable(rows) -> list[dict]:
    return [{name: compact(v) if isinstance(v := getattr(row, name), str) else v for name in TEXT_FIELDS} for row in rows]


@pytest.fixture(scope="module")
def base(fy2022_sheet):
    return base_year(fy2022_sheet)


@pytest.fixture(scope="module")
def derived(fy2022_sheet):
    return derive_years(fy2022_sheet, YEARS, seed=SEED)


@pytest.fixture(scope="module")
def chain(base, derived):
    """FY2022 and the derived years, in order."""
    return [base, *derived]


@pytest.fixture(scope="module")
def restructured(base, fy2022_sheet):
    """FY2022 and two derived years that also go through a restructure."""
    return [base, *derive_years(fy2022_sheet, RESTRUCTURED_YEARS, seed=RESTRUCTURED_SEED, restructure=True)]


@pytest.fixture(scope="module", params=["chain", "restructured"])
def any_chain(request):
    """Each chain: the sheets' invariants and the truth hold for both."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def year_files(derived, tmp_path_factory):
    """Each year as a text export and a PDF (three PDFs in all), each read back once."""
    files = write_year_files(derived, tmp_path_factory.mktemp("years"), seed=SEED)
    readers = {"text": read_text_export, "pdf": read_pdf_sheet}
    return {(f.fiscal_year, f.kind): (f, readers[f.kind](f.path)) for f in files}


# --- the files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["text", "pdf"])
@pytest.mark.parametrize("year", YEARS)
def test_each_file_reads_back_to_the_generated_rows(derived, year_files, year, kind):
    generated = next(d for d in derived if d.fiscal_year == year)
    file, sheet = year_files[year, kind]
    assert (sheet.fiscal_year, compact(sheet.title)) == (year, compact(generated.title))
    assert comparable(sheet.rows) == comparable(generated.rows)
    assert comparable(file.expected) == comparable(generated.rows)
    assert {row.source_file for row in sheet.rows} == {file.path.name}


def test_file_names_do_not_give_the_year_away(year_files):
    names = [file.path.name for file, _ in year_files.values()]
    assert len(set(names)) == len(names) == 2 * len(YEARS)
    for name in names:
        assert not any(token in name for year in YEARS for token in (str(year), str(year)[2:], f"r{year - 2018:02d}"))
    by_name = sorted(year_files.values(), key=lambda pair: pair[0].path.name)
    assert [file.fiscal_year for file, _ in by_name] != sorted(file.fiscal_year for file, _ in by_name)


def test_pdfs_come_in_a3_and_a4(year_files):
    widths = set()
    for file, sheet in year_files.values():
        if file.kind == "pdf":
            pdf = pypdfium2.PdfDocument(file.path)
            widths.add(round(pdf[0].get_size()[0]))
            assert [row.source_page for row in sheet.rows] == [row.source_page for row in file.expected]
            pdf.close()
    assert widths == {1191, 842}  # A3 and A4 landscape, in points


# --- the sheets -----------------------------------------------------------------------------------


def test_every_kind_of_change_appears(derived):
    kinds = Counter(change.kind for year in derived for change in year.changes)
    assert set(kinds) == set(CHANGE_KINDS)
    directions = {(c.kind, c.direction) for year in derived for c in year.changes if c.kind in (ACHIEVEMENT, CONTRIBUTION)}
    assert directions == {(kind, way) for kind in (ACHIEVEMENT, CONTRIBUTION) for way in ("improved", "worsened")}
    for year in derived:  # the year-on-year changes every year has
        assert {DROPPED, ADDED, RENAMED_INITIATIVE, MOVED_SUBAREA, ACHIEVEMENT, CONTRIBUTION, KPI_TARGET} <= {
            c.kind for c in year.changes
        }
    # An added initiative with several (ward) rows.
    assert any(sub_row > 1 and year.identity[no, sub_row].startswith("N") for year in derived for no, sub_row in year.identity)


def test_every_restructure_happens_once_in_its_year(derived, restructured):
    found = Counter((c.fiscal_year, c.kind) for year in restructured[1:] for c in year.changes if c.kind in RESTRUCTURE_KINDS)
    first, second = RESTRUCTURED_YEARS
    assert found == {
        (first, PAUSED): 1,
        (first, MERGED): 1,
        (first, RENAMED_PROJECT): 1,
        (first, MERGED_BUREAU): 2,
        (second, RETURNED): 1,
        (second, SPLIT): 1,
        (second, SPLIT_BUREAU): 2,
    }
    assert set(CHANGE_KINDS) <= {c.kind for year in restructured[1:] for c in year.changes}  # beside the yearly changes
    assert not any(c.kind in RESTRUCTURE_KINDS for year in derived for c in year.changes)  # only when asked
    with pytest.raises(ValueError, match="two derived years"):
        derive_years(restructured[0].sheet(), [2023], seed=1, restructure=True)


def test_restructures_agree_with_the_rows(restructured):
    """What each restructure logs is what the rows show: the paused initiative gone for a year and back as
    it was; the merged one's rows, description and plan in the one it merged into, under that one's name;
    the split one's projects, description and plan shared between its two parts, the new part named after
    its first ● heading; the renamed project and the merged and split bureaus on exactly the rows they
    were on."""

    def initiatives(year):
        out = defaultdict(list)
        for row in year.rows:
            out[year.identity[row.initiative_no, row.sub_row]].append(row)
        return out

    years = {year.fiscal_year: initiatives(year) for year in restructured}
    for previous, year in pairwise(restructured):
        before, after = years[previous.fiscal_year], years[year.fiscal_year]
        for change in year.changes_of(PAUSED):
            assert change.initiative in before and change.initiative not in after
            (back,) = [c for later in restructured for c in later.changes_of(RETURNED) if c.initiative == change.initiative]
            assert back.fiscal_year > year.fiscal_year
            returned = years[back.fiscal_year][change.initiative]
            assert [(r.initiative_name, r.description, r.project_name, r.bureau) for r in returned] == [
                (r.initiative_name, r.description, r.project_name, r.bureau) for r in before[change.initiative]
            ]
        for change in year.changes_of(RETURNED):
            assert change.initiative not in before and change.initiative in after
        for change in year.changes_of(MERGED):
            whole, part, merged = before[change.counterpart], before[change.initiative], after[change.counterpart]
            assert change.initiative not in after and (change.before, change.after) == (
                part[0].initiative_name,
                whole[0].initiative_name,
            )
            assert [r.project_name for r in merged] == [r.project_name for r in whole + part]
            assert {r.initiative_name for r in merged} == {whole[0].initiative_name}
            assert merged[0].description == whole[0].description + "\n" + part[0].description
            assert len(merged[0].plan_fy.split("\n")) == len(whole[0].plan_fy.split("\n")) + len(part[0].plan_fy.split("\n"))
        for change in year.changes_of(SPLIT):
            whole, kept, part = before[change.counterpart], after[change.counterpart], after[change.initiative]
            assert change.initiative not in before and change.before == kept[0].initiative_name == whole[0].initiative_name
            assert sorted(r.project_name for r in kept + part) == sorted(r.project_name for r in whole)
            assert not {r.project_name for r in kept} & {r.project_name for r in part}
            assert part[0].initiative_name == change.after == part[0].plan_fy.split("\n")[0].removeprefix("●")
            assert compact(kept[0].description) in compact(whole[0].description)
            assert compact(part[0].description) in compact(whole[0].description)
            assert kept[0].plan_fy + "\n" + part[0].plan_fy == whole[0].plan_fy
        for change in year.changes_of(RENAMED_PROJECT):
            assert change.before not in {r.project_name for r in year.rows}
            assert {i for i, rows in before.items() if any(r.project_name == change.before for r in rows)} == {
                i for i, rows in after.items() if any(r.project_name == change.after for r in rows)
            }
        merges = year.changes_of(MERGED_BUREAU)
        if merges:
            (new,) = {c.after for c in merges}
            old = {c.before for c in merges}
            assert len(old) == 2 and not old & {r.bureau for r in year.rows}
            assert {i for i, rows in after.items() if any(r.bureau == new for r in rows)} == {
                i for i, rows in before.items() if any(r.bureau in old for r in rows)
            }
        splits = year.changes_of(SPLIT_BUREAU)
        if splits:
            old = {c.before for c in splits}
            assert len(old) == 1 and not old & {r.bureau for r in year.rows}
            taken = [{i for i, rows in after.items() if any(r.bureau == c.after for r in rows)} for c in splits]
            assert all(taken) and not taken[0] & taken[1]
            assert taken[0] | taken[1] == {i for i, rows in before.items() if any(r.bureau in old for r in rows)}


def test_every_sheet_keeps_the_documents_invariants(any_chain):
    chain = any_chain
    base_sections = [key for key, _ in groupby((r.pillar, r.direction_no, r.subarea_no) for r in chain[0].rows)]
    titles = {
        (r.pillar, r.direction_no, r.subarea_no): (r.pillar_title, r.direction_title, r.subarea_title) for r in chain[0].rows
    }
    for year in chain:
        rows = year.rows
        assert {row.fiscal_year for row in rows} == {year.fiscal_year}
        numbers = [no for no, _ in groupby(row.initiative_no for row in rows)]
        assert numbers == list(range(1, len(numbers) + 1))
        for _, group in groupby(rows, key=lambda r: r.initiative_no):
            group = list(group)
            assert [row.sub_row for row in group] == list(range(1, len(group) + 1))
            assert len({tuple(getattr(row, name) for name in SHARED_FIELDS) for row in group}) == 1
        # Sections in the base year's order, each once, none empty, titles unchanged.
        assert [key for key, _ in groupby((r.pillar, r.direction_no, r.subarea_no) for r in rows)] == base_sections
        assert all(
            titles[r.pillar, r.direction_no, r.subarea_no] == (r.pillar_title, r.direction_title, r.subarea_title) for r in rows
        )
        for row in rows:
            assert row.achievement_code in ACHIEVEMENT_LABELS and row.contribution_code in CONTRIBUTION_LABELS
            assert all(getattr(row, name) not in ("", None) for name in TEXT_FIELDS)


def test_identity_covers_every_row(any_chain):
    chain = any_chain
    for year in chain:
        keys = {(row.initiative_no, row.sub_row) for row in year.rows}
        for mapping in (year.identity, year.row_identity, year.project_identity, year.bureau_identity):
            assert set(mapping) == keys
        owners = {}
        for (number, _), initiative in year.identity.items():
            assert owners.setdefault(number, initiative) == initiative
        assert len(set(owners.values())) == len(owners)  # one id per initiative
        assert len(set(year.row_identity.values())) == len(keys)
        assert all(i[0] in "IN" for i in owners.values())
    assert all(chain[0].identity[key] == f"I{key[0]:03d}" for key in chain[0].identity)


def test_numbering_moves_with_drops_and_additions(chain):
    for previous, year in pairwise(chain):
        before, after = previous.numbers(), year.numbers()
        assert any(before[i] != after[i] for i in set(before) & set(after))
        for change in year.changes_of(ADDED):
            assert change.no_after < len(after)  # inserted mid-sheet, never appended
        for change in year.changes_of(DROPPED):
            assert change.no_before == before[change.initiative] and change.initiative not in after


def test_identity_agrees_with_the_change_log(any_chain):
    """Every difference between two years' rows, joined by true identity, is one the log states, and
    every logged change is there: the computation a crosswalk and history mart must reproduce. (What a
    merge or split did to the initiative that goes on: test_restructures_agree_with_the_rows.)"""
    for previous, year in pairwise(any_chain):
        log = year.changes
        before_ids, after_ids = set(previous.numbers()), set(year.numbers())
        assert before_ids - after_ids == {c.initiative for c in log if c.kind in (DROPPED, MERGED, PAUSED)}
        assert after_ids - before_ids == {c.initiative for c in log if c.kind in (ADDED, SPLIT, RETURNED)}
        restructured = {c.counterpart for c in log if c.kind in (MERGED, SPLIT)}
        old = {previous.row_identity[r.initiative_no, r.sub_row]: r for r in previous.rows}
        new = {year.row_identity[r.initiative_no, r.sub_row]: r for r in year.rows}
        common = {key for key in set(old) & set(new) if key.split("/")[0] not in restructured}
        assert common == {key for key in old if key.split("/")[0] in after_ids - restructured}
        renamed_bureaus = {c.before: c.after for c in log if c.kind == RENAMED_BUREAU}
        reorganised = defaultdict(set)  # a bureau merged or split: the names it went to
        for change in year.changes_of(MERGED_BUREAU) + year.changes_of(SPLIT_BUREAU):
            reorganised[change.before].add(change.after)
        renamed_projects = {c.before: c.after for c in log if c.kind == RENAMED_PROJECT}
        seen: Counter = Counter()
        for key in common:
            a, b = old[key], new[key]
            initiative, sub_row = key.split("/")[0], int(key.split("/")[1])
            for kind, name in ((ACHIEVEMENT, "achievement_code"), (CONTRIBUTION, "contribution_code")):
                if getattr(a, name) != getattr(b, name):
                    (change,) = [c for c in log if c.kind == kind and c.initiative == initiative and c.sub_row == sub_row]
                    assert (change.before, change.after) == (getattr(a, name), getattr(b, name))
                    seen[kind] += 1
            same_bureau = previous.bureau_identity[a.initiative_no, a.sub_row] == year.bureau_identity[b.initiative_no, b.sub_row]
            if a.bureau in reorganised:
                assert b.bureau in reorganised[a.bureau] and not same_bureau
            else:
                assert b.bureau == renamed_bureaus.get(a.bureau, a.bureau) and same_bureau
            assert previous.project_identity[a.initiative_no, a.sub_row] == year.project_identity[b.initiative_no, b.sub_row]
            assert b.project_name == renamed_projects.get(a.project_name, a.project_name)
            assert (a.policy_code, a.description) == (b.policy_code, b.description)
            if sub_row == 1:
                seen.update(_initiative_changes(a, b, initiative, log))
        for kind in (ACHIEVEMENT, CONTRIBUTION, RENAMED_INITIATIVE, MOVED_SUBAREA, KPI_TARGET):
            assert seen[kind] == len([c for c in year.changes_of(kind) if c.initiative not in restructured])


def _initiative_changes(a, b, initiative, log) -> Counter:
    seen: Counter = Counter()
    logged = {c.kind: c for c in log if c.initiative == initiative and c.kind in (RENAMED_INITIATIVE, MOVED_SUBAREA, KPI_TARGET)}
    if a.initiative_name != b.initiative_name:
        assert (logged[RENAMED_INITIATIVE].before, logged[RENAMED_INITIATIVE].after) == (a.initiative_name, b.initiative_name)
        seen[RENAMED_INITIATIVE] += 1
    if (a.pillar, a.direction_no, a.subarea_no) != (b.pillar, b.direction_no, b.subarea_no):
        change = logged[MOVED_SUBAREA]
        assert (change.before, change.after) == (
            f"{a.pillar}-{a.direction_no}-{a.subarea_no}",
            f"{b.pillar}-{b.direction_no}-{b.subarea_no}",
        )
        assert a.pillar == b.pillar
        seen[MOVED_SUBAREA] += 1
    if a.plan_fy != b.plan_fy:
        change = logged[KPI_TARGET]
        lines = list(zip(a.plan_fy.split("\n"), b.plan_fy.split("\n"), strict=True))
        assert {(x, y) for x, y in lines if x != y} == {(change.before, change.after)}
        seen[KPI_TARGET] += 1
    return seen


def test_kpi_targets_keep_their_line_format(derived):
    changes = [c for year in derived for c in year.changes_of(KPI_TARGET)]
    for change in changes:
        before, after = KPI_LINE_RE.match(change.before), KPI_LINE_RE.match(change.after)
        assert before and after and before.group("value") != after.group("value")
        assert [before.group(g) for g in ("metric", "prefix", "unit", "bound")] == [
            after.group(g) for g in ("metric", "prefix", "unit", "bound")
        ]
        assert ("," in before.group("value")) == ("," in after.group("value"))
    assert {c.direction for c in changes} <= {"raised", "lowered"} and "raised" in {c.direction for c in changes}


def test_bureau_rename_holds_from_its_year_on(chain):
    ((year_index, change),) = [(i, c) for i, year in enumerate(chain) for c in year.changes_of(RENAMED_BUREAU)]
    before_ids = {
        chain[year_index - 1].bureau_identity[r.initiative_no, r.sub_row]
        for r in chain[year_index - 1].rows
        if r.bureau == change.before
    }
    assert len(before_ids) == 1
    for year in chain[year_index:]:
        assert change.before not in {row.bureau for row in year.rows}
        renamed = {year.bureau_identity[r.initiative_no, r.sub_row] for r in year.rows if r.bureau == change.after}
        assert renamed == before_ids


def test_added_initiatives_are_complete(derived):
    for year in derived:
        for change in year.changes_of(ADDED):
            rows = [r for r in year.rows if r.initiative_no == change.no_after]
            assert rows and rows[0].initiative_name == change.after and change.initiative.startswith("N")
            assert any(KPI_LINE_RE.match(line) for line in rows[0].plan_fy.split("\n"))
            assert all(year.project_identity[r.initiative_no, r.sub_row] for r in rows)


def test_the_same_seed_gives_the_same_years(fy2022_sheet, derived):
    assert derive_years(fy2022_sheet, YEARS, seed=SEED) == derived
    assert derive_years(fy2022_sheet, YEARS, seed=SEED + 1) != derived


# --- text-reader problems these fixtures found (fixed; each reproduced from the FY2022 rows alone) ---


def test_text_reader_keeps_unnumbered_merged_cells_with_their_rows(fy2022_sheet):
    # No merged cell carries its number; render seed 2 prints 84's (six ward rows) at the page end and
    # 85's 「子育てサロンの開催」 straight after 85's rows. A derived year met it with default quirks.
    quirks = Quirks(merged_number_missing=1.0, rows_per_page=(8, 14))
    text = render_text_export(list(fy2022_sheet.rows), seed=2, quirks=quirks)
    assert comparable(parse_text_export(text, "unnumbered_merged.txt").rows) == comparable(fy2022_sheet.rows)


def test_text_reader_reads_a_multi_row_initiative_that_opens_a_sub_area(fy2022_sheet):
    # FY2022 without initiatives 82 and 83, so the two-row 「子育てサロンの開催」 opens ④子育て支援.
    rows = [
        replace(row, initiative_no=row.initiative_no - 2 if row.initiative_no > 83 else row.initiative_no)
        for row in fy2022_sheet.rows
        if row.initiative_no not in (82, 83)
    ]
    assert comparable(parse_text_export(render_text_export(rows, seed=1), "opens_sub_area.txt").rows) == comparable(rows)


def test_text_reader_tells_a_stray_number_from_the_next_rows_number(fy2022_sheet):
    quirks = Quirks(number_missing=1.0, merged_at_page_end=1.0, merged_number_missing=0.0)
    text = render_text_export(list(fy2022_sheet.rows), seed=5, quirks=quirks)  # 「76」 is printed after 77
    assert comparable(parse_text_export(text, "stray_number.txt").rows) == comparable(fy2022_sheet.rows)
