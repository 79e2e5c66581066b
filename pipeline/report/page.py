"""The report as one self-contained HTML page: inline CSS, inline SVG charts, nothing fetched.

Every heading and label is Japanese with its English alongside. Texts from the sheets are escaped and
their hard line wraps (the sheet wraps cells mid-word) joined.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from pipeline.report import charts
from pipeline.report.data import BelowTargetRow, InitiativeChange, KpiRow, ReportData, TrendRow
from pipeline.report.formats import bilingual_html, joined, number, percent, points
from pipeline.report.style import CSS

TITLE_JA = "川崎市国際施策推進プラン 進行管理シート レポート"
TITLE_EN = "Kawasaki City International Policy Promotion Plan — progress report"

CHANGE_LABELS = {
    "added": "追加 added",
    "dropped": "廃止 dropped",
    "returned": "再掲 back after a gap",
    "merged": "統合 merged",
    "split": "分割 split off",
}

STATUS_LABELS = {
    "met": ("達成", "met"),
    "not met": ("未達成", "not met"),
    "actual not attributable": ("実績を目標に対応付けられない", "actual not attributable"),
    "no actual stated": ("実績の記載なし", "no actual stated"),
}


@dataclass(frozen=True)
class Section:
    id: str
    title_ja: str
    title_en: str
    body: str


@dataclass(frozen=True)
class RenderedReport:
    html: str
    sections: tuple[Section, ...]


def render_report(data: ReportData) -> RenderedReport:
    """The page for ``data``: the same data gives the same bytes."""
    sections = [_summary(data), _trend(data), _bureaus(data), _below_target(data), _kpis(data)]
    if data.year_pairs is not None and data.changes is not None:
        sections.append(_changes(data))
    years = ", ".join(f"{y.label_en}（{y.label_ja}）" for y in data.years) or "—"
    nav = "".join(f'<a href="#{s.id}">{escape(s.title_ja)} <span class="en">{escape(s.title_en)}</span></a>' for s in sections)
    body = "\n".join(
        f'<section id="{s.id}">\n<h2>{escape(s.title_ja)}<span class="en">{escape(s.title_en)}</span></h2>\n{s.body}\n</section>'
        for s in sections
    )
    page = f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(TITLE_JA)} — {escape(TITLE_EN)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{escape(TITLE_JA)}<br><span class="en">{escape(TITLE_EN)}</span></h1>
<p class="meta">年度 Fiscal years: {escape(years)} ・ データ source: {escape(data.source)}（schema <code>marts</code>）</p>
<nav>{nav}</nav>
</header>
<main>
{body}
</main>
<footer>
<p>達成度 achievement grade: 1 目標を大きく上回って達成 far exceeded · 2 目標を上回って達成 exceeded ·
3 ほぼ目標どおり roughly on target · 4 目標を下回った below · 5 目標を大きく下回った far below.
「目標どおり以上」 = grades 1–3 (on or above target). Counts are of evaluation rows (評価行): an initiative
with several 事務事業 or ward rows counts once per row. KPI actuals are those the results state explicitly
and that match a target without doubt (see docs/warehouse.md).</p>
</footer>
</body>
</html>
"""
    return RenderedReport(html=page, sections=tuple(sections))


# ------------------------------------------------------------------------------------------ sections


def _summary(data: ReportData) -> Section:
    latest = data.latest_year
    if latest is None:
        return Section("summary", "概要", "Summary", "<p>シートのある年度がありません。No fiscal year has a sheet yet.</p>")
    plan = _plan_row(data.trend, latest.fiscal_year)
    share = plan.share_on_or_above_target if plan else None
    change = plan.change_share_on_or_above_target if plan else None
    cards = [
        (str(plan.evaluation_rows if plan else 0), "評価行 evaluation rows"),
        (str(data.initiatives.get(latest.fiscal_year, 0)), "取組 initiatives"),
        (
            percent(share) + (f" ({points(change)})" if change is not None else ""),
            "目標どおり以上（達成度1–3） on or above target",
        ),
        (str(plan.below_target_rows if plan else 0), "目標を下回った（達成度4–5） below target"),
        (
            f"{plan.kpi_targets_met if plan else 0} / {plan.kpi_targets_with_actual if plan else 0}",
            "KPI 達成 / 実績のある目標 met / with an actual",
        ),
        (str(plan.kpi_targets if plan else 0), "計画のKPI目標 the plan's KPI targets"),
    ]
    body = (
        f'<p>{escape(latest.label_ja)} {escape(latest.label_en)}（最新年度 latest year）</p>\n<div class="cards">'
        + "".join(
            f'<div class="card"><div class="value">{escape(v)}</div><div class="label">{escape(label)}</div></div>'
            for v, label in cards
        )
        + "</div>"
    )
    return Section("summary", "概要", "Summary", body)


def _trend(data: ReportData) -> Section:
    labels = {y.fiscal_year: f"{y.label_en}\n{y.label_ja}" for y in data.years}
    rows = [r for r in data.trend if r.grouping in ("plan", "pillar")]
    if not rows:
        return Section("trend", "達成度の推移", "Attainment trend", "<p>データがありません。No data.</p>")
    chart = charts.trend_chart(rows, labels)
    caption = (
        "計画全体と取組方針ごとの、達成度1–3（目標どおり以上）の評価行の割合。"
        "Share of evaluation rows graded 1–3 (on or above target), whole plan and each pillar."
    )
    directions = sorted((r for r in data.trend if r.grouping == "direction"), key=lambda r: (-r.fiscal_year, r.group_id))
    body = (
        f"<figure>{chart}<figcaption>{escape(caption)}</figcaption></figure>\n"
        + _trend_table(sorted(rows, key=_latest_first))
        + _first_year_note(data)
        + (f"<details><summary>取組の方向性ごと By direction</summary>{_trend_table(directions)}</details>" if directions else "")
    )
    return Section("trend", "達成度の推移", "Attainment trend", body)


def _trend_table(rows: Sequence[TrendRow]) -> str:
    head = (
        "<tr><th>年度 FY</th><th>区分 group</th><th>評価行 rows</th><th>1</th><th>2</th><th>3</th><th>4</th><th>5</th>"
        "<th>目標どおり以上 on or above target</th><th>前年差 change</th></tr>"
    )
    body = "".join(
        f"<tr><td>{r.fiscal_year}</td><td>{bilingual_html(r.label_ja, r.label_en)}</td>"
        f'<td class="num">{r.evaluation_rows}</td>'
        + "".join(f'<td class="num">{n}</td>' for n in r.grade_rows)
        + f'<td class="num">{percent(r.share_on_or_above_target)}</td>'
        f'<td class="num">{points(r.change_share_on_or_above_target)}</td></tr>'
        for r in rows
    )
    return f"<table>{head}{body}</table>"


def _bureaus(data: ReportData) -> Section:
    latest = data.latest_year
    title = ("bureaus", "担当局別の達成度", "Achievement grades per bureau")
    rows = [r for r in data.trend if latest and r.grouping == "bureau" and r.fiscal_year == latest.fiscal_year]
    if not rows:
        return Section(*title, "<p>データがありません。No data.</p>")
    chart = charts.bureau_grades_chart(rows, data.achievement_grades, f"{latest.label_en} {latest.label_ja}")
    caption = (
        f"{latest.label_ja}（{latest.label_en}）の担当局・区役所ごとの評価行数を達成度別に。目標を下回った割合の高い順。"
        "Evaluation rows per achievement grade for each bureau or ward office, highest share below target first."
    )
    table = _trend_table(sorted(rows, key=lambda r: r.group_id))
    body = (
        f"<figure>{chart}<figcaption>{escape(caption)}</figcaption></figure>\n"
        f"<details><summary>表で見る Show as a table</summary>{table}</details>\n" + _bureaus_across_years(data)
    )
    return Section(*title, body)


def _bureaus_across_years(data: ReportData) -> str:
    """Per bureau (``bureau_key``: a renamed bureau is one row) and sheet year, the share of rows on or
    above target, with the change from the previous sheet year the bureau has rows in."""
    rows = [r for r in data.trend if r.grouping == "bureau"]
    by_bureau: dict[str, dict[int, TrendRow]] = {}
    for r in rows:
        by_bureau.setdefault(r.group_id, {})[r.fiscal_year] = r
    years = data.years
    head = (
        "<tr><th>担当局 bureau</th>"
        + "".join(
            f'<th>{escape(y.label_en)}<br><span class="en">{escape(y.label_ja)}</span></th>'
            + ("<th>前年差 change</th>" if i else "")
            for i, y in enumerate(years)
        )
        + "</tr>"
    )
    body = []
    for group_id, cells in sorted(by_bureau.items(), key=lambda item: item[1][max(item[1])].label_ja or item[0]):
        label = cells[max(cells)]  # named as in its latest year
        tds = []
        for i, year in enumerate(years):
            r = cells.get(year.fiscal_year)
            tds.append(
                f'<td class="num" data-year="{year.fiscal_year}">'
                + (f'{percent(r.share_on_or_above_target)}<br><span class="en">{r.evaluation_rows} 行 rows</span>' if r else "")
                + "</td>"
            )
            if i:
                change = r.change_share_on_or_above_target if r else None
                css = "" if not change else " up" if change > 0 else " down"
                tds.append(f'<td class="num change{css}" data-year="{year.fiscal_year}">{points(change) if r else ""}</td>')
        body.append(
            f'<tr data-bureau="{escape(group_id)}"><td>{bilingual_html(label.label_ja, label.label_en)}</td>{"".join(tds)}</tr>'
        )
    intro = (
        "<p>担当局・区役所ごとの、年度別の目標どおり以上（達成度1–3）の割合と前年差（ポイント）。組織改正で名称が変わった局は"
        "1行にまとめ、最新年度の名称で表示。Share of each bureau's rows on or above target per sheet year, with the "
        "change from the previous sheet year in points; a bureau renamed in a reorganisation is one row, "
        "named as in its latest year.</p>"
    )
    return (
        f'<h3 id="bureaus-across-years">年度ごとの推移 Across the years</h3>{intro}'
        f'<table class="bureau-years">{head}{"".join(body)}</table>' + _first_year_note(data)
    )


def _first_year_note(data: ReportData) -> str:
    """With one sheet year there is nothing to compare with: say so instead of a column of dashes."""
    if len(data.years) > 1:
        return ""
    return (
        '<p class="note">前年差は2年目のシートから表示されます（この倉庫のシートは1年分です）。'
        "Changes from the previous year appear from the second sheet year on: this warehouse has one.</p>"
    )


def _below_target(data: ReportData) -> Section:
    grades = {g.code: g for g in data.achievement_grades}
    parts = []
    for year in reversed(data.years):
        rows = [r for r in data.below_target if r.fiscal_year == year.fiscal_year]
        table = _below_target_table(rows, grades) if rows else "<p>該当なし No rows below target.</p>"
        heading = f"<h3>{escape(year.label_ja)} {escape(year.label_en)}（{len(rows)} 評価行 rows）</h3>"
        if year is data.latest_year:
            parts.append(heading + table)
        else:
            parts.append(f"<details><summary>{heading}</summary>{table}</details>")
    intro = (
        "<p>達成度4（目標を下回った）・5（目標を大きく下回った）の評価行と、シートに記載された理由。"
        "Evaluation rows graded 4 (below the target) or 5 (far below), with the reason the sheet gives.</p>"
    )
    return Section("below-target", "目標を下回った取組", "Initiatives below target", intro + "\n".join(parts))


def _below_target_table(rows: Sequence[BelowTargetRow], grades: dict) -> str:
    head = (
        "<tr><th>No.</th><th>取組 initiative</th><th>事務事業 project</th><th>担当局 bureau</th>"
        "<th>達成度 grade</th><th>貢献度 contribution</th><th>理由 reason</th></tr>"
    )
    body = []
    for r in rows:
        grade = grades.get(str(r.achievement_code))
        grade_text = (
            f'{r.achievement_code} {grade.label_ja}<br><span class="en">{grade.label_en}</span>'
            if grade
            else str(r.achievement_code)
        )
        badge = ' <span class="badge">2年連続 2 years running</span>' if r.below_previous_year else ""
        body.append(
            f'<tr><td class="num">{r.initiative_no}</td><td>{escape(r.initiative_name)}{badge}</td>'
            f"<td>{escape(joined(r.project_name))}</td>"
            f"<td>{bilingual_html(r.bureau_ja, r.bureau_en)}</td>"
            f'<td class="grade">{grade_text}</td><td>{escape(r.contribution_code or "")}</td>'
            f'<td class="reason">{escape(joined(r.reason))}</td></tr>'
        )
    return f"<table>{head}{''.join(body)}</table>"


def _kpis(data: ReportData) -> Section:
    latest = data.latest_year
    title = ("kpis", "KPI目標と実績", "KPI targets against stated actuals")
    if latest is None or not data.kpis:
        return Section(*title, "<p>KPI目標がありません。No KPI targets.</p>")
    counts = _kpi_status_table(data)
    rows = [k for k in data.kpis if k.fiscal_year == latest.fiscal_year]
    with_actual = [k for k in rows if k.attainment_ratio is not None]
    without = [k for k in rows if k.attainment_ratio is None]
    chart = (
        f"<figure>{charts.kpi_ratio_chart(with_actual)}<figcaption>"
        f"{escape(latest.label_ja)}（{escape(latest.label_en)}）: 実績の記載があり目標に対応付けられたKPIの、実績÷目標。"
        "Actual ÷ target for each KPI target whose actual the results state.</figcaption></figure>"
        if with_actual
        else "<p>実績の記載のあるKPIはありません。No KPI target has a stated actual.</p>"
    )
    body = (
        _kpi_trend(data)
        + counts
        + chart
        + f"<h3>実績のある目標 Targets with a stated actual（{len(with_actual)}）</h3>"
        + _kpi_table(with_actual)
        + f"<details><summary>実績のない目標 Targets without an attributable actual（{len(without)}）</summary>"
        + _kpi_table(without)
        + "</details>"
    )
    return Section(*title, body)


def _kpi_trend(data: ReportData) -> str:
    """KPI attainment beside the grades: per sheet year, for the whole plan and each pillar (each bureau
    behind a fold), the plan's targets, those with an actual, those met and the share met."""

    def table(rows: Sequence[TrendRow]) -> str:
        head = (
            "<tr><th>年度 FY</th><th>区分 group</th><th>KPI目標 targets</th><th>実績あり with an actual</th>"
            "<th>達成 met</th><th>達成率 share met</th><th>前年差 change</th></tr>"
        )
        body = "".join(
            f"<tr><td>{r.fiscal_year}</td><td>{bilingual_html(r.label_ja, r.label_en)}</td>"
            f'<td class="num">{r.kpi_targets}</td><td class="num">{r.kpi_targets_with_actual}</td>'
            f'<td class="num">{r.kpi_targets_met}</td><td class="num">{percent(r.share_kpis_met)}</td>'
            f'<td class="num">{points(r.change_share_kpis_met)}</td></tr>'
            for r in rows
        )
        return f'<table class="kpi-trend">{head}{body}</table>'

    plan_and_pillars = sorted((r for r in data.trend if r.grouping in ("plan", "pillar")), key=_latest_first)
    bureaus = sorted((r for r in data.trend if r.grouping == "bureau"), key=_latest_first)
    intro = (
        "<p>計画のKPI目標のうち実績が記載され目標に対応付けられたものに占める、達成した目標の割合（年度・取組方針別）。"
        "Of the plan's KPI targets whose actual the results state, the share met, per sheet year and pillar.</p>"
    )
    return (
        f'<h3 id="kpi-attainment">KPI達成率の推移 KPI attainment per year and pillar</h3>{intro}{table(plan_and_pillars)}'
        + _first_year_note(data)
        + f"<details><summary>担当局ごと By bureau</summary>{table(bureaus)}</details>"
    )


def _kpi_status_table(data: ReportData) -> str:
    head = (
        "<tr><th>年度 FY</th>"
        + "".join(f'<th>{escape(ja)}<br><span class="en">{escape(en)}</span></th>' for ja, en in STATUS_LABELS.values())
        + "<th>計 total</th></tr>"
    )
    body = []
    for year in reversed(data.years):
        status = Counter(k.attainment_status for k in data.kpis if k.fiscal_year == year.fiscal_year)
        body.append(
            f"<tr><td>{escape(year.label_en)} {escape(year.label_ja)}</td>"
            + "".join(f'<td class="num">{status[key]}</td>' for key in STATUS_LABELS)
            + f'<td class="num">{sum(status.values())}</td></tr>'
        )
    return f"<table>{head}{''.join(body)}</table>"


def _kpi_table(rows: Iterable[KpiRow]) -> str:
    head = (
        "<tr><th>No.</th><th>取組 initiative</th><th>目標 target</th><th>実績 actual</th>"
        "<th>実績÷目標 ratio</th><th>状況 status</th></tr>"
    )
    body = []
    for k in rows:
        ja, en = STATUS_LABELS.get(k.attainment_status, (k.attainment_status, ""))
        css = {"met": "status-met", "not met": "status-not-met"}.get(k.attainment_status, "")
        actual = number(k.actual_value, k.unit) + ("（見込 estimate）" if k.actual_is_estimate else "")
        quoted = f'<br><span class="en">「{escape(joined(k.actual_text))}」</span>' if k.actual_text else ""
        stated = '<br><span class="en">実績欄の目標 stated in the results</span>' if k.target_source == "results" else ""
        body.append(
            f'<tr><td class="num">{k.initiative_no}</td><td>{escape(k.initiative_name)}</td>'
            f"<td>{escape(joined(k.target_text))}{stated}</td><td>{escape(actual)}{quoted}</td>"
            f'<td class="num">{percent(k.attainment_ratio)}</td>'
            f'<td class="{css}">{escape(ja)}<br><span class="en">{escape(en)}</span></td></tr>'
        )
    return f"<table>{head}{''.join(body)}</table>"


def _changes(data: ReportData) -> Section:
    chart = charts.initiative_changes_chart(data.year_pairs, {y.fiscal_year: (y.label_en, y.label_ja) for y in data.years})
    parts = [
        f"<figure>{chart}<figcaption>前年度から継続・追加・廃止された取組の数（取組の識別キー initiative_key による）。"
        "統合・分割された取組と空白の年度の後に再掲された取組は追加・廃止に数えず、表に示す。"
        "Initiatives carried over, added and dropped from the previous sheet year, by initiative_key; those "
        "merged, split off or back after a gap year are not counted as added or dropped, and are listed below."
        "</figcaption></figure>"
    ]
    names = {y.fiscal_year: f"{y.label_en}（{y.label_ja}）" for y in data.years}
    for pair in reversed(data.year_pairs):
        previous, current = (escape(names.get(y, str(y))) for y in (pair.previous_fiscal_year, pair.fiscal_year))
        heading = f"<h3>{previous} → {current}</h3>"
        pair_changes = [c for c in data.changes if c.fiscal_year == pair.fiscal_year]
        parts.append(heading + _changes_table(pair_changes))
    return Section("changes", "取組の追加・廃止", "Initiatives added and dropped", "\n".join(parts))


def _change_note(change: InitiativeChange) -> str:
    if change.change == "returned":
        return (
            f'<br><span class="en">{change.previous_fiscal_year}年度以来 last printed in FY{change.previous_fiscal_year}</span>'
        )
    if change.change == "merged":
        return f'<br><span class="en">→ {escape(change.other_name or "")} に統合 merged into it</span>'
    if change.change == "split":
        return f'<br><span class="en">{escape(change.other_name or "")} から分割 split from it</span>'
    return ""


def _changes_table(changes: Sequence[InitiativeChange]) -> str:
    if not changes:
        return "<p>追加・廃止なし No initiative added or dropped.</p>"
    head = "<tr><th>変化 change</th><th>No.</th><th>取組 initiative</th><th>識別キー key</th></tr>"
    body = "".join(
        f'<tr><td>{CHANGE_LABELS.get(c.change, c.change)}</td><td class="num">{c.initiative_no}</td>'
        f"<td>{escape(c.initiative_name)}{_change_note(c)}</td><td><code>{escape(c.initiative_key)}</code></td></tr>"
        for c in changes
    )
    return f"<table>{head}{body}</table>"


def _latest_first(row: TrendRow) -> tuple:
    """Trend rows newest year first, the whole plan before its groups."""
    return -row.fiscal_year, row.grouping != "plan", row.group_id


def _plan_row(trend: Sequence[TrendRow], year: int) -> TrendRow | None:
    return next((r for r in trend if r.fiscal_year == year and r.grouping == "plan"), None)
