"""The app's JSON provider: request bodies are read by engine.jsontext (nesting capped, lone surrogates
refused), so no `request.get_json()` anywhere can end in a RecursionError or store text no database takes.
A refused body is a ValueError to Flask: `get_json()` answers 400, `get_json(silent=True)` None."""
from __future__ import annotations

from flask.json.provider import DefaultJSONProvider

from engine import jsontext


class RequestJSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        if kwargs:  # Flask's own callers (the session cookie's tagged JSON): text this app wrote itself
            return super().loads(s, **kwargs)
        return jsontext.loads(s)
