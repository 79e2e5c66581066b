"""Identity, history and trends across sheet years, checked against the fixture's own truth.

Two ``python -m pipeline build``s for the module, each from the real FY2022 text export and years
derived from it: the four-year build (``derive_years(…, [2023, 2024, 2025], seed=3)``: FY2023 as a text
export, FY2024 and FY2025 as PDFs, the A3 and the A4 layout) and the restructured build
(``derive_years(…, [2023, 2024], seed=18, restructure=True)``, text exports: a gap year, two initiatives
merged into one, one split in two, a renamed project, two bureaus merged into one and one split in two). Tests that take ``build`` run on
both. Every expected value is computed here from the generated rows and their recorded identity
(``DerivedYear.identity``, ``bureau_identity``, ``project_identity``, the change log), never from the
warehouse; the warehouse is only read.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from statistics import mean

import duckdb
import pytest
from conftest import FY2022_TEXT, REPO, run_pipeline

from tests.year_fixtures import (
    ACHIEVEMENT,
    ADDED,
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
    RETURNED,
    SPLIT,
    SPLIT_BUREAU,
    DerivedYear,
    base_year,
    derive_years,
    kpi_value,
    write_year_files,
)

YEARS = [2023, 2024, 2025]
SEED = 3
RESTRUCTURED_YEARS = [2023, 2024]
RESTRUCTURED_SEED = 18
CONTRIBUTION_SCORE = {"A": 1, "B": 2, "C": 3, "D": 4}


def published_build(raw: Path, tmp_path_factory, name: str) -> duckdb.DuckDBPyConnection:
    """``python -m pipeline build`` of ``raw`` into a fresh warehouse and Dagster instance, opened read-only."""
    home = tmp_path_factory.mktemp(f"dagster_home_{name}")
    (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    target = tmp_path_factory.mktemp(f"warehouse_{name}") / "kawasaki_policy.duckdb"
    run_pipeline("build", "--raw-dir", str(raw), "--warehouse", str(target), env={"DAGSTER_HOME": str(home)})
    return duckdb.connect(str(target), read_only=True)


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
    con = published_build(raw, tmp_path_factory, "history")
    yield con
    con.close()


@pytest.fixture(scope="module")
def restructured_chain(fy2022_sheet) -> list[DerivedYear]:
    """FY2022 and two years restructured, in order, each with its truth."""
    return [base_year(fy2022_sheet), *derive_years(fy2022_sheet, RESTRUCTURED_YEARS, seed=RESTRUCTURED_SEED, restructure=True)]


@pytest.fixture(scope="module")
def restructured_warehouse(restructured_chain, tmp_path_factory):
    """The published warehouse of one build over the restructured years (text exports), read-only."""
    raw = tmp_path_factory.mktemp("raw_restructured")
    shutil.copy(FY2022_TEXT, raw / "fy2022_export.txt")
    write_year_files(restructured_chain[1:], raw, kinds=("text",), seed=RESTRUCTURED_SEED)
    con = published_build(raw, tmp_path_factory, "restructured")
    yield con
    con.close()


@pytest.fixture(scope="module", params=["four_years", "restructured"])
def build(request) -> tuple[duckdb.DuckDBPyConnection, list[DerivedYear]]:
    """Each build with its chain: the tests that take it hold for both."""
    if request.param == "four_years":
        return request.getfixturevalue("warehouse"), request.getfixturevalue("chain")
    return request.getfixturevalue("restructured_warehouse"), request.getfixturevalue("restructured_chain")


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
    return {
        (year, no): key
        for year, no, key in rows(con, "select fiscal_year, initiative_no, initiative_key from marts.dim_initiative")
    }


@dataclass(frozen=True)
class Link:
    """A link between two initiatives of the truth: from one year's initiative to a later year's."""

    from_year: int
    from_id: str
    to_year: int
    to_id: str
    kind: str  # continued, returned, merged_into, split_from
    carries_key: bool


def expected_links(chain: list[DerivedYear]) -> list[Link]:
    """Every link the crosswalk must hold, from the truth: an initiative in two consecutive years; one
    back after a gap year, from the year it was last printed; and in a merge (split) every initiative
    into (out of) the one that goes on — merged_into (split_from), the one that goes on carrying its key."""
    links: list[Link] = []
    last_seen = {initiative: chain[0].fiscal_year for initiative in chain[0].numbers()}
    for previous, year in pairwise(chain):
        before, after = previous.numbers(), year.numbers()
        merged = {c.initiative: c.counterpart for c in year.changes_of(MERGED)}
        split = {c.initiative: c.counterpart for c in year.changes_of(SPLIT)}
        for initiative in set(before) & set(after):
            kind = (
                "merged_into" if initiative in merged.values() else "split_from" if initiative in split.values() else "continued"
            )
            links.append(Link(previous.fiscal_year, initiative, year.fiscal_year, initiative, kind, True))
        links += [
            Link(previous.fiscal_year, part, year.fiscal_year, whole, "merged_into", False) for part, whole in merged.items()
        ]
        links += [Link(previous.fiscal_year, whole, year.fiscal_year, part, "split_from", False) for part, whole in split.items()]
        links += [
            Link(last_seen[c.initiative], c.initiative, year.fiscal_year, c.initiative, "returned", True)
            for c in year.changes_of(RETURNED)
        ]
        last_seen.update({initiative: year.fiscal_year for initiative in after})
    return links


def expected_new_and_dropped(chain: list[DerivedYear]) -> dict[int, set[tuple[str, str]]]:
    """Per earlier year of each consecutive pair: the initiatives with no link into a later year
    (dropped) and, of the later year, from an earlier one (new), as (status, true id)."""
    links = expected_links(chain)
    out: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for previous, year in pairwise(chain):
        out[previous.fiscal_year] |= {
            ("dropped", i)
            for i in previous.numbers()
            if not any(link.from_year == previous.fiscal_year and link.from_id == i for link in links)
        }
        out[previous.fiscal_year] |= {
            ("new", i) for i in year.numbers() if not any(link.to_year == year.fiscal_year and link.to_id == i for link in links)
        }
    return out


def expected_history(chain: list[DerivedYear]) -> dict[tuple[str, int], tuple]:
    """(key, year) → (achievement change, contribution change, rows, mean grade, worst grade, is_returned,
    predecessor keys, successor keys), as mart_initiative_history must have them: each initiative
    compared with every row of what it comes from by the links, its row in the year after its last."""
    truth = expected_keys(chain)
    links = expected_links(chain)
    grades = {year.fiscal_year: grades_by_initiative(year) for year in chain}
    years = [year.fiscal_year for year in chain]
    expected = {}
    for index, year in enumerate(years):
        for initiative, now in grades[year].items():
            achievement, contribution = mean(a for a, _ in now), mean(CONTRIBUTION_SCORE[c] for _, c in now)
            into = sorted(
                (link for link in links if (link.to_year, link.to_id) == (year, initiative)),
                key=lambda link: (not link.carries_key, chain[years.index(link.from_year)].numbers()[link.from_id]),
            )
            before = [g for link in into for g in grades[link.from_year][link.from_id]]
            if not index:
                classes = (None, None)
            elif not into:
                classes = ("new", "new")
            elif not into[0].carries_key:
                classes = ("merged_from",) * 2 if into[0].kind == "merged_into" else ("split_from",) * 2
            else:
                classes = (
                    change_class(achievement, mean(a for a, _ in before)),
                    change_class(contribution, mean(CONTRIBUTION_SCORE[c] for _, c in before)),
                )
            returned = bool(into) and into[0].from_year < years[index - 1]
            predecessors = [truth[link.from_id] for link in into] or None
            expected[truth[initiative], year] = (
                *classes,
                len(now),
                pytest.approx(achievement),
                max(a for a, _ in now),
                returned,
                predecessors,
                None,
            )
    for initiative, key in truth.items():
        last = max(year for year in years if initiative in grades[year])
        if last == years[-1]:
            continue
        out = [link for link in links if (link.from_year, link.from_id) == (last, initiative)]
        change = "dropped" if not out else "split_into" if len(out) > 1 else "merged_into"
        year = min(link.to_year for link in out) if out else years[years.index(last) + 1]
        expected[key, year] = (change, change, None, None, None, False, [key], sorted(truth[link.to_id] for link in out))
    return expected


# --- identity ------------------------------------------------------------------------------------


def test_every_year_is_built(warehouse, chain):
    assert dict(rows(warehouse, "select fiscal_year, count(*) from marts.fct_evaluation group by 1")) == {
        year.fiscal_year: len(year.rows) for year in chain
    }
    sources = dict(rows(warehouse, "select fiscal_year, any_value(source_page) is not null from marts.fct_evaluation group by 1"))
    assert sources == {2022: False, 2023: False, 2024: True, 2025: True}  # text, text, PDF, PDF


def test_every_initiative_keeps_its_key_across_years(build):
    """Through renumbering, renames and moves; back after a gap year; into a merge it goes on from and
    out of a split it goes on from. An initiative split off has a key of its own."""
    warehouse, chain = build
    found = warehouse_keys(warehouse)
    truth = expected_keys(chain)
    expected = {(year.fiscal_year, no): truth[initiative] for year in chain for (no, _), initiative in year.identity.items()}
    assert found == expected
    # and so: one key per true initiative, one true initiative per key
    assert len(set(found.values())) == len(truth)


def test_renumbered_renamed_and_moved_initiatives_are_matched_with_evidence(warehouse, chain):
    crosswalk = {
        (from_year, from_no): (status, rule, to_no, renumbered, renamed, moved, name_similarity)
        for from_year, from_no, status, rule, to_no, renumbered, renamed, moved, name_similarity in rows(
            warehouse,
            """
            select from_year, from_initiative_no, match_status, match_rule, to_initiative_no,
                   is_renumbered, is_renamed, is_moved, name_similarity
            from marts.mart_initiative_crosswalk where match_status = 'matched'
        """,
        )
    }
    for previous, year in pairwise(chain):
        before, after = previous.numbers(), year.numbers()
        carried = set(before) & set(after)
        assert {key for key in crosswalk if key[0] == previous.fiscal_year} == {
            (previous.fiscal_year, before[i]) for i in carried
        }
        assert sum(before[i] != after[i] for i in carried) > 0
        for initiative in carried:
            status, rule, to_no, renumbered, renamed, _moved, similarity = crosswalk[previous.fiscal_year, before[initiative]]
            assert (status, to_no, renumbered) == ("matched", after[initiative], before[initiative] != after[initiative])
            assert rule == ("similar_name" if renamed else "exact_name")
        for change in year.changes_of(RENAMED_INITIATIVE):
            _, rule, _, _, renamed, _, similarity = crosswalk[previous.fiscal_year, change.no_before]
            assert (rule, renamed) == ("similar_name", True) and 0.5 <= similarity < 1
        for change in year.changes_of(MOVED_SUBAREA):
            assert crosswalk[previous.fiscal_year, change.no_before][5] is True
    renamed_count = sum(1 for value in crosswalk.values() if value[4])
    assert renamed_count == sum(len(year.changes_of(RENAMED_INITIATIVE)) for year in chain)


def test_the_crosswalk_holds_every_link_and_every_added_and_dropped_initiative(build):
    """Every link of the truth with its kind, years and keys; every initiative without one new or
    dropped; and the change log says the same of what the city added and dropped."""
    warehouse, chain = build
    truth = expected_keys(chain)
    ids = {(year.fiscal_year, no): initiative for year in chain for initiative, no in year.numbers().items()}
    found_links, found_rest = set(), defaultdict(set)
    for from_year, from_no, to_year, to_no, status, kind, key, from_key, to_key in rows(
        warehouse,
        """
        select from_year, from_initiative_no, to_year, to_initiative_no, match_status, link_kind,
               initiative_key, from_initiative_key, to_initiative_key
        from marts.mart_initiative_crosswalk
    """,
    ):
        if status == "matched":
            found_links.add((from_year, ids[from_year, from_no], to_year, ids[to_year, to_no], kind, from_key == to_key, key))
        else:
            found_rest[from_year].add((status, ids[to_year, to_no] if status == "new" else ids[from_year, from_no], key))
    expected = {
        (
            link.from_year,
            link.from_id,
            link.to_year,
            link.to_id,
            link.kind,
            link.carries_key,
            truth[link.to_id if link.kind == "split_from" and not link.carries_key else link.from_id],
        )
        for link in expected_links(chain)
    }
    assert found_links == expected
    rest = expected_new_and_dropped(chain)
    assert dict(found_rest) == {year: {(status, i, truth[i]) for status, i in found} for year, found in rest.items() if found}
    for previous, year in pairwise(chain):  # the change log says the same
        gone = {c.initiative for c in year.changes if c.kind in (DROPPED, MERGED, PAUSED)}
        assert {i for status, i in rest[previous.fiscal_year] if status == "dropped"} == {
            c.initiative for c in year.changes_of(DROPPED)
        }
        assert set(previous.numbers()) - set(year.numbers()) == gone
        assert {i for status, i in rest[previous.fiscal_year] if status == "new"} == {
            c.initiative for c in year.changes_of(ADDED)
        }
        assert all(truth[c.initiative] == f"I{year.fiscal_year}-{c.no_after:03d}" for c in year.changes_of(ADDED))


def test_an_initiative_back_after_a_gap_year_keeps_its_key(restructured_warehouse, restructured_chain):
    """The returning initiative's crosswalk row names the year it came back from; it has no history row
    in the gap year and is compared with its grades of that year."""
    chain = restructured_chain
    ((change,),) = [year.changes_of(RETURNED) for year in chain if year.changes_of(RETURNED)]
    ((paused,),) = [year.changes_of(PAUSED) for year in chain if year.changes_of(PAUSED)]
    key = expected_keys(chain)[change.initiative]
    assert key == f"I{chain[0].fiscal_year}-{paused.no_before:03d}"
    assert rows(
        restructured_warehouse,
        f"""
        select from_year, to_year, link_kind, match_rule, from_initiative_no, to_initiative_no
        from marts.mart_initiative_crosswalk where initiative_key = '{key}' and from_year <> to_year - 1
    """,
    ) == [(chain[0].fiscal_year, change.fiscal_year, "returned", "exact_name", paused.no_before, change.no_after)]
    assert rows(
        restructured_warehouse,
        f"""
        select fiscal_year, previous_fiscal_year, is_returned from marts.mart_initiative_history
        where initiative_key = '{key}' order by fiscal_year
    """,
    ) == [(chain[0].fiscal_year, None, False), (change.fiscal_year, chain[0].fiscal_year, True)]


def test_merges_and_splits_are_links_with_their_evidence_and_lineage(restructured_warehouse, restructured_chain):
    """The merged-in initiative's and the split-off one's links are the rule's (moved_content) with what
    moved; the lineage mart gives each of them, and only them, a predecessor of another key."""
    chain = restructured_chain
    truth = expected_keys(chain)
    parts = {
        row[0]: row[1:]
        for row in rows(
            restructured_warehouse,
            """
            select initiative_key, link_kind, part_description_share, moved_projects, moved_kpi_metrics, match_rule
            from marts.mart_initiative_crosswalk where match_rule = 'moved_content'
        """,
        )
    }
    (merge,) = [c for year in chain for c in year.changes_of(MERGED)]
    (split,) = [c for year in chain for c in year.changes_of(SPLIT)]
    assert set(parts) == {truth[merge.initiative], truth[split.initiative]}
    for key, kind in ((truth[merge.initiative], "merged_into"), (truth[split.initiative], "split_from")):
        link_kind, description_share, projects, *_ = parts[key]
        assert link_kind == kind and description_share >= 0.4 and projects >= 1
    lineage = rows(
        restructured_warehouse, "select initiative_key, ancestor_key, generations, link_kinds from marts.mart_initiative_lineage"
    )
    assert sorted(lineage) == sorted(
        [
            (truth[merge.counterpart], truth[merge.initiative], 1, ["merged_into"]),
            (truth[split.initiative], truth[split.counterpart], 1, ["split_from"]),
        ]
    )


def test_the_renamed_bureau_keeps_its_bureau_key(build):
    warehouse, chain = build
    ((index, change),) = [(i, c) for i, year in enumerate(chain) for c in year.changes_of(RENAMED_BUREAU)]
    keys = {
        (year, name): key
        for year, name, key in rows(warehouse, "select distinct fiscal_year, bureau_name, bureau_key from marts.fct_evaluation")
    }
    old = {keys[y.fiscal_year, change.before] for y in chain[:index]}
    new = {keys[y.fiscal_year, change.after] for y in chain[index:]}
    assert old == new == {name_key(change.before)}  # the name it was first seen under
    names = rows(
        warehouse,
        f"select names_ja, first_fiscal_year, last_fiscal_year from marts.dim_bureau where bureau_key = '{name_key(change.before)}'",
    )
    assert names == [([change.before, change.after], chain[0].fiscal_year, chain[-1].fiscal_year)]
    link = rows(
        warehouse,
        """
        select from_year, to_year, from_name, to_name from marts.mart_name_crosswalk
        where entity = 'bureau' and match_rule = 'renamed'
    """,
    )
    assert link == [(chain[index - 1].fiscal_year, chain[index].fiscal_year, change.before, change.after)]


def test_merged_and_split_bureaus_are_bureaus_of_their_own_linked_to_what_they_come_from(
    restructured_warehouse, restructured_chain
):
    chain = restructured_chain
    years = [year.fiscal_year for year in chain]
    reorganised = [
        (c, kind)
        for year in chain
        for kind, changes in (("merged_into", year.changes_of(MERGED_BUREAU)), ("split_from", year.changes_of(SPLIT_BUREAU)))
        for c in changes
    ]
    assert {kind for _, kind in reorganised} == {"merged_into", "split_from"}
    links = rows(
        restructured_warehouse,
        """
        select from_year, to_year, from_name, to_name, link_kind, match_rule, from_entity_key, to_entity_key
        from marts.mart_name_crosswalk where entity = 'bureau' and link_kind in ('merged_into', 'split_from')
    """,
    )
    assert sorted(links) == sorted(
        (
            years[years.index(c.fiscal_year) - 1],
            c.fiscal_year,
            c.before,
            c.after,
            kind,
            "moved_initiatives",
            name_key(c.before),
            name_key(c.after),
        )
        for c, kind in reorganised
    )
    spans = dict(
        (key, span)
        for key, *span in rows(
            restructured_warehouse, "select bureau_key, first_fiscal_year, last_fiscal_year from marts.dim_bureau"
        )
    )
    for change, _ in reorganised:
        assert spans[name_key(change.after)] == [change.fiscal_year, chain[-1].fiscal_year]
        assert spans[name_key(change.before)] == [chain[0].fiscal_year, years[years.index(change.fiscal_year) - 1]]


def test_a_renamed_project_keeps_its_project_key(restructured_warehouse, restructured_chain):
    ((index, change),) = [(i, c) for i, year in enumerate(restructured_chain) for c in year.changes_of(RENAMED_PROJECT)]
    link = rows(
        restructured_warehouse,
        """
        select from_year, to_year, from_name, to_name, match_rule, link_kind, entity_key from marts.mart_name_crosswalk
        where entity = 'project' and match_rule = 'similar_name'
    """,
    )
    assert link == [
        (
            restructured_chain[index - 1].fiscal_year,
            restructured_chain[index].fiscal_year,
            change.before,
            change.after,
            "similar_name",
            "continued",
            name_key(change.before),
        )
    ]
    assert rows(
        restructured_warehouse, f"select names_ja from marts.dim_project where project_key = '{name_key(change.before)}'"
    ) == [([change.before, change.after],)]


def test_bureau_keys_follow_the_true_bureaus(build):
    warehouse, chain = build
    key_of = {
        (y, n, s): k
        for y, n, s, k in rows(warehouse, "select fiscal_year, initiative_no, sub_row, bureau_key from marts.fct_evaluation")
    }
    pairs = {(year.bureau_identity[key], key_of[year.fiscal_year, *key]) for year in chain for key in year.bureau_identity}
    assert len({truth for truth, _ in pairs}) == len({key for _, key in pairs}) == len(pairs)


def test_project_keys_follow_the_true_projects_but_merge_one_spelling_variant(build):
    """The fixture names a project by its exact spelling (a renamed project keeps its identity); FY2022
    prints one project two ways (「音楽のまちづくりの推進事業」 and 「音楽のまちづくり推進事業」), which the
    warehouse takes as one."""
    warehouse, chain = build
    key_of = {
        (y, n, s): k
        for y, n, s, k in rows(warehouse, "select fiscal_year, initiative_no, sub_row, project_key from marts.fct_evaluation")
    }
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


def test_history_change_classes_agree_with_the_rows(build):
    warehouse, chain = build
    expected = expected_history(chain)
    found = {
        (key, year): (achievement, contribution, n, mean_grade, worst, returned, predecessors, successors)
        for key, year, achievement, contribution, n, mean_grade, worst, returned, predecessors, successors in rows(
            warehouse,
            """
            select initiative_key, fiscal_year, achievement_change, contribution_change, evaluation_rows,
                   mean_achievement_grade, worst_achievement_code, is_returned, predecessor_keys, successor_keys
            from marts.mart_initiative_history
        """,
        )
    }
    assert found == expected
    counts = defaultdict(int)
    for (_, year), (achievement, *_) in expected.items():
        counts[year, achievement] += 1
    assert counts[2023, "improved"] and counts[2023, "worsened"] and counts[2024, "dropped"] == 2
    restructured = {change for (_, year), (change, *_) in expected.items()} - {
        "improved",
        "worsened",
        "unchanged",
        "new",
        "dropped",
        None,
    }
    assert restructured == ({"merged_into", "split_from"} if chain[1].changes_of(MERGED) else set())


def test_history_follows_the_change_log(warehouse, chain):
    """Each initiative with a single logged achievement change that year moved the way the log says."""
    truth = expected_keys(chain)
    found = {
        (k, y): c
        for k, y, c in rows(
            warehouse, "select initiative_key, fiscal_year, achievement_change from marts.mart_initiative_history"
        )
    }
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


def test_kpi_targets_stand_next_to_the_previous_years(build):
    """Each retargeted line is raised or lowered and nothing else is; a target carried into a merge or
    out of a split stands next to its former self; only added initiatives' targets are new."""
    warehouse, chain = build
    truth = expected_keys(chain)
    history = {
        (key, year, metric): (previous, value, change)
        for key, year, metric, previous, value, change in rows(
            warehouse,
            """
            select initiative_key, fiscal_year, metric, previous_target_value, target_value, target_change
            from marts.mart_kpi_target_history
        """,
        )
    }

    def value(line: str) -> float:
        return kpi_value(line) * (10_000 if KPI_LINE_RE.match(line).group("unit").startswith("万") else 1)

    for year in chain[1:]:
        changes = year.changes_of(KPI_TARGET)
        for change in changes:
            metric = KPI_LINE_RE.match(change.after).group("metric")
            assert history[truth[change.initiative], year.fiscal_year, metric] == (
                value(change.before),
                value(change.after),
                change.direction,
            )
        moved = [k for k, (_, _, c) in history.items() if k[1] == year.fiscal_year and c in ("raised", "lowered", "redefined")]
        assert len(moved) == len(changes)
        added = {truth[c.initiative] for c in year.changes_of(ADDED)}
        new = {k[0] for k, (_, _, c) in history.items() if k[1] == year.fiscal_year and c == "new"}
        assert new == added  # every added initiative has a target line; nothing else is new
    summary = rows(
        warehouse,
        "select sum(kpi_targets_raised + kpi_targets_lowered) from marts.mart_initiative_history where fiscal_year > 2022",
    )
    assert summary == [(sum(len(year.changes_of(KPI_TARGET)) for year in chain),)]


# --- trends --------------------------------------------------------------------------------------


def test_trend_agrees_with_an_independent_count(build):
    """Every group's counts and change from the previous year; a bureau split off another compared with
    that one's rows of the previous year (previous_group_ids)."""
    warehouse, chain = build
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

    # a bureau merged or split is compared with the bureaus it comes from
    comes_from = defaultdict(set)
    for year in chain:
        for change in year.changes_of(MERGED_BUREAU) + year.changes_of(SPLIT_BUREAU):
            comes_from[year.fiscal_year, name_key(change.after)].add(name_key(change.before))
    expected = {}
    for (year, grouping, group), grades in groups.items():
        now = measures(grades)
        compared = sorted(g for g in comes_from.get((year, group), {group}) if (year - 1, grouping, g) in groups)
        before = [grade for g in compared for grade in groups[year - 1, grouping, g]]
        change = (now[1] - measures(before)[1], now[2] - measures(before)[2]) if before else (None, None)
        expected[year, grouping, group] = (*now, year - 1 if before else None, *change, compared or None)
    found = {
        (year, grouping, group): (n, share, grade, contributing, previous, change_share, change_grade, compared)
        for year, grouping, group, n, share, grade, contributing, previous, change_share, change_grade, compared in rows(
            warehouse,
            """
            select fiscal_year, grouping, group_id, evaluation_rows, share_on_or_above_target, mean_achievement_grade,
                   share_contributing, previous_fiscal_year, change_share_on_or_above_target, change_mean_achievement_grade,
                   previous_group_ids
            from marts.mart_attainment_trend
        """,
        )
    }
    assert set(found) == set(expected)
    for key, value in expected.items():
        assert found[key][:-1] == pytest.approx(value[:-1], abs=1e-9), key
        assert found[key][-1] == value[-1], key
    for (year, group), before in comes_from.items():
        assert found[year, "bureau", group][-1] == sorted(before)
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
    trend = rows(
        warehouse,
        """
        select group_id, fiscal_year, evaluation_rows, share_on_or_above_target, change_share_on_or_above_target
        from marts.mart_attainment_trend where grouping = 'bureau'
    """,
    )
    assert set(found) == {group for group, *_ in trend}
    for group, year, count, share, change in trend:
        cells = found[group]
        assert f'data-year="{year}">{share:.1%}<br><span class="en">{count} 行 rows</span></td>' in cells, (group, year)
        if year != chain[0].fiscal_year:
            shown = re.search(rf'<td class="num change[^"]*" data-year="{year}">([^<]*)</td>', cells).group(1)
            assert shown == ("—" if change is None else f"{change * 100:+.1f} pt"), (group, year)
    ((_index, renamed),) = [(i, c) for i, year in enumerate(chain) for c in year.changes_of(RENAMED_BUREAU)]
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
        assert found == expected and all(
            c.previous_fiscal_year == previous.fiscal_year for c in data.changes if c.fiscal_year == year.fiscal_year
        )
        (pair,) = [p for p in data.year_pairs if p.fiscal_year == year.fiscal_year]
        assert (pair.previous_fiscal_year, pair.carried, pair.added, pair.dropped) == (
            previous.fiscal_year,
            len(set(before) & set(after)),
            len(set(after) - set(before)),
            len(set(before) - set(after)),
        )
        below_before = {i for i, grades in grades_by_initiative(previous).items() if max(a for a, _ in grades) >= 4}
        for row in (r for r in data.below_target if r.fiscal_year == year.fiscal_year):
            initiative = year.identity[row.initiative_no, row.sub_row]
            assert row.below_previous_year == (initiative in below_before), (year.fiscal_year, row.initiative_no)
    assert [p.fiscal_year for p in data.year_pairs] == [year.fiscal_year for year in chain[1:]]
    assert any(r.below_previous_year for r in data.below_target)


def test_the_report_counts_returns_merges_and_splits_as_such_with_one_pair_per_year(restructured_warehouse, restructured_chain):
    """The report's year pairs follow the sheet years (a return after a gap adds no pair of its own),
    and initiatives back after a gap, merged or split are listed as that, not as added or dropped, as
    the fixture's truth says: a merge's or split's every part, the one that goes on included."""
    from pipeline.report import read_report_data
    from pipeline.report.page import render_report

    chain = restructured_chain
    ((path,),) = rows(restructured_warehouse, "select path from duckdb_databases() where database_name = current_database()")
    data = read_report_data(Path(path))
    assert [(p.previous_fiscal_year, p.fiscal_year) for p in data.year_pairs] == [
        (previous.fiscal_year, year.fiscal_year) for previous, year in pairwise(chain)
    ]
    truth = expected_keys(chain)
    for year in chain[1:]:
        (pair,) = [p for p in data.year_pairs if p.fiscal_year == year.fiscal_year]
        kinds = {RETURNED: "returned", MERGED: "merged", SPLIT: "split"}
        for kind, change in kinds.items():
            # Every part of a merge or split is linked so, the one that goes on (the counterpart) too.
            expected = {truth[i] for c in year.changes_of(kind) for i in (c.initiative, c.counterpart) if i}
            found = {c.initiative_key for c in data.changes if c.fiscal_year == year.fiscal_year and c.change == change}
            assert found == expected, (year.fiscal_year, change)
            assert getattr(pair, change) == len(expected)
    assert any(pair.returned for pair in data.year_pairs) and any(pair.merged for pair in data.year_pairs)
    assert any(pair.split for pair in data.year_pairs)
    html = render_report(data).html
    assert "再掲 back after a gap" in html and "統合 merged" in html and "分割 split off" in html
