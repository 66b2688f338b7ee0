"""Form references: resolving them per the contract and loading the JSON Schema / UI schema files."""
from __future__ import annotations

import json
import re
from pathlib import Path

from jsonschema.exceptions import SchemaError

from .. import patterns
from ..i18n import _
from .model import FileProblems, FormDef, Problem
from .yamlfiles import json_path

PREFIXES = ("camunda-forms:deployment:", "forms/")
SUFFIXES = (".schema.json", ".json", ".form")
MAX_FORM_BYTES = 1024 * 1024
_SAFE_REFERENCE = re.compile(r"^[\w\-]+(/[\w\-]+)*$")


def normalize_reference(reference: str) -> str:
    """Drop the prefixes `camunda-forms:deployment:` / `forms/`, then one suffix `.schema.json` / `.json` /
    `.form` (in that order)."""
    text = reference.strip()
    for prefix in PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):]
    for suffix in SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


class FormStore:
    """The forms/ folder of one project root: resolves references and loads each form once."""

    def __init__(self, forms_root: Path | None, display_prefix: str = "forms"):
        self.root = forms_root
        self.prefix = display_prefix
        self._loaded: dict[str, tuple[FormDef | None, list[Problem]]] = {}

    def candidates(self, reference: str, stem: str) -> list[str]:
        """Form keys tried, in the contract's order: forms/<stem>/R, forms/R, forms/common/R."""
        name = normalize_reference(reference)
        return [f"{stem}/{name}", name, f"common/{name}"]

    def resolve(self, reference: str, stem: str) -> tuple[str | None, str | None]:
        """(form key, None) when found; (None, Chinese problem) otherwise."""
        name = normalize_reference(reference)
        if not _SAFE_REFERENCE.match(name):
            return None, _("表单引用“%(ref)s”不合法（只能含字母、数字、下划线、连字符和 /）", ref=reference)
        if self.root is None:
            return None, _("找不到 forms/ 目录，无法解析表单引用“%(ref)s”", ref=reference)
        tried = self.candidates(reference, stem)
        for key in tried:
            if (self.root / f"{key}.schema.json").is_file():
                return key, None
        return None, _("表单“%(ref)s”找不到，依次查找了 %(paths)s", ref=reference,
                       paths="、".join(f"{self.prefix}/{k}.schema.json" for k in tried))

    def load(self, key: str) -> tuple[FormDef | None, list[Problem]]:
        """Load a resolved form (cached): (FormDef or None when invalid, problems of its files)."""
        if key not in self._loaded:
            self._loaded[key] = self._load(key)
        return self._loaded[key]

    def _load(self, key: str) -> tuple[FormDef | None, list[Problem]]:
        display = f"{self.prefix}/{key}.schema.json"
        out = FileProblems(display)
        schema = _read_json(self.root / f"{key}.schema.json", out)
        if schema is None:
            return None, out.problems
        if not isinstance(schema, dict):
            out.add(_("表单必须是 JSON 对象（JSON Schema）"))
            return None, out.problems
        if _refuse_patterns(schema, out):
            return None, out.problems
        try:
            # `"format": "regex"` of the meta-schema is checked with RE2, the engine that will match them.
            patterns.Validator.check_schema(schema, format_checker=patterns.FORMAT_CHECKER)
        except SchemaError as err:
            out.add(_("不是有效的 JSON Schema 2020-12：%(path)s：%(msg)s", path=json_path(err.absolute_path),
                      msg=err.message), _("对照 https://json-schema.org/draft/2020-12 修改"))
            return None, out.problems
        if schema.get("type") != "object":
            out.add(_("表单顶层必须是 \"type\": \"object\""), _("字段写在 properties 里"))
        for where, ref in _remote_refs(schema, ()):
            out.add(_("%(path)s 引用了外部地址 %(ref)s；表单只能引用本文件内的定义（#/...）",
                      path=json_path(where), ref=ref), _("出于安全原因不会下载外部 schema"))
        untitled = sorted(_untitled(schema, ()))
        if untitled:
            out.add(_("这些字段没有 title：%(fields)s", fields="、".join(untitled[:10])),
                    _("每个字段都要有中文 title 和 description"), severity="warning")
        ui: dict = {}
        ui_path = self.root / f"{key}.uischema.json"
        if ui_path.is_file():
            ui_out = FileProblems(f"{self.prefix}/{key}.uischema.json")
            ui = _read_json(ui_path, ui_out)
            if ui is not None and not isinstance(ui, dict):
                ui_out.add(_("UI schema 必须是 JSON 对象"), _("例如 {\"ui:order\": [...]}"))
                ui = None
            out.problems.extend(ui_out.problems)
        if any(p.severity == "error" for p in out.problems) or ui is None:
            return None, out.problems
        return FormDef(key=key, schema=schema, ui=ui, path=display), out.problems


def _refuse_patterns(schema: dict, out: FileProblems) -> bool:
    """Report each pattern the linear-time engine (RE2) cannot compile, naming its field; True if any."""
    form = schema.get("title") or out.file
    refused = False
    for path, pattern, reason in patterns.refused_patterns(schema):
        refused = True
        out.add(_("表单“%(form)s”的字段“%(field)s”（%(path)s）的格式规则 %(pattern)s 无法使用：%(reason)s",
                  form=form, field=_field_title(schema, path), path=json_path(path), pattern=pattern,
                  reason=reason),
                _("为防止填写校验被恶意或失误的规则拖慢，平台用 RE2 匹配格式规则：不支持反向引用（如 \\1）和"
                  "前后断言（如 (?=…)、(?<=…)），请改写成不依赖它们的写法"))
    if patterns.uses_stock_matching(schema):
        refused = True
        out.add(_("表单“%(form)s”同时使用了 patternProperties 和 unevaluatedProperties", form=form),
                _("两者合用时无法保证校验耗时，请把字段逐一写在 properties 里"))
    return refused


def _field_title(schema: dict, path: list) -> str:
    """The title of the field a schema path leads into (its nearest titled schema), else its name."""
    node, title, name = schema, "", ""
    for i, part in enumerate(path):
        if not isinstance(node, (dict, list)):
            break
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        parent = path[i - 1] if i else None
        if parent in ("properties", "patternProperties"):
            name = str(part)
        if isinstance(node, dict) and isinstance(node.get("title"), str) and parent != "patternProperties":
            title = node["title"]
    return title or name or str(schema.get("title") or "$")


def _read_json(path: Path, out: FileProblems):
    try:
        raw = path.read_bytes()
    except OSError as err:
        out.add(_("无法读取文件：%(err)s", err=err.strerror or err))
        return None
    if len(raw) > MAX_FORM_BYTES:
        out.add(_("文件过大（上限 1 MB）"))
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        out.add(_("文件不是 UTF-8 编码"))
    except json.JSONDecodeError as err:
        out.add(_("不是有效的 JSON：%(msg)s（第 %(col)s 列）", msg=err.msg, col=err.colno), line=err.lineno)
    return None


def _remote_refs(node, path):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef") and isinstance(value, str) and not value.startswith("#"):
                yield path + (key,), value
            else:
                yield from _remote_refs(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _remote_refs(value, path + (i,))


def _untitled(schema, path):
    if not isinstance(schema, dict):
        return
    for name, sub in (schema.get("properties") or {}).items():
        if isinstance(sub, dict):
            if "title" not in sub:
                yield json_path(path + (name,))
            yield from _untitled(sub, path + (name,))
            yield from _untitled(sub.get("items"), path + (name, "items"))
    for branch in ("then", "else"):
        yield from _untitled(schema.get(branch), path)


def field_names(form: FormDef) -> set[str]:
    """Top-level field names of a form: what a submission merges into the task data."""
    names = set((form.schema.get("properties") or {}).keys())
    for branch in ("then", "else"):
        names |= set(((form.schema.get(branch) or {}).get("properties") or {}).keys())
    return names
