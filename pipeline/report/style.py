"""The report page's look: its CSS, and the fonts it asks for (Japanese first, as the sheets are)."""

FONT_STACK = (
    '"IPAexGothic", "IPAGothic", "Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP", '
    '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", "Meiryo", sans-serif'
)

CSS = """
:root { color-scheme: light; }
body { font-family: {font}; margin: 0; color: #222; background: #fff; line-height: 1.55; font-size: 15px; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; border-bottom: 3px solid #1b6ca8; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; border-left: 6px solid #1b6ca8; padding-left: 10px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
.en { color: #555; font-weight: normal; margin-left: .6em; font-size: .85em; }
.meta { color: #555; margin: 0 0 12px; }
nav { margin: 10px 0 14px; font-size: 14px; }
nav a { margin-right: 1.2em; color: #1b6ca8; text-decoration: none; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.card .value { font-size: 26px; font-weight: bold; }
.card .label { font-size: 13px; color: #444; }
figure { margin: 12px 0; }
svg.chart { display: block; width: 100%; height: auto; max-width: 1100px; }
svg.chart text { font-family: {font}; }
figcaption { font-size: 13px; color: #555; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #f3f6f9; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.reason { max-width: 520px; }
td.grade { min-width: 9em; }
.badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; white-space: nowrap;
         background: #b2182b; color: #fff; }
.status-met { color: #1a7837; font-weight: bold; }
.up { color: #1a7837; }
.down { color: #b2182b; }
.note { color: #555; font-size: 13px; }
.status-not-met { color: #b2182b; font-weight: bold; }
details { margin: 6px 0 14px; }
summary { cursor: pointer; color: #1b6ca8; }
footer { margin-top: 40px; padding-bottom: 30px; border-top: 1px solid #d0d7de; font-size: 13px; color: #555; }
""".replace("{font}", FONT_STACK)
