"""Regular expressions written by analysts (JSON Schema `pattern`, `patternProperties`), matched with RE2.

Python's `re` backtracks: a pattern such as `^(a+)+$` takes seconds on forty letters and doubles with each
one more, so one analyst's pattern could stall every worker validating a form. RE2 (`google-re2`) matches
in time linear in the text, and refuses what it cannot do that way (backreferences, lookarounds). Every
validation of a form goes through `Validator`, and the form checker refuses a pattern RE2 cannot compile,
so a published form never holds one.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterator

import re2
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is reported to the analyst, not written to stderr


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str):
    """The compiled RE2 expression; raises `re2.error` when RE2 cannot compile it."""
    return re2.compile(pattern, _OPTIONS)


def refusal(pattern) -> str | None:
    """None when RE2 compiles `pattern`, else RE2's reason (for the checker's message)."""
    if not isinstance(pattern, str):
        return "not a string"
    try:
        compile_pattern(pattern)
    except re2.error as err:
        return err.args[0].decode("utf-8", "replace") if err.args and isinstance(err.args[0], bytes) else str(err)
    return None


def search(pattern: str, text: str) -> bool:
    """Does `pattern` match somewhere in `text` (JSON Schema `pattern` semantics: unanchored)?"""
    return compile_pattern(pattern).search(text) is not None


def _pattern(validator, pattern, instance, schema):
    if not validator.is_type(instance, "string"):
        return
    if refusal(pattern) is not None:
        # Only a version published before patterns were checked can get here: say so instead of guessing.
        yield ValidationError(f"pattern {pattern!r} cannot be used", validator="pattern_refused")
    elif not search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _matching(patterns, key: str) -> bool:
    return any(refusal(p) is None and search(p, key) for p in patterns)


def _pattern_properties(validator, pattern_properties, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in pattern_properties.items():
        for key, value in instance.items():
            if _matching([pattern], key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


_STOCK_ADDITIONAL = Draft202012Validator.VALIDATORS["additionalProperties"]


def _additional_properties(validator, additional, instance, schema):
    # The stock keyword matches patternProperties with `re`: match them here, then hand it plain names.
    patterns = schema.get("patternProperties")
    if patterns and validator.is_type(instance, "object"):
        matched = dict.fromkeys((k for k in instance if _matching(patterns, k)), True)
        schema = {k: v for k, v in schema.items() if k != "patternProperties"}
        schema["properties"] = {**matched, **(schema.get("properties") or {})}
    yield from _STOCK_ADDITIONAL(validator, additional, instance, schema)


FORMAT_CHECKER = FormatChecker()


@FORMAT_CHECKER.checks("regex")
def _is_regex(instance) -> bool:
    # Also what `check_schema` uses for the meta-schema's `"format": "regex"` on pattern and patternProperties.
    return not isinstance(instance, str) or refusal(instance) is None


Validator = validators.extend(Draft202012Validator, {
    "pattern": _pattern, "patternProperties": _pattern_properties, "additionalProperties": _additional_properties,
})


def refused_patterns(schema) -> Iterator[tuple[list, str, str]]:
    """(schema path to the pattern, the pattern, RE2's reason) for every pattern RE2 refuses, found by the
    JSON Schema meta-schema itself (its `"format": "regex"`), so every place a pattern can stand is seen."""
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=FORMAT_CHECKER)
    for error in meta.iter_errors(schema):
        yield from _regex_errors(error)


def _regex_errors(error) -> Iterator[tuple[list, str, str]]:
    if error.validator == "format" and error.validator_value == "regex":
        path = list(error.absolute_path)
        # A patternProperties key is checked through propertyNames: the instance is the key itself.
        yield path, error.instance, refusal(error.instance) or ""
    for child in error.context or ():
        yield from _regex_errors(child)


def uses_stock_matching(schema) -> bool:
    """True when the schema combines patternProperties with unevaluatedProperties, whose stock keyword
    matches the patterns with Python's backtracking `re`: the checker refuses such a form."""
    found = {"patternProperties": False, "unevaluatedProperties": False}

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in found:
                    found[key] = True
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return all(found.values())
