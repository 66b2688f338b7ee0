"""The portal's demo content (engine/data/portal_seed.yaml): articles and a few answered consultations.

Loaded by `onewindow demo` and by the test template database, through the same engine functions an editor
and a clerk use (so the bodies pass the sanitizer). Idempotent: an article or inquiry with the same title
or subject is not added twice.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import select

from . import clock, content, inquiries
from .accounts import find_user
from .db import Database
from .models import Article, Inquiry

SEED_FILE = Path(__file__).with_name("data") / "portal_seed.yaml"
ANSWERING_ACCOUNT = "supervisor"  # the demo supervisor answers the seeded consultations


def seed_demo_content(db: Database, path: Path = SEED_FILE) -> tuple[int, int]:
    """Add the seed articles and inquiries that are missing; returns (articles added, inquiries added)."""
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    with db.read() as session:
        titles = set(session.scalars(select(Article.title)))
        subjects = set(session.scalars(select(Inquiry.subject)))
        staff = find_user(session, ANSWERING_ACCOUNT)
    now = clock.now()
    articles = 0
    for entry in data.get("articles") or []:
        if entry["title"] in titles:
            continue
        content.publish(db, None, entry["kind"], entry["title"], entry["body"], entry.get("summary", ""),
                        entry.get("department"), at=now - timedelta(days=entry.get("days_ago", 0)))
        articles += 1
    added = 0
    for entry in data.get("inquiries") or []:
        if entry["subject"] in subjects:
            continue
        reference = inquiries.submit(db, entry["kind"], entry["name"], str(entry["contact"]), entry["subject"],
                                     entry["content"], entry.get("item"), entry.get("department"))
        if entry.get("answer") and staff is not None:
            inquiries.answer(db, staff, reference, entry["answer"], bool(entry.get("public")))
        added += 1
    return articles, added
