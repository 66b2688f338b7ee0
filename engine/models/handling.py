"""Case handling at the workbench - saved filters, absence substitution, special procedures, extensions, ticket settlement."""
from __future__ import annotations

from .base import Base  # noqa: F401
