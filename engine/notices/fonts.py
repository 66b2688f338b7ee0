"""The Chinese TrueType font embedded in every PDF.

PDF readers do not all carry Chinese fonts, and the non-embedded CID fonts (STSong-Light) render as
blanks or boxes on many of them, so each PDF embeds a subset of a real TrueType font. reportlab reads
TrueType outlines only: the OpenType/CFF fonts of `fonts-noto-cjk` do not load. The font must also have
Latin digits (document numbers, dates): `fonts-droid-fallback` has none, so it is not a candidate.

`ONEWINDOW_PDF_FONT` names a font file (`path` or `path#index` for a collection) to use instead.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from ..errors import OneWindowError
from ..i18n import _

FONT_NAME = "OneWindowCJK"
ENV_FONT = "ONEWINDOW_PDF_FONT"
# (file, index in a collection): Debian's fonts-wqy-microhei first (small, CJK and Latin), then others.
CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),  # Fedora / RHEL
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0),        # macOS, for developers
)
REQUIRED_CHARACTERS = "受理通知书〔〕号0123456789ABCXYZ（）：。"

_lock = threading.Lock()
_registered: str | None = None


class FontMissing(OneWindowError):
    """No embeddable Chinese TrueType font: PDFs cannot be made until one is installed."""

    code = "font_missing"


def pdf_font() -> str:
    """Register the embedded Chinese font once per process and return its reportlab name."""
    global _registered
    with _lock:
        if _registered is None:
            pdfmetrics.registerFont(_load())
            _registered = FONT_NAME
        return _registered


def _load() -> TTFont:
    configured = os.environ.get(ENV_FONT, "").strip()
    candidates = [_parse(configured)] if configured else list(CANDIDATES)
    for path, index in candidates:
        if not Path(path).is_file():
            continue
        try:
            font = TTFont(FONT_NAME, path, subfontIndex=index)
        except (TTFError, OSError, ValueError):
            continue  # CFF outlines or a damaged file: try the next one
        if all(ord(ch) in font.face.charToGlyph for ch in REQUIRED_CHARACTERS):
            return font
    raise FontMissing(_("无法生成 PDF：服务器上没有可嵌入的中文 TrueType 字体。请安装 fonts-wqy-microhei"
                        "（apt-get install fonts-wqy-microhei），或用环境变量 %(env)s 指定字体文件（.ttf/.ttc）。",
                        env=ENV_FONT))


def _parse(value: str) -> tuple[str, int]:
    path, _sep, index = value.partition("#")
    return path, int(index) if index.isdigit() else 0
