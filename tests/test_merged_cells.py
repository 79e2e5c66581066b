"""Numbering and merged-cell matching on small printed sequences."""

import pytest

from pipeline.extract.records import SheetError
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
