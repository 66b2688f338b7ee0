"""Portal content pages: the list of each kind (news, notices, policies, regulations) and one article."""
from __future__ import annotations

from flask import render_template

from engine import content

from ..extensions import db
from ..params import page_arg

# URL segment -> article kind.
KIND_PATHS = {"news": "news", "notices": "notice", "policies": "policy", "regulations": "regulation",
              "faq": "faq"}


def article_list(kind: str):
    page = content.list_published(db.session, kind, page_arg())
    return render_template("portal/articles.html", kind=kind, kind_label=content.KINDS[kind], page=page,
                           kinds=content.KINDS)


def article(article_id: int):
    found = content.get_published(db.session, article_id)  # NotFound → 404
    return render_template("portal/article.html", article=found, kind_label=content.KINDS[found.kind])
