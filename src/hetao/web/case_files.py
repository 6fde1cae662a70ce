"""Serving uploaded documents: only to those allowed, as attachments, never cached or sniffed."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import FileResponse

from hetao import cases
from hetao.core.errors import NotFound


def upload_root(request: Request) -> Path:
    return Path(request.app.state.settings.upload_dir)


def file_response(request: Request, document: cases.CaseDocument) -> FileResponse:
    path = cases.path_for(upload_root(request), document.upload_id)
    if document.purged_at is not None or not path.is_file():
        raise NotFound()
    ascii_name = document.filename.encode("ascii", "ignore").decode() or "document"
    return FileResponse(
        path,
        media_type=document.upload.media_type,
        headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(document.filename)}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
