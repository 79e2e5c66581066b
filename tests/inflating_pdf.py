"""A small, valid PDF whose one content stream inflates to many megabytes: the hostile file the
per-file limits are for (pipeline/limits.py)."""

from __future__ import annotations

import zlib
from pathlib import Path


def write_inflating_pdf(path: Path, inflated_mb: int) -> None:
    """One A4 page whose FlateDecode content stream is ``inflated_mb`` MB of zero bytes (about 1 KB
    per MB on disk)."""
    compressor = zlib.compressobj(9)
    megabyte = bytes(1 << 20)
    stream = b"".join(compressor.compress(megabyte) for _ in range(inflated_mb)) + compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
