"""The downloadable files a guide names (materials' blank forms and filled samples, the result's sample).

An item file refers to them by file name only (`blank_form: 建筑工程施工许可证申请表.docx`); the files sit
under `<data dir>/guide-files/<item code>/<that name>`, put there by the centre. A name that is not there
is simply not offered: the guide renders a download link only for a file that exists.
"""
from __future__ import annotations

from pathlib import Path

DIRECTORY = "guide-files"
MAX_NAME = 200


def path_of(data_dir: str | Path, item_code: str, name: str | None) -> Path | None:
    """The file for a guide's reference, or None when the name is unsafe or no such file exists."""
    if not name or len(name) > MAX_NAME or "/" in name or "\\" in name or name.startswith(".") or "\0" in name:
        return None
    if not item_code or "/" in item_code or item_code.startswith("."):
        return None
    base = (Path(data_dir) / DIRECTORY / item_code).resolve()
    candidate = (base / name).resolve()
    if candidate.parent != base or not candidate.is_file():
        return None
    return candidate


def available(data_dir: str | Path, item_code: str, guide: dict) -> dict[str, Path]:
    """Which guide files exist, keyed `<material id>/blank_form`, `<material id>/sample`, `result/sample`."""
    found = {}
    for material in guide.get("materials") or []:
        for which in ("blank_form", "sample"):
            path = path_of(data_dir, item_code, material.get(which))
            if path is not None:
                found[f"{material.get('id')}/{which}"] = path
    path = path_of(data_dir, item_code, (guide.get("result") or {}).get("sample"))
    if path is not None:
        found["result/sample"] = path
    return found
