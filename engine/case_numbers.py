"""Case numbers and query codes: the one place that knows their format.

A case number is `YYYYMMDD` + 8 random digits + an ISO 7064 MOD 11-2 check character (0-9 or X, the
scheme of the resident ID), so a mistyped number is caught before any lookup and numbers cannot be
guessed from each other. Looking a case up also needs its query code (or a login).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from . import clock

CASE_NO_RE = re.compile(r"^\d{16}[0-9X]$")
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone
QUERY_CODE_LENGTH = 8


def check_character(body: str) -> str:
    """ISO 7064 MOD 11-2 over a string of digits, as GB 11643 computes the resident ID's last character."""
    total = sum(int(d) * pow(2, len(body) - i, 11) for i, d in enumerate(body))
    return "10X98765432"[total % 11]


def new_case_no(at: datetime | None = None) -> str:
    local = (at or clock.now()).astimezone(clock.TZ)
    body = local.strftime("%Y%m%d") + "".join(secrets.choice("0123456789") for _ in range(8))
    return body + check_character(body)


def is_valid_case_no(text: str) -> bool:
    text = (text or "").strip().upper()
    return bool(CASE_NO_RE.match(text)) and check_character(text[:16]) == text[16]


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def hash_query_code(case_no: str, code: str) -> str:
    return hashlib.sha256(f"{case_no}:{code.strip().upper()}".encode()).hexdigest()


def query_code_matches(case_no: str, code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_query_code(case_no, code or ""), stored_hash)
