"""The report's charts: matplotlib figures written as SVG that can be inlined in an HTML page.

Text stays text (``svg.fonttype = none``) and takes the page's font, so Japanese renders with whatever
CJK font the reader's system has; matplotlib only measures it, with the first CJK font it finds
(Debian's IPAex Gothic on the project's machines). The SVG carries no XML prolog, no metadata and no
namespace URLs, and its ids are prefixed per chart so several charts can share one page.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from html import escape

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure  # a Figure of its own, without pyplot's global state or a GUI backend
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from pipeline.report.data import Grade, KpiRow, TrendRow, YearPair, bilingual

# Fonts matplotlib may measure Japanese with, best first; the page's CSS names the same and more.
CJK_FONTS = (
    "IPAexGothic",
    "IPAGothic",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "Hiragino Sans",
    "Yu Gothic",
    "Meiryo",
    "TakaoGothic",
    "VL Gothic",
)

GRADE_COLOURS = {"1": "#1a7837", "2": "#7fbf7b", "3": "#74add1", "4": "#f4a582", "5": "#b2182b"}
SERIES_COLOURS = ("#333333", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
MET_COLOUR, NOT_MET_COLOUR = "#1a7837", "#d6604d"
CHANGE_COLOURS = {"carried": "#74add1", "added": "#1a7837", "dropped": "#b2182b"}
WIDTH_IN = 9.6


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed CJK font matplotlib can measure with, or None."""
    for name in CJK_FONTS:
        try:
            font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
        except ValueError:
            continue
        return name
    return None


@contextmanager
def _chart_style() -> Iterator[None]:
    font = cjk_font()
    families = ([font] if font else []) + ["DejaVu Sans"]
    with (
        matplotlib.rc_context(
            {
                "svg.fonttype": "none",
                "svg.hashsalt": "kawasaki-policy-report",  # stable ids: the same data gives the same page
                "font.family": families,
                "font.size": 9,
                "axes.spines.top": False,
                "axes.spines.right": False,
                "axes.titlesize": 10,
                "axes.titleweight": "bold",
                "legend.frameon": False,
            }
        ),
        warnings.catch_warnings(),
    ):
        # Without any CJK font the text is still written as text (the browser renders it); only
        # matplotlib's measurement is off, which its missing-glyph warnings would repeat per glyph.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        yield


def trend_chart(rows: Sequence[TrendRow], year_labels: dict[int, str]) -> str:
    """Share of evaluation rows on or above target (grades 1–3) per fiscal year: whole plan and pillars.

    Lines across years; bars when there is only one year to show."""
    series = _series(rows)
    years = sorted({row.fiscal_year for row in rows})
    with _chart_style():
        fig = Figure(figsize=(WIDTH_IN, 3.0 if len(years) == 1 else 3.8))
        ax = fig.add_subplot()
        if len(years) == 1:
            for i, (_, points) in enumerate(series):
                share = points[years[0]]
                bar = ax.bar(i, share, color=SERIES_COLOURS[i % len(SERIES_COLOURS)], width=0.6)
                ax.bar_label(bar, labels=[f"{share:.0%}"], padding=2)
            ax.set_xticks(range(len(series)), [label for label, _ in series])
            ax.set_xlabel(year_labels.get(years[0], str(years[0])))
        else:
            positions = {year: i for i, year in enumerate(years)}
            for i, (label, points) in enumerate(series):
                xs = [positions[y] for y in sorted(points)]
                ys = [points[y] for y in sorted(points)]
                ax.plot(
                    xs,
                    ys,
                    marker="o",
                    linewidth=2.2 if i == 0 else 1.5,
                    color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
                    label=label.replace("\n", " "),
                )
            ax.set_xticks(range(len(years)), [year_labels.get(y, str(y)) for y in years])
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_ylim(0, 1.08)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylabel("目標どおり以上（達成度1–3）の割合\nshare on or above target (grades 1–3)")
        ax.grid(axis="y", color="#dddddd")
        ax.set_axisbelow(True)
        return _svg(fig, "chart-trend", "達成度の推移 Attainment trend")


def _series(rows: Sequence[TrendRow]) -> list[tuple[str, dict[int, float]]]:
    """The whole plan first, then each pillar, each with its share per fiscal year."""
    shown = [row for row in rows if row.grouping in ("plan", "pillar") and row.share_on_or_above_target is not None]
    programmes = {row.group_id.split("-")[0] for row in shown if row.grouping == "pillar"}
    series: dict[tuple[int, str], tuple[str, dict[int, float]]] = {}
    for row in shown:
        label = short_group_label(row, with_programme=len(programmes) > 1)
        order = (0 if row.grouping == "plan" else 1, row.group_id)
        series.setdefault(order, (label, {}))[1][row.fiscal_year] = row.share_on_or_above_target
    return [series[key] for key in sorted(series)]


def short_group_label(row: TrendRow, with_programme: bool = False) -> str:
    """「取組方針Ⅰ\nPillar I」 from a pillar's full titles, 「計画全体\nwhole plan」 for the plan; with the
    programme (「第3期」, 3rd) when pillars of several programmes, numbered each on its own, are shown."""
    ja = row.label_ja.split()[0] if row.label_ja else row.group_id
    en = row.label_en.split(":")[0] if row.label_en else ""
    if with_programme and row.grouping == "pillar":
        programme = row.group_id.split("-")[0]
        ja, en = f"{ja}（第{programme}期）", f"{en} (programme {programme})"
    return f"{ja}\n{en}" if en else ja


def bureau_grades_chart(rows: Sequence[TrendRow], grades: Sequence[Grade], year_label: str) -> str:
    """Evaluation rows per achievement grade, one stacked bar per bureau or ward office."""
    rows = sorted(
        rows,
        key=lambda r: (-(r.below_target_rows / r.evaluation_rows if r.evaluation_rows else 0), -r.evaluation_rows, r.group_id),
    )
    with _chart_style():
        fig = Figure(figsize=(WIDTH_IN, 0.8 + 0.3 * max(len(rows), 1)))
        ax = fig.add_subplot()
        positions = range(len(rows))
        left = [0] * len(rows)
        for index, grade in enumerate(grades):
            counts = [row.grade_rows[index] for row in rows]
            ax.barh(
                positions,
                counts,
                left=left,
                height=0.7,
                color=GRADE_COLOURS.get(grade.code, "#999999"),
                label=f"{grade.code} {grade.label_ja} {grade.label_en}",
            )
            left = [a + b for a, b in zip(left, counts)]
        for y, (row, total) in enumerate(zip(rows, left)):
            below = f"（4–5: {row.below_target_rows}）" if row.below_target_rows else ""
            ax.text(total + 0.2, y, f"{total}{below}", va="center", fontsize=8, color="#444444")
        ax.set_yticks(list(positions), ["  ".join(bilingual(row.label_ja, row.label_en)) for row in rows], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, max(left, default=1) * 1.18 + 1)
        ax.set_xlabel(f"評価行数 evaluation rows ({year_label})")
        ax.legend(loc="lower right", fontsize=8, title="達成度 achievement grade", title_fontsize=8)
        ax.grid(axis="x", color="#eeeeee")
        ax.set_axisbelow(True)
        return _svg(fig, "chart-bureaus", "担当局別の達成度 Achievement grades per bureau")


REFERENCE_RATIO = 1.0  # the dashed line: actual = target


def kpi_ratio_chart(rows: Sequence[KpiRow], cap: float = 2.0) -> str:
    """Actual ÷ target for every KPI target with an attributable actual; bars past ``cap`` are cut
    and labelled with their value."""
    with _chart_style():
        return _svg(kpi_ratio_figure(rows, cap), "chart-kpis", "KPI目標と実績 KPI targets against stated actuals")


def kpi_ratio_figure(rows: Sequence[KpiRow], cap: float = 2.0) -> Figure:
    """The figure of ``kpi_ratio_chart`` (drawn inside ``_chart_style``)."""
    rows = [row for row in rows if row.attainment_ratio is not None]
    rows.sort(key=lambda r: r.attainment_ratio)
    fig = Figure(figsize=(WIDTH_IN, 0.9 + 0.32 * max(len(rows), 1)))
    ax = fig.add_subplot()
    ratios = [min(row.attainment_ratio, cap) for row in rows]
    colours = [MET_COLOUR if row.is_met else NOT_MET_COLOUR for row in rows]
    ax.barh(range(len(rows)), ratios, color=colours, height=0.65)
    ax.axvline(REFERENCE_RATIO, color="#333333", linewidth=1, linestyle="--")
    ax.set_yticks(range(len(rows)), [_kpi_label(row) for row in rows], fontsize=8)
    low = min([0.0, *ratios])
    ax.set_xlim(low - (0.35 if low < 0 else 0), cap + 0.25)
    labels = []
    for y, row in enumerate(rows):
        x = min(row.attainment_ratio, cap)
        label = f"{row.attainment_ratio:.0%}" + ("（見込 est.）" if row.actual_is_estimate else "")
        labels.append(
            ax.text(
                x + 0.02 if x >= 0 else x - 0.02,
                y,
                label,
                ha="left" if x >= 0 else "right",
                va="center",
                fontsize=8,
                color="#444444",
            )
        )
    _clear_reference_line(ax, labels, REFERENCE_RATIO)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("実績 ÷ 目標 actual ÷ target（破線 = 100%  dashed line = 100%）")
    handles = [Patch(color=MET_COLOUR, label="達成 met"), Patch(color=NOT_MET_COLOUR, label="未達成 not met")]
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    return fig


def _clear_reference_line(ax, labels: list, x_line: float, gap_px: float = 3.0) -> None:
    """A value label that the vertical line at ``x_line`` would cross (a bar ending just short of it)
    moves to just past the line, where it stays next to its bar and readable."""
    line_px = ax.transData.transform((x_line, 0))[0]
    # One renderer for every label: asked without one, each label printed the whole figure to measure.
    renderer = FigureCanvasAgg(ax.figure).get_renderer()
    for text in labels:
        box = text.get_window_extent(renderer)
        if box.x0 - gap_px < line_px < box.x1 + gap_px:
            after = ax.transData.inverted().transform((line_px + gap_px + 1, 0))[0]
            text.set_x(after)
            text.set_horizontalalignment("left")


def _kpi_label(row: KpiRow, width: int = 30) -> str:
    metric = row.metric if len(row.metric) <= width else row.metric[: width - 1] + "…"
    comparator = {"<=": "（以下 ≤）"}.get(row.comparator, "")
    return f"No.{row.initiative_no} {metric}{comparator}"


def initiative_changes_chart(pairs: Sequence[YearPair], years: dict[int, tuple[str, str]]) -> str:
    """Initiatives added and dropped per pair of consecutive sheet years (``years``: year → (en, ja)
    labels); the number carried over is in each pair's label."""
    with _chart_style():
        fig = Figure(figsize=(WIDTH_IN, 2.8))
        ax = fig.add_subplot()
        kinds = (("added", "追加 added"), ("dropped", "廃止 dropped"))
        width = 0.32
        for k, (kind, label) in enumerate(kinds):
            values = [getattr(pair, kind) for pair in pairs]
            bars = ax.bar(
                [i + (k - 0.5) * width for i in range(len(pairs))], values, width=width, color=CHANGE_COLOURS[kind], label=label
            )
            ax.bar_label(bars, padding=2, fontsize=8)
        ax.set_xticks(range(len(pairs)), [_pair_label(p, years) for p in pairs])
        pad = max(0.1, (4 - len(pairs)) / 2)  # a single pair does not fill the width
        ax.set_xlim(-0.5 - pad, len(pairs) - 0.5 + pad)
        ax.set_ylim(0, max([1, *(max(p.added, p.dropped) for p in pairs)]) * 1.25)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel("取組数 initiatives")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.grid(axis="y", color="#eeeeee")
        ax.set_axisbelow(True)
        return _svg(fig, "chart-changes", "取組の追加・廃止 Initiatives added and dropped")


def _pair_label(pair: YearPair, years: dict[int, tuple[str, str]]) -> str:
    previous_en, previous_ja = years.get(pair.previous_fiscal_year, (str(pair.previous_fiscal_year), ""))
    en, ja = years.get(pair.fiscal_year, (str(pair.fiscal_year), ""))
    restructured = "".join(
        f"\n{label} {count}"
        for label, count in (("再掲 back", pair.returned), ("統合 merged", pair.merged), ("分割 split", pair.split))
        if count
    )
    return f"{previous_en} → {en}\n{previous_ja} → {ja}\n継続 carried {pair.carried}{restructured}"


_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_STYLE = re.compile(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", re.S)
_NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_SIZE = re.compile(r'\s(width|height)="[\d.]+pt"')
_FONT_FAMILY = re.compile(r"font-family:[^;\"]*;?\s*")
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')


def _svg(fig: Figure, chart_id: str, title: str) -> str:
    """The figure as an ``<svg>`` element for an HTML page (see the module docstring)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.1, metadata={"Date": None})
    return inline_svg(buffer.getvalue(), chart_id, title)


def inline_svg(svg: str, chart_id: str, title: str) -> str:
    svg = _PROLOG.sub("", svg)
    svg = _METADATA.sub("", svg)
    svg = _STYLE.sub("", svg)
    svg = _NAMESPACES.sub("", svg)  # the HTML parser puts inline SVG (and xlink:href) in their namespaces
    svg = _SIZE.sub("", svg)  # sized by the page's CSS, from the viewBox
    svg = _FONT_FAMILY.sub("", svg)  # text takes the page's font stack
    svg = _ID.sub(lambda m: f'id="{chart_id}-{m.group(1)}"', svg)
    svg = _REFERENCE.sub(lambda m: f"{m.group(1)}{chart_id}-{m.group(2)}", svg)
    return svg.replace("<svg", f'<svg id="{chart_id}" class="chart" role="img" aria-label="{escape(title)}"', 1).strip()
