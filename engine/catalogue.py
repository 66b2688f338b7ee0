"""The item catalogue: organisation data and deploying checked bundles as immutable item versions."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit, clock, workflow_store
from . import organisation as runtime_organisation
from .bundles import Bundle, CheckReport, Organisation, check_paths
from .bundles.forms import FormStore
from .db import Database
from .models import Department, Group, Item, ItemFacet, ItemVersion, ProcessSpec


@dataclass(frozen=True)
class Deployed:
    item_code: str
    version_no: int
    created: bool  # False when this exact content was already published


def sync_organisation(session: Session, organisation: Organisation) -> None:
    """Create or update departments (parents before children) and groups from the organisation data."""
    by_code = {d.code: d for d in session.scalars(select(Department))}
    for sort, dept in enumerate(organisation.departments):
        row = by_code.get(dept["code"])
        if row is None:
            row = by_code[dept["code"]] = Department(code=dept["code"], windows=[])
            session.add(row)
        row.name, row.level, row.sort = dept["name"], dept["level"], sort
        row.windows = list(dept.get("windows") or [])
        parent = by_code.get(dept.get("parent_code")) if dept.get("parent_code") else None
        row.parent = parent
    session.flush()
    groups = {g.code: g for g in session.scalars(select(Group))}
    for group in organisation.groups:
        row = groups.get(group["code"])
        if row is None:
            row = Group(code=group["code"])
            session.add(row)
        row.name = group["name"]
        row.department_id = by_code[group["department"]].id if group.get("department") in by_code else None
    session.flush()
    runtime_organisation.forget()


def known_group_codes(db: Database) -> set[str]:
    with db.read() as session:
        return set(session.scalars(select(Group.code)))


def deploy_bundle(db: Database, bundle: Bundle, published_by: str | None = None, actor=None) -> Deployed:
    """Publish a checked bundle: a new immutable version unless this exact content already exists.

    `actor` (a User) is named in the audit event when a person published from the browser."""
    guide = bundle.item
    with db.write() as session:
        dept = session.scalar(select(Department).where(Department.code == guide["department"]))
        item = session.scalar(select(Item).where(Item.code == guide["code"]))
        if item is None:
            item = Item(code=guide["code"], department_id=dept.id)
            _describe_item(item, guide, dept)
            session.add(item)
            session.flush()
        existing = session.scalar(select(ItemVersion).where(ItemVersion.item_id == item.id,
                                                            ItemVersion.content_hash == bundle.content_hash))
        _describe_item(item, guide, dept)
        _sync_facets(session, item, guide)
        if existing is not None:
            item.current_version = existing
            return Deployed(item.code, existing.version_no, False)
        if session.get(ProcessSpec, bundle.content_hash) is None:
            spec, subprocess_specs = bundle.build_specs()
            session.add(ProcessSpec(hash=bundle.content_hash, data=workflow_store.spec_document(spec, subprocess_specs),
                                    created_at=clock.now()))
        number = (session.scalar(select(func.max(ItemVersion.version_no)).where(ItemVersion.item_id == item.id)) or 0) + 1
        version = ItemVersion(
            item_id=item.id, version_no=number, content_hash=bundle.content_hash, spec_hash=bundle.content_hash,
            process_id=bundle.process_id, stem=bundle.stem, guide=guide,
            application_form=application_form_key(bundle),
            forms={key: {"schema": f.schema, "ui": f.ui} for key, f in bundle.forms.items()},
            user_tasks={key: {"name": t.name, "form": t.form, "group": t.group, "step_limit_days": t.step_limit_days,
                              "case_step": t.case_step, "result_variable": t.result_variable,
                              "group_variable": t.group_variable}
                        for key, t in bundle.user_tasks.items()},
            diagrams={name: xml.decode("utf-8") for name, xml in bundle.diagrams.items()},
            published_at=clock.now(), published_by=published_by)
        session.add(version)
        session.flush()
        item.current_version = version
        audit.record(session, "publish_item", actor=actor, department_code=dept.code,
                     detail={"item": item.code, "version": number, "hash": bundle.content_hash})
        return Deployed(item.code, number, True)


def application_form_key(bundle: Bundle) -> str:
    """The key in `bundle.forms` of the item's application form (resolved like task forms)."""
    for key in FormStore(None).candidates(bundle.item["application_form"], bundle.stem):
        if key in bundle.forms:
            return key
    raise KeyError(bundle.item["application_form"])  # the checker guarantees it resolves


def _describe_item(item: Item, guide: dict, dept: Department) -> None:
    item.name, item.item_type, item.level = guide["name"], guide["item_type"], guide["level"]
    item.case_kind, item.department_id, item.retired_at = guide["case_kind"], dept.id, None
    item.internal = bool(guide.get("internal"))
    words = [guide["name"], guide.get("short_name", ""), guide["code"], guide.get("basic_code", ""), dept.name,
             *guide.get("keywords", []), *guide.get("themes", [])]
    words = [w for w in words if w]
    item.search_text = " ".join(words + _pinyin_words(words[:3] + [dept.name]))


# Audience as the portal says it (个人 / 法人) from the item's service objects (自然人 / 法人).
AUDIENCES = {"自然人": "person", "法人": "company"}


def _sync_facets(session: Session, item: Item, guide: dict) -> None:
    """The item's browse facets (themes, audiences) as rows, replaced on every deploy."""
    wanted = {("theme", t[:100]) for t in guide.get("themes", []) if t}
    wanted |= {("audience", AUDIENCES[o]) for o in guide.get("service_objects", []) if o in AUDIENCES}
    have = {(f.facet, f.value): f for f in session.scalars(select(ItemFacet).where(ItemFacet.item_id == item.id))}
    for key, row in have.items():
        if key not in wanted:
            session.delete(row)
    for facet, value in wanted - set(have):
        session.add(ItemFacet(item_id=item.id, facet=facet, value=value))


def _pinyin_words(words: list[str]) -> list[str]:
    """Full pinyin and initials of the name, short name and department, so that "jzgcsgxkz" or "jianzhu"
    finds 建筑工程施工许可证 (a search box on a phone without a Chinese keyboard). Other characters are dropped."""
    from pypinyin import Style, lazy_pinyin

    out = []
    for word in words:
        full = lazy_pinyin(word, errors="ignore")
        if full:
            out += ["".join(full), "".join(lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore"))]
    return out


def load_items(db: Database, root: str | Path, published_by: str | None = None) -> tuple[CheckReport, list[Deployed]]:
    """Check every bundle under `root`; if all are valid, sync the organisation and deploy them."""
    report = check_paths([str(root)], extra_groups=known_group_codes(db))
    if not report.ok:
        return report, []
    organisation = report.organisation
    if organisation is not None:
        with db.write() as session:
            sync_organisation(session, organisation)
    return report, [deploy_bundle(db, bundle, published_by) for bundle in report.bundles]
