"""Markdown previews for asset metadata in the Dagster UI."""

from __future__ import annotations


def markdown_table(records: list[dict], max_cell: int = 60) -> str:
    """A small markdown table; long cells are cut and line breaks flattened."""
    if not records:
        return "(none)"
    columns = list(records[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for record in records:
        cells = (str(record[c]).replace("\n", " ").replace("|", "\\|")[:max_cell] for c in columns)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
