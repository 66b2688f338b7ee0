"""PDF files of documents: rendered on first download, cached under the data dir, checked by SHA-256.

Rendering happens outside any write transaction (it takes a fraction of a second and needs no lock).
Afterwards a short transaction records the file's path and hash on the document. A cached file whose
bytes no longer match the recorded hash is rendered again from the stored content.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ..db import Database
from ..errors import NotFound
from ..i18n import _
from ..models import Document
from . import pdf


def pdf_file(db: Database, document_id: int, documents_dir: Path, verify_url: str) -> Path:
    """The document's PDF on disk, rendering and recording it the first time it is asked for.

    `verify_url` is the public address of the document's verification page, printed as a QR code; the
    first rendering fixes it, so deployments set their public address (ONEWINDOW_PUBLIC_URL)."""
    with db.read() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFound(_("文书不存在。"))
    documents_dir = Path(documents_dir)
    if document.pdf_path and document.pdf_sha256:
        cached = documents_dir / document.pdf_path
        if cached.is_file() and _sha256(cached.read_bytes()) == document.pdf_sha256:
            return cached
    data = pdf.render(document.content, verify_url, document.verify_code)
    relative = Path(str(document.year)) / f"{document.id}-{document.kind}.pdf"
    _write_atomically(documents_dir / relative, data)
    digest = _sha256(data)
    if (document.pdf_path, document.pdf_sha256) != (str(relative), digest):
        with db.write() as session:
            row = session.get(Document, document_id)
            row.pdf_path, row.pdf_sha256 = str(relative), digest
    return documents_dir / relative


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the whole new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".pdf-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
