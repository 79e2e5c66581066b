"""Sheets printed by a real browser: rows as an HTML table laid out like the city's, printed to PDF by
headless Chromium (which `make test` installs).

A browser is one of the producers the reader must handle: it draws borders as thin rectangles,
repeats the header row (<thead>) on every page, splits tall rows and merged cells (rowspan) wherever
the page ends, and names some glyphs by their twins (see pipeline/extract/glyphs.py). The page size,
the cells' vertical alignment and the font move every page break; nothing here chooses where.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.extract.layout import CIRCLED_NUMBERS
from pipeline.extract.records import Sheet, SheetRow
from tests.text_fixtures import achievement_label, contribution_label, era_label, policy_code_printed

# (header, width in pt): the city's A3 columns.
COLUMNS = (
    ("No.", 14),
    ("取組名", 45),
    ("事務事業名", 32),
    ("施策番号", 32),
    ("取組の内容", 106),
    ("{era}の取組内容", 193),
    ("「⑤{era}の取組内容」に対する達成度", 44),
    ("取組内容の実績等", 265),
    ("施策への貢献度（評価）", 44),
    ("評価の理由", 165),
    ("今後の事業の方向性", 175),
    ("担当局", 21),
)
# Chromium as this machine's closed network needs it (see the workplace's notes on headless Chromium).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


@dataclass(frozen=True)
class BrowserLayout:
    page: str = "A3 landscape"  # a CSS @page size
    vertical_align: str = "top"
    font: str = "IPAexGothic"


def sheet_html(sheet: Sheet, layout: BrowserLayout) -> str:
    era = era_label(sheet.fiscal_year)
    head = "".join(f"<th>{_escape(name.format(era=era))}</th>" for name, _ in COLUMNS)
    widths = "".join(f'<col style="width:{width}pt">' for _, width in COLUMNS)
    body = "\n".join(_body_rows(sheet.rows))
    return f"""<!doctype html><html lang="ja"><meta charset="utf-8"><title>{_escape(sheet.title)}</title>
<style>
@page {{ size: {layout.page}; margin: 10mm; }}
body {{ font-family: '{layout.font}'; font-size: 6pt; }}
h1 {{ font-size: 9pt; margin: 0 0 4pt; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
th, td {{ border: 0.75pt solid black; vertical-align: {layout.vertical_align}; padding: 1pt; word-break: break-all; }}
th {{ background: #d9e1f2; font-weight: normal; }}
td.section {{ background: #eeeeee; }}
</style>
<h1>{_escape(sheet.title)}</h1>
<table><colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead><tbody>
{body}
</tbody></table></html>
"""


def write_browser_pdf(path: Path, sheet: Sheet, layout: BrowserLayout = BrowserLayout()) -> None:
    """Print the sheet to `path` with headless Chromium."""
    chromium = shutil.which("chromium")
    if chromium is None:
        raise FileNotFoundError("chromium is not installed; `make test` installs it (Debian package chromium)")
    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "sheet.html"
        page.write_text(sheet_html(sheet, layout), encoding="utf-8")
        subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={work}/profile", f"--print-to-pdf={path}", page.as_uri()],
            check=True,
            capture_output=True,
            timeout=120,
        )


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _body_rows(rows: tuple[SheetRow, ...]) -> list[str]:
    out: list[str] = []
    previous: SheetRow | None = None
    index = 0
    while index < len(rows):
        first = rows[index]
        group = [row for row in rows[index:] if row.initiative_no == first.initiative_no]
        if previous is None or first.pillar != previous.pillar:
            out.append(_section(f"【取組方針{first.pillar}】{first.pillar_title}"))
        if previous is None or (first.pillar, first.direction_no) != (previous.pillar, previous.direction_no):
            out.append(_section(f"取組の方向性{first.direction_no}　{first.direction_title}"))
        if previous is None or (first.pillar, first.direction_no, first.subarea_no) != (
            previous.pillar,
            previous.direction_no,
            previous.subarea_no,
        ):
            out.append(_section(f"{CIRCLED_NUMBERS[first.subarea_no - 1]}{first.subarea_title}"))
        span = len(group)
        for k, row in enumerate(group):
            cells = [row.initiative_no, row.initiative_name] if k == 0 else []
            cells = [f"<td rowspan={span}>{_escape(str(text))}</td>" for text in cells]
            cells += [f"<td>{_escape(text)}</td>" for text in (row.project_name, policy_code_printed(row.policy_code))]
            if k == 0:
                cells += [f"<td rowspan={span}>{_escape(text)}</td>" for text in (row.description, row.plan_fy)]
            own = (
                achievement_label(row.achievement_code),
                row.results,
                contribution_label(row.contribution_code),
                row.reason,
                row.future_direction,
                row.bureau,
            )
            cells += [f"<td>{_escape(text)}</td>" for text in own]
            out.append(f"<tr>{''.join(cells)}</tr>")
        previous = group[-1]
        index += span
    return out


def _section(text: str) -> str:
    return f'<tr><td class="section" colspan="{len(COLUMNS)}">{_escape(text)}</td></tr>'
