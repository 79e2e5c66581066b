"""The version of the code that turns a file of raw/ into landed rows, as a hash of that code.

Landed rows and cached titles are kept with the version that made them; another version reads the
files again. The readers (pipeline/extract/), the title peek (raw_files.py) and the landing's row
format (landing.py) are that code. Plain Python.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_PIPELINE = Path(__file__).resolve().parent
READER_CODE = (*sorted((_PIPELINE / "extract").rglob("*.py")), _PIPELINE / "raw_files.py", _PIPELINE / "landing.py")


def _reader_version() -> str:
    digest = hashlib.sha256()
    for path in READER_CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


READER_VERSION = _reader_version()
