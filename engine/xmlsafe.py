"""Parsing uploaded XML (BPMN diagrams) without the classic XML attacks.

Diagrams come from analysts' machines and upload forms. A DOCTYPE can pull local files into the document
(XXE: `<!ENTITY e SYSTEM "file:///etc/passwd">`) or expand a few bytes into gigabytes ("billion laughs").
BPMN never needs a DTD, so any DOCTYPE or entity declaration is refused before lxml sees the bytes, and
the parser is configured to resolve nothing even if one slipped through.
"""
from __future__ import annotations

import io
import re

from lxml import etree

from .i18n import _

__all__ = ["MAX_DIAGRAM_BYTES", "XmlRejected", "parse_xml"]

MAX_DIAGRAM_BYTES = 5 * 1024 * 1024

_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class XmlRejected(Exception):
    """The bytes are not acceptable XML. `message` is Chinese, `line` 1-based when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers keep state and are not meant to be shared between threads.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=False)


def parse_xml(data: bytes, filename: str) -> etree._ElementTree:
    """Parse `data` as UTF-8 XML with every external or DTD feature refused; raise XmlRejected."""
    if not isinstance(data, (bytes, bytearray)):
        raise XmlRejected(_("%(file)s：内部错误，应传入字节内容", file=filename))
    if len(data) > MAX_DIAGRAM_BYTES:
        raise XmlRejected(_("文件过大（%(size).1f MB），上限为 %(limit)d MB",
                            size=len(data) / 1024 / 1024, limit=MAX_DIAGRAM_BYTES // 1024 // 1024))
    if not data.strip():
        raise XmlRejected(_("文件是空的，不是 XML"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise XmlRejected(_("文件是 UTF-16 编码；请另存为 UTF-8"), line=1)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise XmlRejected(_("文件不是 UTF-8 编码（第 %(line)d 行出现无法识别的字节）；请另存为 UTF-8",
                            line=_line_of(data, err.start)), line=_line_of(data, err.start)) from None
    declared = _DECLARED_ENCODING.match(data.lstrip(b"\xef\xbb\xbf"))
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        raise XmlRejected(_("XML 声明的编码是 %(enc)s；只接受 UTF-8", enc=declared.group(1).decode("ascii")), line=1)
    marker = _DTD_MARKERS.search(data)
    if marker:
        line = _line_of(data, marker.start())
        raise XmlRejected(_("文件含有 DOCTYPE / ENTITY 声明（第 %(line)d 行）。BPMN 图不需要 DTD，"
                            "出于安全原因（外部实体、实体膨胀攻击）一律拒绝", line=line), line=line)
    try:
        tree = etree.parse(io.BytesIO(bytes(data)), _parser())
    except etree.XMLSyntaxError as err:
        line = err.lineno or None
        raise XmlRejected(_("不是有效的 XML：%(detail)s", detail=err.msg or str(err)), line=line) from None
    except (etree.LxmlError, ValueError, MemoryError) as err:
        raise XmlRejected(_("无法解析 XML：%(detail)s", detail=err)) from None
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlRejected(_("文件含有 DOCTYPE 声明；出于安全原因一律拒绝"), line=1)
    return tree
