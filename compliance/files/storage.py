"""Bytes on disk under the data directory: atomic writes, reads, best-effort removal."""

import os
import uuid
from pathlib import Path

from compliance.errors import StorageUnavailable
from compliance.i18n import N_


def new_name(extension: str) -> str:
    """A server-chosen file name; nothing of the uploader's name reaches the disk."""
    return f"{uuid.uuid4().hex}{extension}"


def path_of(data_dir: Path, storage_name: str) -> Path:
    """Where a stored file lives; refuses names that could leave the data directory."""
    if not storage_name or "/" in storage_name or "\\" in storage_name or storage_name[0] == ".":
        raise ValueError(f"unsafe storage name {storage_name!r}")
    return data_dir / storage_name


def write_atomic(data_dir: Path, storage_name: str, data: bytes) -> Path:
    """Write to a temporary name, fsync, then rename: a reader never sees half a file.

    StorageUnavailable when the data folder cannot be written (read-only, full, missing).
    """
    try:
        return _write_atomic(data_dir, storage_name, data)
    except OSError as exc:
        raise StorageUnavailable(
            N_(
                "the data folder %(folder)s cannot be written (%(why)s); "
                "nothing was saved. What you typed is kept: ask the administrator, "
                "then choose the file again."
            ),
            folder=str(data_dir),
            why=str(exc.strerror or exc),
        ) from exc


def _write_atomic(data_dir: Path, storage_name: str, data: bytes) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    final = path_of(data_dir, storage_name)
    tmp = data_dir / f".{storage_name}.tmp"
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return final


def read(data_dir: Path, storage_name: str) -> bytes:
    """The stored bytes; FileNotFoundError if they are gone."""
    return path_of(data_dir, storage_name).read_bytes()


def remove(data_dir: Path, storage_name: str) -> None:
    """Delete a stored file if present (cleanup after a failed transaction)."""
    path_of(data_dir, storage_name).unlink(missing_ok=True)
