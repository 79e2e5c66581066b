"""Identity, history and trends across four sheet years, checked against the fixture's own truth.

One ``python -m pipeline build`` for the module, from the real FY2022 text export and three years
derived from it (``derive_years(…, [2023, 2024, 2025], seed=3)``): FY2023 as a text export, FY2024
and FY2025 as PDFs (the A3 and the A4 layout). Every expected value is computed here from the
generated rows and their recorded identity (``DerivedYear.identity``, ``bureau_identity``,
``project_identity``, the change log), never from the warehouse; the warehouse is only read.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from statistics import mean

import duckdb
import pytest

from conftest import FY2022_TEXT, REPO, run_pipeline
from tests.year_fixtures import (
    ACHIEVEMENT, ADDED, DROPPED, KPI_LINE_RE, KPI_TARGET, MOVED_SUBAREA, RENAMED_BUREAU, RENAMED_INITIATIVE,
    DerivedYear, base_year, derive_years, kpi_value, write_year_files,
)

YEARS = [2023, 2024, 2025]
SEED = 3
CONTRIBUTION_SCORE = {"A": 1, "B": 2, "C": 3, "D": 4}


@pytest.fixture(scope="module")
def chain(fy2022_sheet) -> list[DerivedYear]:
    """FY2022 and the three derived years, in order, each with its truth."""
    return [base_year(fy2022_sheet), *derive_years(fy2022_sheet, YEARS, seed=SEED)]


@pytest.fixture(scope="module")
def warehouse(chain, tmp_path_factory):
    """The published warehouse of one build over the four years, opened read-only."""
    raw = tmp_path_factory.mktemp("raw_years")
    shutil.copy(FY2022_TEXT, raw / "fy2022_export.txt")
    by_year = {year.fiscal_year: year for year in chain}
    write_year_files([by_year[2023]], raw, kinds=("text",), seed=SEED)
    files = write_year_files([by_year[2024], by_year[2025]], raw, kinds=("pdf",), seed=SEED + 1)
    assert [(f.fiscal_year, f.kind) for f in files] == [(2024, "pdf"), (2025, "pdf")]  # A3, then A4
    home = tmp_path_factory.mktemp("dagster_home_history")
    (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    target = tmp_path_factory.mktemp("warehouse_history") / "kawasaki_policy.duckdb"
    run_pipeline("build", "--raw-dir", str(raw), "--warehouse", str(target), env={"DAGSTER_HOME": str(home)})
    con = duckdb.connect(str(target), read_only=True)
    yield con
    con.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.sql(sql).fetchall()


# --- the truth, restated per initiative ------------------------------------------------------------


def expected_keys(chain: list[DerivedYear]) -> dict[str, str]:
    """True initiative id → the key it must have: its number in the first year it appears."""
    keys: dict[str, str] = {}
    for year in chain:
        for initiative, number in sorted(year.numbers().items(), key=lambda item: item[1]):
            keys.setdefault(initiative, f"I{year.fiscal_year}-{number:03d}")
    return keys


def grades_by_initiative(year: DerivedYear) -> dict[str, list[tuple[int, str]]]:
    """True initiative id → its rows' (achievement, contribution), in sheet order."""
    grades: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in year.rows:
        grades[year.identity[row.initiative_no, row.sub_row]].append((row.achievement_code, row.contribution_code))
    return grades


def change_class(now: float, before: float) -> str:
    return "improved" if now < before else "worsened" if now > before else "unchanged"


def name_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def warehouse_keys(con) -> dict[tuple[int, int], str]:
    return {(year, no): key for year, no, key in rows(con, "select fiscal_year, initiative_no, initiative_key from marts.dim_initiative")}


# --- identity ------------------------------------------------------------------------------------


def test_every_year_is_built(warehouse, chain):
    assert dict(rows(warehouse, "select fiscal_year, count(*) from marts.fct_evaluation group by 1")) == {
        year.fiscal_year: len(year.rows) for year in chain
    }
    sources = dict(rows(warehouse, "select fiscal_year, any_value(source_page) is not null from marts.fct_evaluation group by 1"))
    assert sources == {2022: False, 2023: False, 2024: True, 2025: True}  # text, text, PDF, PDF


def test_every_initiative_keeps_its_key_across_years(warehouse, chain):
    found = warehouse_keys(warehouse)
    truth = expected_keys(chain)
    expected = {(year.fiscal_year, no): truth[initiative] for year in chain for (no, _), initiative in year.identity.items()}
    assert found == expected
    # and so: one key per true initiative, one true initiative per key
    assert len(set(found.values())) == len(truth)


def test_renumbered_renamed_and_moved_initiatives_are_matched_with_evidence(warehouse, chain):
    crosswalk = {
        (from_year, from_no): (status, rule, to_no, renumbered, renamed, moved, name_similarity)
        for from_year, from_no, status, rule, to_no, renumbered, renamed, moved, name_similarity in rows(warehouse, """
            select from_year, from_initiative_no, match_status, match_rule, to_initiative_no,
                   is_renumbered, is_renamed, is_moved, name_similarity
            from marts.mart_initiative_crosswalk where match_status = 'matched'
        """)
    }
    for previous, year in pairwise(chain):
        before, after = previous.numbers(), year.numbers()
        carried = set(before) & set(after)
        assert {key for key in crosswalk if key[0] == previous.fiscal_year} == {(previous.fiscal_year, before[i]) for i in carried}
        assert sum(before[i] != after[i] for i in carried) > 0
        for initiative in carried:
            status, rule, to_no, renumbered, renamed, moved, similarity = crosswalk[previous.fiscal_year, before[initiative]]
            assert (status, to_no, renumbered) == ("matched", after[initiative], before[initiative] != after[initiative])
            assert rule == ("similar_name" if renamed else "exact_name")
        for change in year.changes_of(RENAMED_INITIATIVE):
            _, rule, _, _, renamed, _, similarity = crosswalk[previous.fiscal_year, change.no_before]
            assert (rule, renamed) == ("similar_name", True) and 0.5 <= similarity < 1
        for change in year.changes_of(MOVED_SUBAREA):
            assert crosswalk[previous.fiscal_year, change.no_before][5] is True
    renamed_count = sum(1 for value in crosswalk.values() if value[4])
    assert renamed_count == sum(len(year.changes_of(RENAMED_INITIATIVE)) for year in chain)


def test_every_added_and_dropped_initiative_is_reported(warehouse, chain):
    found = defaultdict(set)
    for from_year, status, from_no, to_no, key in rows(warehouse, """
        select from_year, match_status, from_initiative_no, to_initiative_no, initiative_key
        from marts.mart_initiative_crosswalk where match_status <> 'matched'
    """):
        found[from_year].add((status, from_no, to_no, key))
    truth = expected_keys(chain)
    for previous, year in pairwise(chain):
        before, after = previous.numbers(), year.numbers()
        expected = {("dropped", before[i], None, truth[i]) for i in set(before) - set(after)}
        expected |= {("new", None, after[i], truth[i]) for i in set(after) - set(before)}
        assert found[previous.fiscal_year] == expected
        # the change log says the same
        assert {no for status, no, _, _ in expected if status == "dropped"} == {c.no_before for c in year.changes_of(DROPPED)}
        assert {no for status, _, no, _ in expected if status == "new"} == {c.no_after for c in year.changes_of(ADDED)}
        assert all(truth[c.initiative] == f"I{year.fiscal_year}-{c.no_after:03d}" for c in year.changes_of(ADDED))


def test_the_renamed_bureau_keeps_its_bureau_key(warehouse, chain):
    ((index, change),) = [(i, c) for i, year in enumerate(chain) for c in year.changes_of(RENAMED_BUREAU)]
    keys = {
        (year, name): key
        for year, name, key in rows(warehouse, "select distinct fiscal_year, bureau_name, bureau_key from marts.fct_evaluation")
    }
    old = {keys[y.fiscal_year, change.before] for y in chain[:index]}
    new = {keys[y.fiscal_year, change.after] for y in chain[index:]}
    assert old == new == {name_key(change.before)}  # the name it was first seen under
    names = rows(warehouse, f"select names_ja, first_fiscal_year, last_fiscal_year from marts.dim_bureau where bureau_key = '{name_key(change.before)}'")
    assert names == [([change.before, change.after], chain[0].fiscal_year, chain[-1].fiscal_year)]
    link = rows(warehouse, """
        select from_year, to_year, from_name, to_name from marts.mart_name_crosswalk
        where entity = 'bureau' and match_rule = 'renamed'
    """)
    assert link == [(chain[index - 1].fiscal_year, chain[index].fiscal_year, change.before, change.after)]


def test_bureau_keys_follow_the_true_bureaus(warehouse, chain):
    key_of = {(y, n, s): k for y, n, s, k in rows(warehouse, "select fiscal_year, initiative_no, sub_row, bureau_key from marts.fct_evaluation")}
    pairs = {(year.bureau_identity[key], key_of[year.fiscal_year, *key]) for year in chain for key in year.bureau_identity}
    assert len({truth for truth, _ in pairs}) == len({key for _, key in pairs}) == len(pairs)


def test_project_keys_follow_the_true_projects_but_merge_one_spelling_variant(warehouse, chain):
    """The fixture names a project by its exact spelling; FY2022 prints one project two ways
    (「音楽のまちづくりの推進事業」 and 「音楽のまちづくり推進事業」), which the warehouse takes as one."""
    key_of = {(y, n, s): k for y, n, s, k in rows(warehouse, "select fiscal_year, initiative_no, sub_row, project_key from marts.fct_evaluation")}
    truth_to_keys, key_to_truths, names = defaultdict(set), defaultdict(set), defaultdict(set)
    for year in chain:
        for row in year.rows:
            truth = year.project_identity[row.initiative_no, row.sub_row]
            key = key_of[year.fiscal_year, row.initiative_no, row.sub_row]
            truth_to_keys[truth].add(key)
            key_to_truths[key].add(truth)
            names[truth].add(row.project_name)
    assert all(len(keys) == 1 for keys in truth_to_keys.values())
    merged = [sorted(name for truth in truths for name in names[truth]) for truths in key_to_truths.values() if len(truths) > 1]
    assert merged == [["音楽のまちづくりの推進事業", "音楽のまちづくり推進事業"]]


# --- history -------------------------------------------------------------------------------------


def test_history_change_classes_agree_with_the_rows(warehouse, chain):
    truth = expected_keys(chain)
    expected = {}
    for index, year in enumerate(chain):
        grades = grades_by_initiative(year)
        previous = grades_by_initiative(chain[index - 1]) if index else {}
        for initiative, now in grades.items():
            achievement, contribution = mean(a for a, _ in now), mean(CONTRIBUTION_SCORE[c] for _, c in now)
            if not index:
                classes = (None, None)
            elif initiative not in previous:
                classes = ("new", "new")
            else:
                before = previous[initiative]
                classes = (
                    change_class(achievement, mean(a for a, _ in before)),
                    change_class(contribution, mean(CONTRIBUTION_SCORE[c] for _, c in before)),
                )
            expected[truth[initiative], year.fiscal_year] = (*classes, len(now), pytest.approx(achievement), max(a for a, _ in now))
        for initiative in set(previous) - set(grades):
            expected[truth[initiative], year.fiscal_year] = ("dropped", "dropped", None, None, None)
    found = {
        (key, year): (achievement, contribution, n, mean_grade, worst)
        for key, year, achievement, contribution, n, mean_grade, worst in rows(warehouse, """
            select initiative_key, fiscal_year, achievement_change, contribution_change, evaluation_rows,
                   mean_achievement_grade, worst_achievement_code
            from marts.mart_initiative_history
        """)
    }
    assert found == expected
    counts = defaultdict(int)
    for (_, year), (achievement, *_) in expected.items():
        counts[year, achievement] += 1
    assert counts[2023, "improved"] and counts[2023, "worsened"] and counts[2024, "dropped"] == 2


def test_history_follows_the_change_log(warehouse, chain):
    """Each initiative with a single logged achievement change that year moved the way the log says."""
    truth = expected_keys(chain)
    found = {(k, y): c for k, y, c in rows(warehouse, "select initiative_key, fiscal_year, achievement_change from marts.mart_initiative_history")}
    checked = 0
    for year in chain[1:]:
        logged = defaultdict(list)
        for change in year.changes_of(ACHIEVEMENT):
            logged[change.initiative].append(change)
        for initiative, changes in logged.items():
            if len(changes) == 1:
                assert found[truth[initiative], year.fiscal_year] == changes[0].direction
                checked += 1
    assert checked >= 15


def test_kpi_targets_stand_next_to_the_previous_years(warehouse, chain):
    truth = expected_keys(chain)
    history = {
        (key, year, metric): (previous, value, change)
        for key, year, metric, previous, value, change in rows(warehouse, """
            select initiative_key, fiscal_year, metric, previous_target_value, target_value, target_change
            from marts.mart_kpi_target_history
        """)
    }

    def value(line: str) -> float:
        return kpi_value(line) * (10_000 if KPI_LINE_RE.match(line).group("unit").startswith("万") else 1)

    for year in chain[1:]:
        changes = year.changes_of(KPI_TARGET)
        for change in changes:
            metric = KPI_LINE_RE.match(change.after).group("metric")
            assert history[truth[change.initiative], year.fiscal_year, metric] == (value(change.before), value(change.after), change.direction)
        moved = [k for k, (_, _, c) in history.items() if k[1] == year.fiscal_year and c in ("raised", "lowered", "redefined")]
        assert len(moved) == len(changes)
        added = {truth[c.initiative] for c in year.changes_of(ADDED)}
        new = {k[0] for k, (_, _, c) in history.items() if k[1] == year.fiscal_year and c == "new"}
        assert new == added  # every added initiative has a target line; nothing else is new
    summary = rows(warehouse, "select sum(kpi_targets_raised + kpi_targets_lowered) from marts.mart_initiative_history where fiscal_year > 2022")
    assert summary == [(sum(len(year.changes_of(KPI_TARGET)) for year in chain),)]


# --- trends --------------------------------------------------------------------------------------


def test_trend_agrees_with_an_independent_count(warehouse, chain):
    romans = ["I", "II", "III"]
    first_names = {}
    for year in chain:
        for key, bureau in year.bureau_identity.items():
            row_bureau = next(r.bureau for r in year.rows if (r.initiative_no, r.sub_row) == key)
            first_names.setdefault(bureau, name_key(row_bureau))
    groups: dict[tuple[int, str, str], list[tuple[int, str]]] = defaultdict(list)
    for year in chain:
        for row in year.rows:
            grades = (row.achievement_code, row.contribution_code)
            pillar = f"3-{romans['ⅠⅡⅢ'.index(row.pillar)]}"
            groups[year.fiscal_year, "plan", "all"].append(grades)
            groups[year.fiscal_year, "pillar", pillar].append(grades)
            groups[year.fiscal_year, "direction", f"{pillar}-{row.direction_no}"].append(grades)
            bureau = first_names[year.bureau_identity[row.initiative_no, row.sub_row]]
            groups[year.fiscal_year, "bureau", bureau].append(grades)

    def measures(grades):
        n = len(grades)
        return (
            n,
            sum(a <= 3 for a, _ in grades) / n,
            mean(a for a, _ in grades),
            sum(c == "A" for _, c in grades) / n,
        )

    expected = {}
    for (year, grouping, group), grades in groups.items():
        now = measures(grades)
        before = groups.get((year - 1, grouping, group))
        change = (now[1] - measures(before)[1], now[2] - measures(before)[2]) if before else (None, None)
        expected[year, grouping, group] = (*now, year - 1 if before else None, *change)
    found = {
        (year, grouping, group): (n, share, grade, contributing, previous, change_share, change_grade)
        for year, grouping, group, n, share, grade, contributing, previous, change_share, change_grade in rows(warehouse, """
            select fiscal_year, grouping, group_id, evaluation_rows, share_on_or_above_target, mean_achievement_grade,
                   share_contributing, previous_fiscal_year, change_share_on_or_above_target, change_mean_achievement_grade
            from marts.mart_attainment_trend
        """)
    }
    assert set(found) == set(expected)
    for key, value in expected.items():
        assert found[key] == pytest.approx(value, abs=1e-9), key
    # the renamed bureau is one group, compared with itself across the reorganisation
    ((index, change),) = [(i, c) for i, year in enumerate(chain) for c in year.changes_of(RENAMED_BUREAU)]
    renamed = found[chain[index].fiscal_year, "bureau", name_key(change.before)]
    assert renamed[4] == chain[index - 1].fiscal_year and renamed[5] is not None


def test_the_report_shows_each_bureaus_change_across_the_years(warehouse, chain, tmp_path):
    """The report's per-bureau table over the four years agrees with the trend mart (checked against
    the fixture above), with the renamed bureau as one row under its new name."""
    from pipeline.report import write_report

    ((path,),) = rows(warehouse, "select path from duckdb_databases() where database_name = current_database()")
    html = write_report(Path(path), tmp_path).path.read_text(encoding="utf-8")
    table = html.split('<table class="bureau-years">')[1].split("</table>")[0]
    found = dict(re.findall(r'<tr data-bureau="([^"]+)">(.*?)</tr>', table))
    trend = rows(warehouse, """
        select group_id, fiscal_year, evaluation_rows, share_on_or_above_target, change_share_on_or_above_target
        from marts.mart_attainment_trend where grouping = 'bureau'
    """)
    assert set(found) == {group for group, *_ in trend}
    for group, year, count, share, change in trend:
        cells = found[group]
        assert f'data-year="{year}">{share:.1%}<br><span class="en">{count} 行 rows</span></td>' in cells, (group, year)
        if year != chain[0].fiscal_year:
            shown = re.search(rf'<td class="num change[^"]*" data-year="{year}">([^<]*)</td>', cells).group(1)
            assert shown == ("—" if change is None else f"{change * 100:+.1f} pt"), (group, year)
    ((index, renamed),) = [(i, c) for i, year in enumerate(chain) for c in year.changes_of(RENAMED_BUREAU)]
    row = found[name_key(renamed.before)]  # the key is the bureau's first name
    assert row.startswith(f"<td>{renamed.after}<br>") or row.startswith(f"<td>{renamed.after}</td>")
    assert all(f'data-year="{year.fiscal_year}">' in row for year in chain)
    assert "前年差は2年目のシートから表示されます" not in html


def test_the_report_lists_the_initiatives_added_and_dropped_and_those_below_target_again(warehouse, chain):
    """The report's added and dropped initiatives, and its 「2年連続」 badge, are what the marts say, and
    agree with the fixture's truth: every initiative dropped, added and carried per year pair; a row
    below target whose initiative had a row below target the year before."""
    from pipeline.report import read_report_data

    ((path,),) = rows(warehouse, "select path from duckdb_databases() where database_name = current_database()")
    data = read_report_data(Path(path))
    truth = expected_keys(chain)
    for previous, year in pairwise(chain):
        before, after = previous.numbers(), year.numbers()
        expected = {("dropped", before[i], truth[i]) for i in set(before) - set(after)}
        expected |= {("added", after[i], truth[i]) for i in set(after) - set(before)}
        found = {(c.change, c.initiative_no, c.initiative_key) for c in data.changes if c.fiscal_year == year.fiscal_year}
        assert found == expected and all(c.previous_fiscal_year == previous.fiscal_year for c in data.changes
                                         if c.fiscal_year == year.fiscal_year)
        (pair,) = [p for p in data.year_pairs if p.fiscal_year == year.fiscal_year]
        assert (pair.previous_fiscal_year, pair.carried, pair.added, pair.dropped) == (
            previous.fiscal_year, len(set(before) & set(after)), len(set(after) - set(before)), len(set(before) - set(after)))
        below_before = {i for i, grades in grades_by_initiative(previous).items() if max(a for a, _ in grades) >= 4}
        for row in (r for r in data.below_target if r.fiscal_year == year.fiscal_year):
            initiative = year.identity[row.initiative_no, row.sub_row]
            assert row.below_previous_year == (initiative in below_before), (year.fiscal_year, row.initiative_no)
    assert [p.fiscal_year for p in data.year_pairs] == [year.fiscal_year for year in chain[1:]]
    assert any(r.below_previous_year for r in data.below_target)
