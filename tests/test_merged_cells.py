"""Numbering and merged-cell matching on small printed sequences."""

from dataclasses import replace
from itertools import groupby

import pytest
from conftest import comparable
from text_fixtures import Quirks, render_text_export

from pipeline.extract import layout
from pipeline.extract.records import SheetError
from pipeline.extract.text import parse_text_export
from pipeline.extract.text.merged_cells import Fragment, PrintedRow, resolve


def full(number, name, line=1):
    return PrintedRow(line, number, name, f"{name}の内容", f"{name}の計画", name)


def orphan(text, ward=None, line=1, boundary=False):
    return PrintedRow(line, None, None, None, None, text, ward, boundary)


def bundle(after_row, number, name, description, plan):
    out = [] if number is None else [Fragment(after_row, 1, "number", str(number), number)]
    return [
        *out,
        Fragment(after_row, 2, "name", name),
        Fragment(after_row, 3, "text", description),
        Fragment(after_row, 4, "text", plan),
    ]


def test_missing_numbers_fill_the_gap_in_order():
    rows = [full(1, "a"), full(None, "b"), full(None, "c"), full(4, "d")]
    assert [r.initiative_no for r in resolve(rows, [], "x")] == [1, 2, 3, 4]


def test_orphans_take_the_merged_cells_printed_after_them():
    rows = [full(1, "a"), orphan("港湾の見学会を開催"), orphan("港湾の施設を整備"), full(3, "c")]
    fragments = bundle(3, None, "港湾の取組", "港湾の見学会と施設", "港湾の計画")
    resolved = resolve(rows, fragments, "x")
    assert [(r.initiative_no, r.sub_row, r.initiative_name) for r in resolved] == [
        (1, 1, "a"),
        (2, 1, "港湾の取組"),
        (2, 2, "港湾の取組"),
        (3, 1, "c"),
    ]
    assert (resolved[1].description, resolved[1].plan_fy) == ("港湾の見学会と施設", "港湾の計画")


def test_a_run_of_ward_rows_splits_where_the_ward_order_restarts():
    rows = [
        full(1, "a"),
        *(orphan("冊子を配布", ward=w) for w in (0, 1, 2)),
        *(orphan("案内板を設置", ward=w) for w in (0, 2)),
        full(4, "d"),
    ]
    fragments = bundle(6, 2, "冊子の配布", "冊子を配布します", "冊子") + bundle(
        6, 3, "案内板の設置", "案内板を設置します", "案内板"
    )
    resolved = resolve(rows, fragments, "x")
    assert [r.initiative_no for r in resolved] == [1, 2, 2, 2, 3, 3, 4]
    assert resolved[4].initiative_name == "案内板の設置"


def test_unnumbered_merged_cells_go_to_the_initiative_they_resemble():
    rows = [
        full(1, "a"),
        orphan("多言語の案内板を区役所に設置"),
        full(3, "c"),
        orphan("子育てサロンを地区ごとに開催"),
        full(5, "e"),
    ]
    fragments = bundle(5, None, "子育てサロンの開催", "子育てサロンを開催します", "サロン") + bundle(
        5, None, "案内板の多言語化", "多言語の案内板を設置します", "案内板"
    )
    resolved = resolve(rows, fragments, "x")
    assert resolved[1].initiative_name == "案内板の多言語化"
    assert resolved[3].initiative_name == "子育てサロンの開催"


def test_numbers_out_of_order_are_an_error():
    with pytest.raises(SheetError, match="initiative number 2 is printed after 5"):
        resolve([full(5, "a", line=10), full(2, "b", line=20)], [], "bad.txt")


def test_orphans_without_merged_cells_are_an_error():
    with pytest.raises(SheetError, match="initiative 2: its merged cells"):
        resolve([full(1, "a"), orphan("x", line=7), full(3, "c")], [], "bad.txt")


def test_a_stray_number_is_an_error():
    with pytest.raises(SheetError, match="stray initiative number 9"):
        resolve([full(1, "a"), orphan("x"), full(3, "c")], [Fragment(2, 5, "number", "9", 9)], "bad.txt")


def ward_orphans(text, wards):
    return [orphan(text, ward=w) for w in wards]


def test_neighbouring_multi_row_initiatives_split_by_their_row_count():
    # Each multi-row initiative has two rows or more, so four rows make two initiatives one way only,
    # whatever the third row's wording suggests.
    rows = [
        full(1, "a"),
        orphan("港湾の見学会を開催"),
        orphan("港湾の見学会を開催"),
        orphan("港湾の見学会と冊子の配布"),
        orphan("冊子を配布"),
        full(4, "d"),
    ]
    fragments = bundle(5, None, "港湾の見学会", "港湾の見学会を開催します", "見学会") + bundle(
        5, None, "冊子の配布", "冊子を配布します", "冊子"
    )
    assert [r.initiative_no for r in resolve(rows, fragments, "x")] == [1, 2, 2, 3, 3, 4]


def test_a_run_that_divides_more_than_one_way_is_refused():
    # Five rows make two initiatives as 2 + 3 or 3 + 2; merged cells printed between them (as at a
    # page end inside an initiative) do not tell which.
    rows = [full(1, "a"), *(orphan(f"事業{k}") for k in range(3)), orphan("事業3", boundary=True), orphan("事業4"), full(4, "d")]
    fragments = bundle(4, None, "事業の取組", "事業を実施します", "事業") + bundle(6, None, "別の取組", "別の事業", "別")
    with pytest.raises(SheetError, match=r"bad.txt.*initiatives 2–3.*PDF"):
        resolve(rows, fragments, "bad.txt")


def test_ward_rows_in_any_order_split_where_a_ward_would_repeat():
    # The first initiative lists its wards backwards; no initiative lists a ward twice, so the second
    # starts at the second 川崎区 (order 0), though the row before it reads like the second's.
    rows = [
        full(1, "a"),
        *ward_orphans("冊子を配布", [2, 1]),
        orphan("案内板を設置", ward=0),
        *ward_orphans("案内板を設置", [0, 1]),
        full(4, "d"),
    ]
    fragments = bundle(6, None, "冊子の配布", "冊子を配布します", "冊子") + bundle(
        6, None, "案内板の設置", "案内板を設置します", "案内板"
    )
    assert [r.initiative_no for r in resolve(rows, fragments, "x")] == [1, 2, 2, 2, 3, 3, 4]


def test_ward_rows_that_divide_more_than_one_way_are_refused():
    rows = [full(1, "a"), *ward_orphans("冊子を配布", [2, 1, 0]), *ward_orphans("案内板を設置", [1, 2]), full(4, "d")]
    fragments = bundle(6, None, "冊子の配布", "冊子を配布します", "冊子") + bundle(
        6, None, "案内板の設置", "案内板を設置します", "案内板"
    )
    with pytest.raises(SheetError, match="initiatives 2–3"):
        resolve(rows, fragments, "bad.txt")


def test_a_section_between_orphans_ends_an_initiative():
    rows = [
        full(1, "a"),
        *(orphan(f"事業{k}") for k in range(2)),
        *(orphan(f"事業{k}", boundary=k == 2) for k in range(2, 6)),
        full(4, "d"),
    ]
    fragments = bundle(7, None, "前の取組", "前の事業", "前") + bundle(7, None, "後の取組", "後の事業", "後")
    assert [r.initiative_no for r in resolve(rows, fragments, "x")] == [1, 2, 2, 3, 3, 3, 3, 4]


# --- generated exports of the FY2022 rows ------------------------------------------------------


def initiatives(sheet):
    return [list(rows) for _, rows in groupby(sheet.rows, key=lambda r: r.initiative_no)]


def read_back(rows, text):
    def content(sheet_rows):
        return [comparable({k: v for k, v in r.to_dict().items() if not k.startswith("source_")}) for r in sheet_rows]

    assert content(parse_text_export(text, "variant.txt").rows) == content(rows)


def is_ward_level(initiative):
    return len(initiative) > 1 and all(row.policy_code in layout.WARDS for row in initiative)


@pytest.mark.parametrize("seed", range(4))
def test_neighbouring_two_row_initiatives_with_unnumbered_merged_cells_at_the_page_end(fy2022_sheet, seed):
    groups = initiatives(fy2022_sheet)
    k = next(k for k, g in enumerate(groups[:-2]) if len(g) == 2 and not is_ward_level(g) and len(groups[k + 1]) == 1)
    second = groups[k + 1][0]
    groups[k + 1] = [second, replace(second, sub_row=2, project_name=second.project_name + "Ｂ")]
    rows = [row for g in groups for row in g]
    quirks = Quirks(merged_at_page_end=1.0, merged_number_missing=1.0, rows_per_page=(6, 10))
    read_back(rows, render_text_export(rows, seed=seed, quirks=quirks))


def test_ward_rows_printed_backwards_before_another_ward_initiative_are_refused(fy2022_sheet):
    # Backwards, the first initiative's wards and the next one's leave two cuts with no ward twice
    # (two initiatives of all seven wards cut one way only).
    groups = initiatives(fy2022_sheet)
    k = next(
        k
        for k, g in enumerate(groups[:-1])
        if is_ward_level(g) and is_ward_level(groups[k + 1]) and len(g) + len(groups[k + 1]) < 2 * len(layout.WARDS)
    )
    groups[k] = [replace(row, sub_row=n) for n, row in enumerate(reversed(groups[k]), start=1)]
    rows = [row for g in groups for row in g]
    first = groups[k][0].initiative_no
    with pytest.raises(SheetError, match=rf"variant.txt.*initiatives {first}–{first + 1}.*PDF"):
        parse_text_export(render_text_export(rows, seed=0), "variant.txt")


@pytest.mark.parametrize("where", ["before a multi-row initiative", "after two multi-row initiatives"])
def test_a_skipped_initiative_number_is_named_in_the_refusal(fy2022_sheet, where):
    groups = initiatives(fy2022_sheet)
    if where == "before a multi-row initiative":
        k = next(k for k, g in enumerate(groups) if len(groups[k + 1]) > 1)
    else:
        k = next(k for k in range(2, len(groups)) if len(groups[k - 2]) > 1 and len(groups[k - 1]) > 1)
    rows = [row for g in groups[:k] + groups[k + 1 :] for row in g]
    with pytest.raises(SheetError, match=r"variant.txt.*skips an initiative number"):
        parse_text_export(render_text_export(rows, seed=0), "variant.txt")
