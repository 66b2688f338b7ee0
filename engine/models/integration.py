"""Integration - API clients and tokens, idempotency keys, webhook subscriptions and deliveries."""
from __future__ import annotations

from .base import Base  # noqa: F401
