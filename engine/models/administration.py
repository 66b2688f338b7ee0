"""Administration - item drafts being edited, version moves of running cases, department windows and staff."""
from __future__ import annotations

from .base import Base  # noqa: F401
