"""The downloadable files a guide names (materials' blank forms and filled samples, the result's sample).

An item file refers to them by file name only (`blank_form: 建筑工程施工许可证申请表.docx`). The bundle
keeps them in `processes/<stem>.files/`; `onewindow load-items` copies them (`install`) to
`<data dir>/guide-files/<item code>/<that name>`, where the portal serves them from. A name that is not
there is simply not offered: the guide renders a download link only for a file that exists.
"""
from __future__ import annotations

from pathlib import Path

DIRECTORY = "guide-files"
MAX_NAME = 200


def path_of(data_dir: str | Path, item_code: str, name: str | None) -> Path | None:
    """The file for a guide's reference, or None when the name is unsafe or no such file exists."""
    if not item_code or "/" in item_code or "\\" in item_code or item_code.startswith("."):
        return None
    return _file_in(Path(data_dir) / DIRECTORY / item_code, name)


def _file_in(folder: Path, name: str | None) -> Path | None:
    """`folder/name` if it is a file directly inside `folder` (no separators, no dot files), else None."""
    if not name or len(name) > MAX_NAME or "/" in name or "\\" in name or name.startswith(".") or "\0" in name:
        return None
    base = folder.resolve()
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


def referenced(guide: dict) -> list[str]:
    """Every file name the guide refers to (blank forms, samples, the result's sample), in order."""
    names = [m.get(which) for m in guide.get("materials") or [] for which in ("blank_form", "sample")]
    names.append((guide.get("result") or {}).get("sample"))
    return list(dict.fromkeys(n for n in names if n))


def install(project_root: str | Path, data_dir: str | Path, stem: str, item_code: str,
            guide: dict) -> tuple[list[str], list[str]]:
    """Copy the files a guide names from the bundle's folder `processes/<stem>.files/` into the data dir, where
    the portal serves them. Returns (names copied or already identical, names not found in the bundle)."""
    import shutil

    source = Path(project_root) / "processes" / f"{stem}.files"
    target = Path(data_dir) / DIRECTORY / item_code
    copied, missing = [], []
    for name in referenced(guide):
        found = _file_in(source, name)  # the same safety rules as serving
        if found is None:
            missing.append(name)
            continue
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(found, target / name)
        copied.append(name)
    return copied, missing
