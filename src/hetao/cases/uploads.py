"""Uploaded files: size limit, type checked by content, stored content-addressed outside the web root."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from sqlalchemy.orm import Session

from hetao.cases.models import Upload
from hetao.core.db import utcnow
from hetao.core.errors import Problem, ValidationFailed
from hetao.core.i18n import N_

MAX_BYTES = 10 * 1024 * 1024
#: Accepted types by their first bytes (the name and the browser's claimed type are not trusted).
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, media_type, extension in SIGNATURES:
        if head.startswith(magic):
            return media_type, extension
    return None


#: Names Windows reserves for devices, with any extension (``CON.pdf`` cannot be saved there).
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)


def safe_filename(name: str, extension: str) -> str:
    """A display name without paths, control characters or tricks, ending in the real extension.

    Normalised (NFKC) before the directory part is dropped, so full-width ``．．／`` cannot come back
    as ``../`` afterwards; a name Windows reserves (``CON``, ``NUL``, ``LPT1``…) gets a ``_``."""
    base = unicodedata.normalize("NFKC", name or "").replace("\\", "/")
    base = os.path.basename(base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", base).strip(" .")[:80].strip(" .") or "document"
    if _WINDOWS_RESERVED.match(stem):
        stem = "_" + stem
    return stem + extension


def path_for(root: Path, digest: str) -> Path:
    return root / digest[:2] / digest


def store(session: Session, root: Path, data: bytes, *, field: str = "file") -> Upload:
    """Check and store ``data``; returns its row (existing when the same content was stored before).
    The file is written before the row (atomically, by rename), so a row never lacks its file; a file
    whose transaction rolls back is left unreferenced and is removed by the purge."""
    if not data:
        raise ValidationFailed([Problem(field, N_("Choose a file to upload."))])
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            [Problem(field, N_("The file is larger than %(mb)s MB."), {"mb": MAX_BYTES // (1024 * 1024)})]
        )
    kind = sniff(data[:16])
    if kind is None:
        raise ValidationFailed([Problem(field, N_("The file must be a PDF, PNG or JPEG."))])
    digest = hashlib.sha256(data).hexdigest()
    # Locked (PostgreSQL) so a purge removing this content's file waits, or is waited for; the
    # file is then written again below when the purge removed it.
    existing = session.get(Upload, digest, with_for_update=True)
    target = path_for(root, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            if "tmp" in locals() and os.path.exists(tmp):
                os.unlink(tmp)
            raise ValidationFailed(
                [Problem(field, N_("The file could not be stored just now. Try again later."))]
            ) from exc
    if existing is not None:
        return existing
    upload = Upload(id=digest, size=len(data), media_type=kind[0], created_at=utcnow())
    session.add(upload)
    session.flush()
    return upload


def extension_of(media_type: str) -> str:
    return next((ext for _m, t, ext in SIGNATURES if t == media_type), "")
