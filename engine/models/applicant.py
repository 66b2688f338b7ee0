"""The applicant's space - uploaded materials, drafts, in-app messages, application revisions, evaluations."""
from __future__ import annotations

from .base import Base  # noqa: F401
