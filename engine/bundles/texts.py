"""Checking a bundle held in memory (a draft edited in the browser) with the very same loader as files.

The loader reads a project folder; rather than teach every reader a second source, the texts are laid out
as a throw-away project (processes/ + forms/) and handed to `load_bundle`. Problems name the files as the
analyst knows them: `processes/<stem>.item.yaml`, `processes/<stem>.bpmn`, `forms/<key>.schema.json`.
"""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from ..i18n import _
from .loader import ITEM_SUFFIX, Project, load_bundle
from .model import Bundle, Problem
from .organisation import Organisation

_SAFE_STEM = re.compile(r"^[A-Za-z0-9_\-]{1,100}$")
_SAFE_FILE = re.compile(r"^[A-Za-z0-9_\-]{1,100}\.bpmn$")
_SAFE_KEY = re.compile(r"^[\w\-]+(/[\w\-]+)*$")


def load_bundle_texts(stem: str, item_yaml: str, bpmn_xml: str | bytes, forms: Mapping[str, Mapping],
                      organisation: Organisation | None, extra_groups: Iterable[str] = (),
                      diagrams: Mapping[str, str | bytes] | None = None) -> tuple[Bundle | None, list[Problem]]:
    """Check and load a bundle from texts: the item file, its main diagram, other diagrams it calls (file
    name -> XML) and forms (key -> {"schema": dict, "ui": dict}). Same result as `load_bundle` on files."""
    if not _SAFE_STEM.match(stem or ""):
        return None, [Problem(f"{stem}{ITEM_SUFFIX}", _("事项文件名（stem）只能含字母、数字、下划线和连字符"))]
    with tempfile.TemporaryDirectory(prefix="onewindow-draft-") as tmp:
        root = Path(tmp)
        processes, forms_dir = root / "processes", root / "forms"
        processes.mkdir()
        forms_dir.mkdir()
        (processes / f"{stem}{ITEM_SUFFIX}").write_text(item_yaml, "utf-8")
        files = dict(diagrams or {})
        files[f"{stem}.bpmn"] = bpmn_xml
        for name, xml in files.items():
            if not _SAFE_FILE.match(name):
                return None, [Problem(name, _("流程图文件名不合法：%(name)s", name=name))]
            data = xml.encode("utf-8") if isinstance(xml, str) else xml
            (processes / name).write_bytes(data)
        for key, form in forms.items():
            if not _SAFE_KEY.match(key):
                return None, [Problem(f"forms/{key}", _("表单名不合法：%(key)s", key=key))]
            path = forms_dir / f"{key}.schema.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(form.get("schema"), ensure_ascii=False, indent=2), "utf-8")
            if form.get("ui"):
                (forms_dir / f"{key}.uischema.json").write_text(json.dumps(form["ui"], ensure_ascii=False), "utf-8")
        return load_bundle(processes / f"{stem}{ITEM_SUFFIX}", organisation, extra_groups, Project(processes))
