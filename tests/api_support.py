"""Helpers for the API tests: department-system clients and their request headers. Engine calls only."""
from __future__ import annotations

import uuid

from engine import api_clients

ALL_SCOPES = sorted(api_clients.SCOPES)


def new_client(db, name: str = "住建局业务系统", departments=("dm_construction",), scopes=ALL_SCOPES) -> str:
    """Create a client; its token."""
    return api_clients.create_client(db, name, list(departments), list(scopes)).token


def bearer(token: str, key: str | None = None, **extra) -> dict:
    """Headers of a token request; POSTs get a fresh Idempotency-Key unless one is given."""
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key or uuid.uuid4().hex}
    headers.update(extra)
    return headers


def submission(db, code: str, name: str = "珠海海韵建设有限公司") -> dict:
    from engine import demo

    return {"item_code": code, "application": demo.sample_application(db, code),
            "applicant": {"name": name, "type": "法人", "id_number": "91350100M000100Y43"}}
