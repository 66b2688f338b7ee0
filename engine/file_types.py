"""What a file really is, told by its content (magic numbers), never by its name or the browser's word.

Accepted: PDF, JPEG, PNG, and OFD (GB/T 33190, China's fixed-layout format: a ZIP whose root holds `OFD.xml`
with the OFD namespace). Everything else, a renamed .exe or an HTML page called .pdf included, is refused.
Detection of PDF, JPEG and PNG is puremagic's signature table, kept to matches at offset 0.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import puremagic

PDF, JPEG, PNG, OFD = "application/pdf", "image/jpeg", "image/png", "application/ofd"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", OFD: ".ofd"}
KNOWN_EXTENSIONS = {PDF: {".pdf"}, JPEG: {".jpg", ".jpeg", ".jpe", ".jfif"}, PNG: {".png"}, OFD: {".ofd"}}
ACCEPTED_LABEL = "PDF、JPG、PNG、OFD"
INLINE = {PDF, JPEG, PNG}  # what a browser shows by itself; OFD needs a reader, so it is downloaded
HEAD_BYTES = 8192  # enough for every signature we look at
ZIP_MAGIC = b"PK\x03\x04"
OFD_NAMESPACE = b"http://www.ofdspec.org/2016"


def detect(head: bytes) -> str | None:
    """The MIME type of an accepted kind whose signature starts `head`, else None. A ZIP is reported as
    OFD only provisionally: `is_ofd` must confirm it once the whole file is there."""
    if head.startswith(ZIP_MAGIC):
        return OFD
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return None
    for match in matches:
        if match.offset == 0 and match.mime_type in (PDF, JPEG, PNG):
            return match.mime_type
    return None


def is_ofd(path: Path) -> bool:
    """Is the ZIP at `path` an OFD document: `OFD.xml` at its root, declaring the OFD namespace?"""
    try:
        with zipfile.ZipFile(path) as archive:
            with archive.open("OFD.xml") as entry:
                start = entry.read(4096)  # bounded: a hostile archive is never inflated whole
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return False
    return OFD_NAMESPACE in start and b"OFD" in start


def display_name(mime: str, name: str) -> str:
    """`name` with the extension the content calls for (a PNG uploaded as scan.pdf is shown as scan.png)."""
    stem, dot, ext = name.rpartition(".")
    if dot and "." + ext.lower() in KNOWN_EXTENSIONS[mime]:
        return name
    if dot and stem and "." + ext.lower() in set().union(*KNOWN_EXTENSIONS.values()):
        return stem + EXTENSIONS[mime]
    return name + EXTENSIONS[mime]
