"""How the report prints values: labels in both languages, shares, changes in points, figures with
their units, and sheet texts with their hard wraps joined."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from pipeline.report.data import bilingual


def bilingual_html(ja: str | None, en: str | None) -> str:
    """Japanese, with the English below it where there is one."""
    first, *rest = bilingual(ja, en)
    return escape(first) + "".join(f'<br><span class="en">{escape(part)}</span>' for part in rest)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def points(value: float | None) -> str:
    """A change of a share, in percentage points."""
    return "—" if value is None else f"{value * 100:+.1f} pt"


def number(value: Decimal | None, unit: str | None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return f"{text} {unit}" if unit else text


def joined(text: str | None) -> str:
    """A sheet text with its hard line wraps joined (cells wrap mid-word)."""
    return "".join(line.strip() for line in (text or "").splitlines())
