"""Public portal content - articles (news, notices, policies, FAQ, result publication) and public messages (consultation, complaints, suggestions)."""
from __future__ import annotations

from .base import Base  # noqa: F401
