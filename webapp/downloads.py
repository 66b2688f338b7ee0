"""Every file the app hands out (receipts, documents, materials, guide files, exports, templates) leaves
through here, so its name is written one way: RFC 6266 `Content-Disposition` with the UTF-8 name in an
RFC 5987 `filename*` and an ASCII `filename` for old clients (Werkzeug's `send_file` writes both).

A Chinese name written raw into the header is not valid HTTP: Werkzeug's dev server drops the connection
and gunicorn answers 500. tests/test_web_downloads.py checks every route that calls this over real HTTP.
"""
from __future__ import annotations

import io
from pathlib import Path

from flask import Response, send_file

# Downloads carry personal data (applications, query codes, statistics): never kept in any cache.
PRIVATE = "private, no-store"


def send_bytes(body: bytes | str, name: str, mimetype: str, *, inline: bool = False) -> Response:
    """`body` (text is sent as UTF-8) as a file called `name`; saved by the browser unless `inline`."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=not inline, download_name=name,
                         max_age=0, conditional=False)
    response.headers["Cache-Control"] = PRIVATE
    return response


def send_path(path: str | Path, name: str, mimetype: str | None = None, *, inline: bool = False,
              etag: str | bool = True, public: bool = False) -> Response:
    """The file at `path` as `name`, answering conditional and range requests. `public` files (the guides'
    blank forms) may be revalidated from a cache; everything else is never stored."""
    response = send_file(path, mimetype=mimetype, as_attachment=not inline, download_name=name, max_age=0,
                         conditional=True, etag=etag)
    if not public:
        response.headers["Cache-Control"] = PRIVATE
    return response
