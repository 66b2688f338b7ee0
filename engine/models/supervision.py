"""Supervision - warning cards, urging, complaint handling steps, rectification, report snapshots."""
from __future__ import annotations

from .base import Base  # noqa: F401
