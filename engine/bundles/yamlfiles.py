"""Reading the analyst's YAML files safely, keeping the line of every value for precise problems."""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from ..i18n import _
from .model import FileProblems

MAX_YAML_BYTES = 1024 * 1024


def load_yaml(path: Path, out: FileProblems) -> tuple[object, dict[tuple, int]]:
    """Parse a UTF-8 YAML file: (data or None, {path tuple: line}). Problems go to `out`.

    Anchors and aliases are refused: analysts never need them, and an alias bomb would blow up into
    gigabytes when the item is later written out as JSON.
    """
    try:
        raw = path.read_bytes()
    except OSError as err:
        out.add(_("无法读取文件：%(err)s", err=err.strerror or err))
        return None, {}
    if len(raw) > MAX_YAML_BYTES:
        out.add(_("文件过大（上限 1 MB）"))
        return None, {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        out.add(_("文件不是 UTF-8 编码"), _("请用 UTF-8 另存"), line=raw.count(b"\n", 0, err.start) + 1)
        return None, {}
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        lines: dict[tuple, int] = {}
        if node is not None and not _index(node, (), lines, set(), out):
            return None, lines
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        detail = getattr(err, "problem", None) or str(err)
        out.add(_("YAML 语法错误：%(detail)s", detail=detail), _("检查缩进和冒号；含冒号的文字请加引号"),
                line=mark.line + 1 if mark else None)
        return None, {}
    return data, lines


def _index(node, path, lines, seen, out) -> bool:
    if id(node) in seen or getattr(node, "anchor", None):
        out.add(_("不支持 YAML 锚点和别名（& / *）"), _("把内容直接写出来"), line=node.start_mark.line + 1)
        return False
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        return all(_index(value, path + (getattr(key, "value", None),), lines, seen, out)
                   for key, value in node.value)
    if isinstance(node, yaml.SequenceNode):
        return all(_index(item, path + (i,), lines, seen, out) for i, item in enumerate(node.value))
    return True


def json_path(path) -> str:
    """`('materials', 2, 'id')` -> `materials[2].id` (the root is `$`)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "$"


def line_for(lines: dict[tuple, int], path) -> int | None:
    """Line of the value at `path`, or of its nearest ancestor present in the file."""
    path = tuple(path)
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path)


_MESSAGES = {
    "type": lambda e: _("类型应为 %(t)s", t=e.validator_value),
    "enum": lambda e: _("取值应为以下之一：%(v)s", v="、".join(map(str, e.validator_value))),
    "pattern": lambda e: _("格式不符合要求（%(p)s）", p=e.validator_value),
    "minimum": lambda e: _("不能小于 %(v)s", v=e.validator_value),
    "maximum": lambda e: _("不能大于 %(v)s", v=e.validator_value),
    "minLength": lambda e: _("至少 %(v)s 个字符", v=e.validator_value),
    "maxLength": lambda e: _("最多 %(v)s 个字符", v=e.validator_value),
    "minItems": lambda e: _("至少要有 %(v)s 项", v=e.validator_value),
    "uniqueItems": lambda e: _("各项不能重复"),
}


def schema_problems(data, schema: dict, lines: dict[tuple, int], out: FileProblems, hint: str = "") -> bool:
    """Validate `data` against a JSON Schema; one Chinese problem per error, with JSON path and line."""
    ok = True
    found = Draft202012Validator(schema).iter_errors(data)
    for err in sorted(found, key=lambda e: list(map(str, e.absolute_path))):
        ok = False
        path = list(err.absolute_path)
        if err.validator == "required":
            missing = re.findall(r"'([^']+)' is a required property", err.message)
            message = _("缺少必填项 %(key)s", key=json_path(path + missing[:1]))
        elif err.validator == "additionalProperties":
            extra = re.findall(r"'([^']+)'", err.message.split("(", 1)[-1])
            message = _("不认识的键 %(keys)s（拼写错误？）", keys="、".join(json_path(path + [k]) for k in extra))
            path = path + extra[:1]  # point at the stray key itself
        else:
            describe = _MESSAGES.get(err.validator, lambda e: _("不符合要求：%(m)s", m=e.message))
            message = _("%(path)s：%(what)s", path=json_path(path), what=describe(err))
        out.add(message, hint, line=line_for(lines, path))
    return ok


def apply_defaults(schema: dict, data, root: dict | None = None):
    """Fill in the `default` of every absent property, recursively (through `$ref` and `items`)."""
    root = root or schema
    ref = schema.get("$ref", "")
    if ref.startswith("#/"):
        target = root
        for part in ref[2:].split("/"):
            target = target.get(part, {})
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    if isinstance(data, dict):
        for key, sub in schema.get("properties", {}).items():
            if key not in data and "default" in sub:
                data[key] = _copy(sub["default"])
            if key in data:
                apply_defaults(sub, data[key], root)
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for item in data:
            apply_defaults(schema["items"], item, root)
    return data


def _copy(value):
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return dict(value) if isinstance(value, dict) else value
