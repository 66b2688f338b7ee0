"""The open JSON API (v1) for department systems and signed-in people: see docs/api.md.

`blueprint.py` lists every URL; `conventions.py` (with `auth.py`, `problems.py`, `ratelimit.py`) implements
what all endpoints share; `openapi.py` builds the OpenAPI document from the endpoints' declarations."""
