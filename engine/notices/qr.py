"""The verification QR code, from reportlab's encoder: drawn into the PDF, and as SVG for the web page."""
from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing

LEVEL = "M"  # 15 % of the modules may be lost (a folded or stamped paper still scans)
QUIET_ZONE = 4  # modules of white border the QR standard asks for


def drawing(text: str, size: float) -> Drawing:
    """A square reportlab drawing of `size` points encoding `text`."""
    widget = QrCodeWidget(text, barLevel=LEVEL, barWidth=size, barHeight=size, barBorder=QUIET_ZONE)
    picture = Drawing(size, size)
    picture.add(widget)
    return picture


def svg_path(text: str) -> tuple[int, str]:
    """(side in modules including the quiet zone, SVG path data of the dark modules) for `text`.

    A path with presentation attributes only: the page's CSP allows no inline styles."""
    widget = QrCodeWidget(text, barLevel=LEVEL)
    code = widget.qr
    code.make()
    count = code.getModuleCount()
    parts = []
    for row in range(count):
        col = 0
        while col < count:
            if code.isDark(row, col):
                start = col
                while col < count and code.isDark(row, col):
                    col += 1
                parts.append(f"M{start + QUIET_ZONE} {row + QUIET_ZONE}h{col - start}v1h-{col - start}z")
            else:
                col += 1
    return count + 2 * QUIET_ZONE, "".join(parts)
