"""A file uploaded for an import, kept between its preview and its confirmation.

The file goes to the instance folder under a random name that only the uploader's signed
session cookie knows, with the event, the kind of import and the file's SHA-256. Confirming
names the token; the file read back must be the one previewed (same digest, same event and
kind) or nothing is imported. Another user, or another browser, cannot confirm it; a different
file can only be imported by previewing it first. Files are deleted once imported, and any left
behind (a preview never confirmed, a job's progress) after ``KEEP_FOR_SECONDS``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from flask import current_app, session

TOKEN_PATTERN: Final = r"^[A-Za-z0-9_-]{32}$"
FOLDER_NAME: Final = "imports"
SESSION_KEY: Final = "confkit_imports"
# Previews a session may have open at once (several tabs); older ones are dropped.
MAX_KEPT: Final = 4
KEEP_FOR_SECONDS: Final = 6 * 3600
_TOKEN = re.compile(TOKEN_PATTERN)


@dataclass(frozen=True)
class KeptUpload:
    """A previewed file waiting for its confirmation."""

    token: str
    event_slug: str
    kind: str
    filename: str
    digest: str


def keep_upload(data: bytes, *, event_slug: str, kind: str, filename: str) -> KeptUpload:
    """Store ``data`` for this session's confirmation of it."""
    folder = upload_folder()
    _remove_stale(folder)
    token = secrets.token_urlsafe(24)
    path = folder / f"{token}.csv"
    # Personal data: readable by the app's own user only.
    path.touch(mode=0o600)
    path.write_bytes(data)
    kept = KeptUpload(token, event_slug, kind, filename[:200], hashlib.sha256(data).hexdigest())
    entries: dict[str, Any] = dict(session.get(SESSION_KEY) or {})
    entries[token] = {
        "event": kept.event_slug,
        "kind": kept.kind,
        "filename": kept.filename,
        "digest": kept.digest,
    }
    while len(entries) > MAX_KEPT:
        _delete(folder, next(iter(entries)))
        entries.pop(next(iter(entries)))
    session[SESSION_KEY] = entries
    return kept


def kept_upload(token: str, *, event_slug: str, kind: str) -> tuple[KeptUpload, bytes] | None:
    """The file this session previewed under ``token`` for that event and kind, unchanged;
    None if there is none (another session's, expired, or not the one previewed)."""
    entry = (session.get(SESSION_KEY) or {}).get(token)
    if not _TOKEN.match(token) or not isinstance(entry, dict):
        return None
    kept = KeptUpload(
        token, entry.get("event", ""), entry.get("kind", ""), entry.get("filename", ""),
        entry.get("digest", ""),
    )  # fmt: skip
    if (kept.event_slug, kept.kind) != (event_slug, kind):
        return None
    try:
        data = (upload_folder() / f"{token}.csv").read_bytes()
    except FileNotFoundError:
        return None
    if hashlib.sha256(data).hexdigest() != kept.digest:
        return None
    return kept, data


def forget_upload(token: str) -> None:
    """Delete the file and this session's note of it."""
    entries: dict[str, Any] = dict(session.get(SESSION_KEY) or {})
    entries.pop(token, None)
    session[SESSION_KEY] = entries
    if _TOKEN.match(token):
        _delete(upload_folder(), token)


def upload_folder() -> Path:
    """The instance's folder of uploads waiting for their import, and of import jobs."""
    folder = Path(current_app.instance_path) / FOLDER_NAME
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _delete(folder: Path, token: str) -> None:
    (folder / f"{token}.csv").unlink(missing_ok=True)


def _remove_stale(folder: Path) -> None:
    oldest = time.time() - KEEP_FOR_SECONDS
    # Uploads, and the files of import jobs and claims (``import_jobs.py``) alike.
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
        except FileNotFoundError:
            continue
