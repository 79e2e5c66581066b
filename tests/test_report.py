"""``python -m pipeline report``: one self-contained page, drawn by headless Chromium.

Chromium (Debian's ``chromium``) is required: without it these tests fail, they do not skip. Two
launches cover the page: the report itself (not blank, no network request), and a test page that
lays out each chart of the report in a box of its own, with two Japanese words in the report's fonts
(charts drawn, no tofu) and one external image that proves the request detector sees requests.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import run_pipeline
from PIL import Image
from test_queries import add_derived_year

from pipeline.report import read_report_data, write_report
from pipeline.report.page import render_report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SECTIONS = ("summary", "trend", "bureaus", "below-target", "kpis")


@pytest.fixture(scope="module")
def report(built_warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    result = run_pipeline("report", "--warehouse", str(built_warehouse), "--out", str(out))
    assert "index.html" in result.stdout
    return out / "index.html"


@pytest.fixture(scope="module")
def html(report) -> str:
    return report.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------ the page


def test_report_has_every_section_in_japanese_and_english(html):
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    for ja, en in [
        ("達成度の推移", "Attainment trend"),
        ("担当局別の達成度", "Achievement grades per bureau"),
        ("目標を下回った取組", "Initiatives below target"),
        ("KPI目標と実績", "KPI targets against stated actuals"),
    ]:
        assert re.search(rf"<h2>{ja}<span class=\"en\">{en}</span></h2>", html), ja
    # One fiscal year: no added/dropped section (whether or not the crosswalk mart exists).
    assert 'id="changes"' not in html


def test_report_shows_the_fy2022_figures(html):
    assert "FY2022（令和4年度）" in html
    assert "88.2%" in html  # 112 of 127 rows graded 1–3
    assert html.count('<svg id="chart-') == 3
    # The 15 rows below target, each with its reason (line wraps of the sheet joined).
    below = html.split('<section id="below-target">')[1].split("</section>")[0]
    assert below.count('<td class="reason">') == 15
    assert "コンテナ取扱貨物増加量の目標値を達成することはできませんでしたが" in below
    assert "市民文化局" in below and "Civic Affairs Bureau" in below
    kpis = html.split('<section id="kpis">')[1].split("</section>")[0]
    assert "ホール稼働率：60％以上" in kpis and "70.0%" in kpis


def test_kpi_attainment_is_shown_per_year_and_pillar_as_the_trend_mart_counts_it(built_warehouse, html):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        counts = con.execute("""
            select grouping, group_label_ja, kpi_targets, kpi_targets_with_actual, kpi_targets_met, share_kpis_met
            from marts.mart_attainment_trend where grouping in ('plan', 'pillar') order by grouping, group_id
        """).fetchall()
    assert counts[0][0] == "pillar" and len(counts) == 4 and counts[-1][0] == "plan"
    table = html.split('<table class="kpi-trend">')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>2022</td><td>(.*?)</td>(.*?)</tr>", table)
    assert len(rows) == 4 and rows[0][0].startswith("計画全体")
    for _grouping, label, targets, with_actual, met, share in counts:
        cells = next(cells for name, cells in rows if name.startswith(label))
        assert re.findall(r'<td class="num">([^<]*)</td>', cells)[:4] == [
            str(targets),
            str(with_actual),
            str(met),
            f"{share:.1%}",
        ]
    plan = counts[-1]
    assert plan[2] > plan[3] > plan[4] > 0  # the plan's targets, those with an actual, those met
    summary = html.split('<section id="summary">')[1].split("</section>")[0]
    assert f"{plan[4]} / {plan[3]}" in summary


def test_bureaus_across_the_years_with_one_sheet_say_changes_come_with_the_second(built_warehouse, html):

    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        bureaus = {
            key: (rows, share)
            for key, rows, share in con.execute(
                "select group_id, evaluation_rows, share_on_or_above_target from marts.mart_attainment_trend "
                "where grouping = 'bureau'"
            ).fetchall()
        }
    section = html.split('<section id="bureaus">')[1].split("</section>")[0]
    table = section.split('<table class="bureau-years">')[1].split("</table>")[0]
    rows = dict(re.findall(r'<tr data-bureau="([^"]+)">(.*?)</tr>', table))
    assert set(rows) == set(bureaus)
    for key, (count, share) in bureaus.items():
        assert f'<td class="num" data-year="2022">{share:.1%}<br><span class="en">{count} 行 rows</span></td>' in rows[key]
    assert 'class="num change' not in table  # no change column for the first sheet year
    note = "前年差は2年目のシートから表示されます"
    assert note in section and note in html.split('<section id="trend">')[1].split("</section>")[0]


def test_a_missing_english_label_falls_back_to_the_japanese(built_warehouse, tmp_path):

    path = tmp_path / "kawasaki_policy.duckdb"
    shutil.copyfile(built_warehouse, path)
    with duckdb.connect(str(path)) as con:  # a bureau and a pillar the seeds have no English for yet
        con.execute("update marts.dim_bureau set name_en = null where name_ja = '市民文化局'")
        con.execute(
            "update marts.mart_attainment_trend set group_label_en = null "
            "where group_label_ja = '市民文化局' or group_id = '3-II'"
        )
    html = render_report(read_report_data(path)).html
    assert "None" not in html
    bureaus = re.search(r'<svg id="chart-bureaus".*?</svg>', html, re.S).group(0)
    assert re.search(r">市民文化局</text>", bureaus), "the Japanese name alone, as the chart's label"
    assert "<td>市民文化局</td>" in html  # in the tables, without an empty English line
    trend = re.search(r'<svg id="chart-trend".*?</svg>', html, re.S).group(0)
    assert "取組方針Ⅱ" in trend


def test_kpi_value_labels_stay_clear_of_the_100_percent_line():
    from decimal import Decimal

    from pipeline.report import charts
    from pipeline.report.data import KpiRow

    ratios = [-0.3, 0.5, 0.9, 0.93, 0.97, 0.99, 1.0, 1.05, 1.4, 2.6]
    rows = [
        KpiRow(
            2022,
            no,
            1,
            "取組",
            f"指標{no}",
            "目標",
            ">=",
            Decimal(100),
            "件",
            Decimal(100) * Decimal(str(r)),
            "実績",
            no == 3,
            r,
            r >= 1,
            "met" if r >= 1 else "not met",
            "plan",
        )
        for no, r in enumerate(ratios, 1)
    ]
    with charts._chart_style():
        figure = charts.kpi_ratio_figure(rows)
        (ax,) = figure.axes
        line = ax.transData.transform((charts.REFERENCE_RATIO, 0))[0]
        labels = {text.get_text(): text.get_window_extent() for text in ax.texts}
    assert set(labels) == {f"{r:.0%}" + ("（見込 est.）" if no == 3 else "") for no, r in enumerate(ratios, 1)}
    for label, box in labels.items():
        assert not box.x0 - 2 < line < box.x1 + 2, f"{label} is crossed by the dashed line"
    assert labels["50%"].x1 < line  # labels clear of the line stay beside their bars


def test_chart_text_is_text_with_the_pages_fonts(html):
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert svgs
    for svg in svgs:
        assert "<text" in svg and "font-family" not in svg  # the page's CSS font stack applies
        assert "<path" in svg
    assert "取組方針Ⅰ" in svgs[0] and "Pillar I" in svgs[0]
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids repeat across the inline charts"


def test_report_references_nothing_outside(html):
    assert not re.search(r"""(?:src|href|xlink:href)\s*=\s*["']?\s*(?!#)[a-z][a-z0-9+.-]*:""", html, re.I)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*//""", html, re.I)
    assert not re.search(r"@import", html, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(?!#)", html, re.I)
    assert not re.search(r"<(?:script|link|iframe|img|object|embed)\b", html, re.I)
    assert not re.search(r"https?://", html), "no URL at all, not even an XML namespace"


def test_report_is_deterministic(built_warehouse, html):
    assert render_report(read_report_data(built_warehouse)).html == html


def test_build_writes_the_report_beside_the_warehouse(built_warehouse):
    """The html_report asset runs in every build (``make run``)."""
    page = built_warehouse.parent / "report" / "index.html"
    assert page.is_file()
    assert '<section id="trend">' in page.read_text(encoding="utf-8")


def test_report_goes_beside_the_warehouse_by_default(built_warehouse, tmp_path, capsys):
    from pipeline.cli import main

    warehouse = tmp_path / "copy.duckdb"
    shutil.copyfile(built_warehouse, warehouse)
    assert main(["report", "--warehouse", str(warehouse)]) == 0
    assert (tmp_path / "report" / "index.html").is_file()
    assert str(tmp_path / "report" / "index.html") in capsys.readouterr().out


def test_the_assets_follow_the_published_warehouse():
    from dagster import AssetKey

    from pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    for name in ("html_report", "parquet_export", "csv_export"):
        node = graph.get(AssetKey(name))
        assert node.group_name == "report" and node.owners == ["team:policy-data"] and node.description
        assert node.parent_keys == {AssetKey("published_warehouse")}


def test_the_build_records_the_reports_path_size_and_sections(built_warehouse, built_home):
    from dagster import AssetKey, DagsterInstance

    with DagsterInstance.from_config(str(built_home)) as instance:
        event = instance.get_latest_materialization_event(AssetKey("html_report"))
    metadata = event.asset_materialization.metadata
    assert metadata["path"].value == str(built_warehouse.parent / "report" / "index.html")
    assert metadata["size"].value == (built_warehouse.parent / "report" / "index.html").stat().st_size
    assert "達成度の推移 Attainment trend" in metadata["sections"].value


def test_missing_warehouse_is_one_line(tmp_path):
    result = run_pipeline("report", "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path), check=False)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "none.duckdb" in result.stderr


# ------------------------------------------------------------------------------------------ several years


@pytest.fixture(scope="module")
def two_year_report(built_warehouse, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("two_years") / "kawasaki_policy.duckdb"
    shutil.copyfile(built_warehouse, path)
    add_derived_year(path)
    written = write_report(path, path.parent / "report")
    assert written.fiscal_years == (2022, 2023)
    return written.path.read_text(encoding="utf-8")


def test_several_years_show_lines_and_initiatives_added_and_dropped(two_year_report):
    html = two_year_report
    trend = re.search(r'<svg id="chart-trend".*?</svg>', html, re.S).group(0)
    assert "FY2023" in trend and "令和5年度" in trend
    changes = html.split('<section id="changes">')[1].split("</section>")[0]
    assert "取組の追加・廃止" in changes and '<svg id="chart-changes"' in changes
    assert re.search(r"追加 added</td><td class=\"num\">107</td><td>新しい取組</td>", changes)
    assert re.search(r"廃止 dropped</td><td class=\"num\">106</td>", changes)
    assert "継続 carried 105" in changes
    # FY2023's rows below target that were below in FY2022 too.
    below = html.split('<section id="below-target">')[1].split("</section>")[0]
    assert below.count("2年連続 2 years running") == 14
    # Per bureau: both years' shares and the change, 港湾局 down 10 points (add_derived_year).
    table = html.split('<table class="bureau-years">')[1].split("</table>")[0]
    rows = dict(re.findall(r'<tr data-bureau="([^"]+)">(.*?)</tr>', table))
    changes = {
        key: re.search(r'<td class="num change[^"]*" data-year="2023">([^<]*)</td>', row).group(1) for key, row in rows.items()
    }
    assert changes.pop("港湾局") == "-10.0 pt"
    assert set(changes.values()) == {"+0.0 pt"}
    assert '<td class="num change down" data-year="2023">-10.0 pt</td>' in rows["港湾局"]
    assert "前年差は2年目のシートから表示されます" not in html


def test_without_the_crosswalk_mart_there_is_no_added_dropped_section(built_warehouse, tmp_path):

    path = tmp_path / "kawasaki_policy.duckdb"
    shutil.copyfile(built_warehouse, path)
    add_derived_year(path)
    with duckdb.connect(str(path)) as con:
        (kind,) = con.execute(
            "select table_type from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'mart_initiative_crosswalk'"
        ).fetchone()
        con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} marts.mart_initiative_crosswalk")
    data = read_report_data(path)
    assert len(data.years) == 2 and data.changes is None and data.year_pairs is None


# ------------------------------------------------------------------------------------------ Chromium


def chromium_screenshot(
    page: Path, png: Path, width: int, height: int, fragment: str = "", wait_ms: int | None = None
) -> list[str]:
    """Screenshot ``page`` in headless Chromium; the URLs the page requested over the network.

    Requests are read from Chromium's net log: the page's own have an initiator (``null`` for a
    file:// page) or the file:// site in their isolation key; Chromium's background requests
    (updates, accounts) have neither. No host resolves, so nothing leaves the machine. ``fragment`` is
    appended to the page's URL; ``wait_ms`` gives a page's scripts that much virtual time to render."""
    assert Path(CHROMIUM).exists(), "chromium is missing: apt-get install chromium (make test installs it)"
    netlog = png.with_suffix(".netlog.json")
    profile = png.parent / f"{png.stem}-profile"
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={width},{height}",
            f"--log-net-log={netlog}",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            *([f"--virtual-time-budget={wait_ms}"] if wait_ms else []),
            page.as_uri() + fragment,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and png.is_file(), result.stderr[-2000:]
    log = json.loads(netlog.read_text())
    kinds = {code: name for name, code in log["constants"]["logEventTypes"].items()}
    requests = []
    for event in log["events"]:
        params = event.get("params", {})
        if kinds.get(event["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        if params.get("initiator") != "not an origin" or "file://" in params.get("network_isolation_key", ""):
            requests.append(params["url"])
    return requests


def ink(image: Image.Image) -> int:
    """Pixels clearly darker than the white background."""
    return sum(1 for value in image.convert("L").tobytes() if value < 200)


def coloured(image: Image.Image) -> int:
    """Pixels of a saturated colour: chart marks, not black text or grey grid lines."""
    data = image.convert("RGB").tobytes()
    return sum(1 for pixel in zip(data[0::3], data[1::3], data[2::3]) if max(pixel) - min(pixel) > 60)


def test_the_page_renders_in_chromium_and_loads_nothing(report, tmp_path):
    png = tmp_path / "report.png"
    requests = chromium_screenshot(report, png, 1280, 2000)
    assert requests == []
    image = Image.open(png)
    assert image.size == (1280, 2000)
    top = image.crop((0, 0, 1280, 200))
    assert ink(top) > 2000, "no title drawn"
    assert coloured(image) > 20000, "no chart drawn in the first screen"


BOX_W, BOX_H = 600, 420
PROBES = ("目標", "実績")  # no character in common: two tofu boxes would look alike


def test_every_chart_is_drawn_and_japanese_has_glyphs(report, html, tmp_path):
    style = re.search(r"<style>.*?</style>", html, re.S).group(0)
    charts = re.findall(r'<svg id="(chart-[^"]+)".*?</svg>', html, re.S)
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == len(charts) >= 3
    boxes = [(24 + (i % 2) * (BOX_W + 20), 24 + (i // 2) * (BOX_H + 20)) for i in range(len(svgs))]
    probe_top = boxes[-1][1] + BOX_H + 40
    body = "".join(f'<div class="box" style="left:{x}px;top:{y}px">{svg}</div>' for (x, y), svg in zip(boxes, svgs)) + "".join(
        f'<div class="probe" style="left:{24 + i * 300}px;top:{probe_top}px">{word}</div>' for i, word in enumerate(PROBES)
    )
    canary = "https://canary.invalid/pixel.png"
    page = tmp_path / "charts.html"
    page.write_text(
        f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">{style}<style>'
        f".box{{position:absolute;width:{BOX_W}px;height:{BOX_H}px}} .box svg.chart{{width:100%;height:100%}}"
        f".probe{{position:absolute;width:260px;height:120px;font-size:96px;line-height:120px}}"
        f"</style></head><body>{body}"
        f'<img src="{canary}" alt="" style="position:absolute;left:0;top:0;width:1px"></body></html>',
        encoding="utf-8",
    )
    height = probe_top + 160
    png = tmp_path / "charts.png"
    requests = chromium_screenshot(page, png, 1280, height)
    assert requests == [canary], "the net log must show the test page's one external request"

    image = Image.open(png).convert("RGB")
    for name, (x, y) in zip(charts, boxes):
        box = image.crop((x, y, x + BOX_W, y + BOX_H))
        assert coloured(box) > 0.01 * BOX_W * BOX_H, f"{name}: no bars or lines drawn"
        assert ink(box) > 1500, f"{name}: no axes or labels drawn"
    first, second = (image.crop((24 + i * 300, probe_top, 24 + i * 300 + 260, probe_top + 120)) for i in range(2))
    assert ink(first) > 1500 and ink(second) > 1500, "Japanese text not drawn"
    differing = sum(1 for a, b in zip(first.convert("L").tobytes(), second.convert("L").tobytes()) if abs(a - b) > 80)
    assert differing > 1500, "目標 and 実績 look alike: tofu boxes (no CJK font)"
