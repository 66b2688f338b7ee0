"""One item as one zip archive (diagrams, forms, guide, version history), and importing it elsewhere.

Layout, readable by a person and diff-friendly:
    manifest.json                            format, item (code, current version, retired), its department
                                             and the groups its tasks name, the version history
    versions/<n>/processes/<stem>.item.yaml  the guide as the item file
    versions/<n>/processes/*.bpmn            the diagrams as published
    versions/<n>/forms/<key>.schema.json     the forms (and .uischema.json)
Entries carry a fixed timestamp, so the same content gives the same bytes. Importing checks every
version with the bundle checker and refuses one whose content hash differs from the one recorded.
"""
from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

from sqlalchemy import select

from engine import audit, clock, workflow_store
from engine.bundles import load_bundle_texts
from engine.catalogue import application_form_key
from engine.db import Database
from engine.definition import guide_yaml, organisation
from engine.errors import InvalidInput, InvalidState, NotFound
from engine.models import Department, Group, Item, ItemVersion, ProcessSpec

FORMAT = "onewindow-item/1"
_STAMP = (2026, 1, 1, 0, 0, 0)
MAX_ARCHIVE_ENTRY = 8 * 1024 * 1024


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def export_item(db: Database, code: str) -> bytes:
    """The item's archive (every published version, oldest first)."""
    with db.read() as session:
        item = session.scalar(select(Item).where(Item.code == code))
        if item is None:
            raise NotFound(f"事项 {code} 不存在")
        dept = session.get(Department, item.department_id)
        versions = session.scalars(select(ItemVersion).where(ItemVersion.item_id == item.id)
                                   .order_by(ItemVersion.version_no)).all()
        if not versions:  # created in the browser and not yet published
            raise InvalidState(f"事项 {code} 尚未发布，没有可导出的版本")
        used = {t.get("group") for v in versions for t in v.user_tasks.values()} - {None, "applicant"}
        groups = session.scalars(select(Group).where(Group.code.in_(used)).order_by(Group.code)).all()
        every = {d.id: d for d in session.scalars(select(Department))}
        codes = {i: d.code for i, d in every.items()}
        current = next((v.version_no for v in versions if v.id == item.current_version_id), None)
    # The item's and its groups' departments with their ancestors, parents before children.
    chains = []
    for start in {dept.id, *(g.department_id for g in groups if g.department_id)}:
        chain, node = [], every.get(start)
        while node is not None:
            chain.insert(0, node)
            node = every.get(node.parent_id)
        chains.append(chain)
    departments = {}
    for chain in sorted(chains, key=lambda c: [d.code for d in c]):
        for depth, d in enumerate(chain):
            departments.setdefault(d.code, (depth, d))
    manifest = {
        "format": FORMAT,
        "item": {"code": item.code, "current_version": current,
                 "retired_at": item.retired_at.isoformat() if item.retired_at else None},
        "departments": [{"code": d.code, "name": d.name, "level": d.level, "windows": list(d.windows or []),
                         "parent_code": codes.get(d.parent_id)}
                        for _depth, d in sorted(departments.values(), key=lambda e: (e[0], e[1].code))],
        "groups": [{"code": g.code, "name": g.name, "department": codes.get(g.department_id)} for g in groups],
        "versions": [{"version_no": v.version_no, "stem": v.stem, "content_hash": v.content_hash,
                      "published_at": v.published_at.isoformat(), "published_by": v.published_by,
                      "diagrams": sorted(v.diagrams), "forms": sorted(v.forms)} for v in versions],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        def put(name: str, text: str) -> None:
            archive.writestr(zipfile.ZipInfo(name, _STAMP), text.encode("utf-8"), zipfile.ZIP_DEFLATED)

        put("manifest.json", _json(manifest))
        for v in versions:
            base = f"versions/{v.version_no}"
            put(f"{base}/processes/{v.stem}.item.yaml", guide_yaml(v.guide))
            for name, xml in sorted(v.diagrams.items()):
                put(f"{base}/processes/{name}", xml)
            for key, form in sorted(v.forms.items()):
                put(f"{base}/forms/{key}.schema.json", _json(form["schema"]))
                if form.get("ui"):
                    put(f"{base}/forms/{key}.uischema.json", _json(form["ui"]))
    return buffer.getvalue()


def import_item(db: Database, data: bytes, imported_by: str | None = None) -> str:
    """Create the item of an archive with its whole version history; returns the item code.

    Missing departments and groups are created from the archive; an item that already exists is refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(_read(archive, "manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise InvalidInput(f"不是一窗通事项包：{err}") from err
    if manifest.get("format") != FORMAT:
        raise InvalidInput(f"不支持的事项包格式：{manifest.get('format')}")
    code = manifest["item"]["code"]
    with db.write() as session:
        if session.scalar(select(Item.id).where(Item.code == code)) is not None:
            raise InvalidState(f"事项 {code} 已存在，不能重复导入")
        _ensure_organisation(session, manifest)
    with db.read() as session:
        org = organisation(session)
    loaded = []
    for entry in manifest["versions"]:
        base, stem = f"versions/{entry['version_no']}", entry["stem"]
        diagrams = {name: _read(archive, f"{base}/processes/{name}") for name in entry["diagrams"]}
        forms = {}
        for key in entry["forms"]:
            ui_name = f"{base}/forms/{key}.uischema.json"
            forms[key] = {"schema": json.loads(_read(archive, f"{base}/forms/{key}.schema.json")),
                          "ui": json.loads(_read(archive, ui_name)) if ui_name in archive.namelist() else {}}
        main = diagrams.pop(f"{stem}.bpmn")
        bundle, problems = load_bundle_texts(stem, _read(archive, f"{base}/processes/{stem}.item.yaml"), main, forms,
                                             org, diagrams=diagrams)
        if bundle is None:
            raise InvalidInput(f"第 {entry['version_no']} 版未通过检查", {"": [p.format() for p in problems]})
        if bundle.content_hash != entry["content_hash"]:
            raise InvalidInput(f"第 {entry['version_no']} 版内容与记录的摘要不符（包已损坏或被改动）")
        loaded.append((entry, bundle))
    with db.write() as session:
        dept = session.scalar(select(Department).where(Department.code == loaded[-1][1].item["department"]))
        item = Item(code=code, department_id=dept.id)
        session.add(item)
        by_number = {}
        for entry, bundle in loaded:
            guide = bundle.item
            item.name, item.item_type, item.level = guide["name"], guide["item_type"], guide["level"]
            item.case_kind, item.internal = guide["case_kind"], bool(guide.get("internal"))
            item.search_text = " ".join(w for w in (guide["name"], guide.get("short_name", ""), code, dept.name) if w)
            session.flush()
            if session.get(ProcessSpec, bundle.content_hash) is None:
                spec, subprocess_specs = bundle.build_specs()
                session.add(ProcessSpec(hash=bundle.content_hash, created_at=clock.now(),
                                        data=workflow_store.spec_document(spec, subprocess_specs)))
                session.flush()  # the version row refers to it
            version = ItemVersion(
                item_id=item.id, version_no=entry["version_no"], content_hash=bundle.content_hash,
                spec_hash=bundle.content_hash, process_id=bundle.process_id, stem=bundle.stem, guide=guide,
                application_form=application_form_key(bundle),
                forms={key: {"schema": f.schema, "ui": f.ui} for key, f in bundle.forms.items()},
                user_tasks={key: {"name": t.name, "form": t.form, "group": t.group,
                                  "step_limit_days": t.step_limit_days, "case_step": t.case_step,
                                  "result_variable": t.result_variable, "group_variable": t.group_variable}
                            for key, t in bundle.user_tasks.items()},
                diagrams={name: xml.decode("utf-8") for name, xml in bundle.diagrams.items()},
                published_at=datetime.fromisoformat(entry["published_at"]), published_by=entry["published_by"])
            session.add(version)
            by_number[entry["version_no"]] = version
        session.flush()
        item.current_version = by_number.get(manifest["item"]["current_version"])
        retired = manifest["item"].get("retired_at")
        item.retired_at = datetime.fromisoformat(retired) if retired else None
        audit.record(session, "import_item", department_code=dept.code,
                     detail={"item": code, "versions": sorted(by_number), "by": imported_by})
    return code


def _read(archive: zipfile.ZipFile, name: str) -> str:
    info = archive.getinfo(name)
    if info.file_size > MAX_ARCHIVE_ENTRY:
        raise InvalidInput(f"{name} 过大")
    return archive.read(info).decode("utf-8")


def _ensure_organisation(session, manifest: dict) -> None:
    """Create the departments and groups the archive names that this installation lacks (never changes
    existing ones: the target's organisation is its own)."""
    by_code = {d.code: d for d in session.scalars(select(Department))}
    for dept in manifest["departments"]:
        if dept["code"] not in by_code:
            row = Department(code=dept["code"], name=dept["name"], level=dept["level"], windows=dept["windows"],
                             parent=by_code.get(dept.get("parent_code")), sort=len(by_code))
            session.add(row)
            by_code[dept["code"]] = row
    session.flush()
    groups = set(session.scalars(select(Group.code)))
    for group in manifest["groups"]:
        if group["code"] not in groups:
            dept = by_code.get(group.get("department"))
            session.add(Group(code=group["code"], name=group["name"], department_id=dept.id if dept else None))
    session.flush()
