"""Reading JSON from outside (API bodies, AJAX posts) without the ways Python's `json` breaks.

`json.loads` recurses once per nesting level and raises RecursionError near depth 1000 (5,000 nested
arrays, or 100,000 `[` in a row, end in a traceback), and it accepts escapes such as `"\\ud800"`: a lone
surrogate that no UTF-8 encoder, hash or database column takes. `loads` measures the nesting before
parsing (strings stripped first, so brackets inside text do not count), refuses deeper documents, then
refuses any text holding a lone surrogate. Every refusal is `UnreadableJSON` with a Chinese message.
"""
from __future__ import annotations

import json
import re

from .errors import InvalidInput
from .i18n import _

__all__ = ["MAX_DEPTH", "UnreadableJSON", "loads"]

#: Deepest nesting of arrays and objects accepted; real documents (forms with tables of rows) stay below 10.
MAX_DEPTH = 64

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class UnreadableJSON(InvalidInput, ValueError):
    """The text is not JSON we read; a ValueError too, so callers that expect json's errors still work."""

    code = "invalid_json"


def loads(data: bytes | str):
    """The JSON value of `data` (UTF-8 bytes or text), or UnreadableJSON saying why not."""
    if isinstance(data, (bytes, bytearray)):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _refused(_("请求体不是 UTF-8 编码的文字。")) from exc
    if depth(data) > MAX_DEPTH:
        raise _refused(_("JSON 的嵌套层数超过了 %(n)s 层。", n=MAX_DEPTH))
    try:
        value = json.loads(data)
    except ValueError as exc:  # JSONDecodeError
        raise _refused(_("请求体不是有效的 JSON。")) from exc
    if _holds_surrogate(value):
        raise _refused(_("JSON 的文字中含有无效的 Unicode 字符（单独的代理码位，如 \\ud800）。"))
    return value


def depth(text: str) -> int:
    """How deep arrays and objects nest in `text` (0 for a scalar); stops counting past MAX_DEPTH."""
    level = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            level += 1
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                break
        else:
            level -= 1
    return deepest


def _holds_surrogate(value) -> bool:
    # Iterative: the depth is bounded already, but a walk over wide documents need not use the stack.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _refused(message: str) -> UnreadableJSON:
    return UnreadableJSON(message, {"body": [message]})
