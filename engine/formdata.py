"""Server-side validation of submitted form data against the form's JSON Schema, in Chinese.

The browser may check the same rules as a convenience; this is the check that counts.
"""
from __future__ import annotations

from functools import lru_cache

from . import patterns
from .errors import InvalidInput
from .i18n import _


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> patterns.Validator:
    import json

    # patterns.Validator matches `pattern` with RE2 (linear time): an analyst's pattern cannot stall a worker.
    return patterns.Validator(json.loads(schema_json), format_checker=patterns.FORMAT_CHECKER)


# Schemas of published versions are shared, never-mutated objects: find their validator without
# re-encoding them (the key holds the schema, so its id cannot be reused while cached).
_BY_IDENTITY: dict[int, tuple[dict, patterns.Validator]] = {}


def _validator_for(schema: dict) -> patterns.Validator:
    import json

    hit = _BY_IDENTITY.get(id(schema))
    if hit is not None and hit[0] is schema:
        return hit[1]
    validator = _validator(json.dumps(schema, sort_keys=True))
    if len(_BY_IDENTITY) >= 512:
        _BY_IDENTITY.clear()
    _BY_IDENTITY[id(schema)] = (schema, validator)
    return validator


def _title(schema: dict, path) -> str:
    """The Chinese title of the field at `path`, for messages that name the field."""
    node = schema
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part, {})
    return node.get("title") or (str(path[-1]) if path else "")


def _message(error, schema: dict) -> tuple[str, str]:
    """(field path, Chinese message) for one jsonschema error."""
    path = list(error.absolute_path)
    kind, arg = error.validator, error.validator_value
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path = path + [missing]
        return _key(path), _("请填写“%(field)s”。", field=_title(schema, path))
    field = _title(schema, path)
    if kind in ("anyOf", "oneOf", "not") and error.schema.get("description"):
        # A rule across fields ("choose at least one change") says what it wants in its description.
        return _key(path), error.schema["description"]
    messages = {
        "type": lambda: _("“%(field)s”的格式不正确。", field=field),
        "minimum": lambda: _("“%(field)s”不能小于 %(n)s。", field=field, n=arg),
        "maximum": lambda: _("“%(field)s”不能大于 %(n)s。", field=field, n=arg),
        "exclusiveMinimum": lambda: _("“%(field)s”必须大于 %(n)s。", field=field, n=arg),
        "exclusiveMaximum": lambda: _("“%(field)s”必须小于 %(n)s。", field=field, n=arg),
        "minLength": lambda: _("“%(field)s”至少需要 %(n)s 个字。", field=field, n=arg),
        "maxLength": lambda: _("“%(field)s”最多 %(n)s 个字。", field=field, n=arg),
        "pattern": lambda: _("“%(field)s”的格式不正确。", field=field),
        "pattern_refused": lambda: _("“%(field)s”的格式规则有误，暂时无法检查，请联系办理部门。", field=field),
        "enum": lambda: _("请从列表中选择“%(field)s”。", field=field),
        "const": lambda: _("“%(field)s”的取值不正确。", field=field),
        "oneOf": lambda: _("请从列表中选择“%(field)s”。", field=field),
        "format": lambda: _("“%(field)s”不是有效的日期或格式。", field=field),
        "minItems": lambda: _("“%(field)s”至少需要 %(n)s 项。", field=field, n=arg),
        "maxItems": lambda: _("“%(field)s”最多 %(n)s 项。", field=field, n=arg),
        "additionalProperties": lambda: _("表单包含未定义的字段。"),
    }
    return _key(path), messages.get(kind, lambda: _("“%(field)s”填写有误。", field=field or _("表单")))()


def _key(path) -> str:
    return ".".join(str(p) for p in path)


def errors_for(schema: dict, data) -> dict[str, list[str]]:
    """Every problem of `data`, keyed by dotted field path ('' for the form as a whole)."""
    validator = _validator_for(schema)
    found: dict[str, list[str]] = {}
    for error in validator.iter_errors(data):
        # `if/then` failures come wrapped: report the concrete errors inside them.
        leaves = error.context if error.validator in ("then", "else", "allOf") and error.context else [error]
        for leaf in leaves:
            key, message = _message(leaf, schema)
            if message not in found.setdefault(key, []):
                found[key].append(message)
    return found


def validate(schema: dict, data, form_name: str = "") -> dict:
    """Return `data` if it satisfies `schema`, else raise InvalidInput with per-field Chinese messages."""
    if not isinstance(data, dict):
        raise InvalidInput(_("提交的表单数据格式不正确。"), {"": [_("表单数据必须是一个对象。")]})
    found = errors_for(schema, data)
    if found:
        raise InvalidInput(_("表单“%(form)s”有 %(n)s 处需要修改。", form=form_name or schema.get("title", ""),
                             n=sum(len(v) for v in found.values())), found)
    return data


def field_paths(schema: dict, prefix: str = "", depth: int = 0) -> list[tuple[str, str]]:
    """(dotted path, title) of every field a person fills in: nested objects are opened (two levels),
    arrays and scalars are one field each. For ticking the fields a supplement request names."""
    found = []
    properties = dict(schema.get("properties") or {})
    for branch in ("then", "else"):
        properties.update((schema.get(branch) or {}).get("properties") or {})
    for name, child in properties.items():
        if not isinstance(child, dict):
            continue
        path, title = f"{prefix}{name}", child.get("title") or name
        if child.get("type") == "object" and child.get("properties") and depth < 2:
            found += [(sub, f"{title} / {sub_title}") for sub, sub_title in field_paths(child, path + ".", depth + 1)]
        else:
            found.append((path, title))
    return found
