"""Our copies of recordings on disk, under the recordings directory (``IVR_RECORDINGS_DIR``).

A file is written to a temporary name in its final folder, fsynced, then renamed into place,
so a reader (the transcriber, a download of the audio) sees either no file or the whole file,
never a half-written one, even after a crash. The checksum is computed while the bytes stream
through: a four-hour dual-channel call is 230 MB and is never held in memory.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

CHUNK_BYTES = 64 * 1024


class StorageError(Exception):
    """The audio could not be written (or is not what we expected); the message says why."""


@dataclass(frozen=True)
class Written:
    path: str
    """Relative to the recordings directory."""
    sha256: str
    size_bytes: int


class RecordingStore:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def absolute(self, relative: str) -> Path:
        """The file for a stored path; a path that climbs out of the directory is refused."""
        parts = PurePosixPath(relative).parts
        if not parts or PurePosixPath(relative).is_absolute() or ".." in parts:
            raise StorageError(f"recording path {relative!r} is outside the recordings directory")
        return self.directory.joinpath(*parts)

    def write(self, relative: str, chunks: Iterable[bytes], *, max_bytes: int) -> Written:
        """Stream ``chunks`` into ``relative`` atomically; the old file, if any, is replaced
        only once the new one is complete and on disk."""
        target = self.absolute(relative)
        # The first chunk before any folder or file: a carrier that refuses leaves nothing.
        stream = iter(chunks)
        first = next(stream, b"")
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in itertools.chain((first,), stream):
                    if not chunk:
                        continue
                    size += len(chunk)
                    if size > max_bytes:
                        raise StorageError(f"the audio is larger than {max_bytes} bytes")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _fsync_directory(target.parent)
        return Written(path=relative, sha256=digest.hexdigest(), size_bytes=size)

    def checksum(self, relative: str) -> str | None:
        """The file's SHA-256, read in chunks; None when it is missing."""
        target = self.absolute(relative)
        digest = hashlib.sha256()
        try:
            with target.open("rb") as source:
                while chunk := source.read(CHUNK_BYTES):
                    digest.update(chunk)
        except FileNotFoundError:
            return None
        return digest.hexdigest()

    def matches(self, relative: str, sha256: str | None, size_bytes: int | None) -> bool:
        """The file is there and is exactly what we recorded having stored."""
        if sha256 is None:
            return False
        target = self.absolute(relative)
        try:
            if size_bytes is not None and target.stat().st_size != size_bytes:
                return False
        except FileNotFoundError:
            return False
        return self.checksum(relative) == sha256

    def delete(self, relative: str) -> bool:
        """True when a file was deleted; a file already gone is not an error (prune twice)."""
        target = self.absolute(relative)
        try:
            target.unlink()
        except FileNotFoundError:
            return False
        _fsync_directory(target.parent)
        return True


def _fsync_directory(folder: Path) -> None:
    """Make the rename (or unlink) itself durable; not possible on every platform."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
