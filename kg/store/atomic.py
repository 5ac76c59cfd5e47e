"""Write output files all-or-nothing.

A build that crashes or is interrupted half-way must never leave a truncated graph, page or
report where a good one used to be: readers see either the old file or the complete new one.
Data goes to a temporary file in the target's own directory (so the final rename stays on one
file system and is atomic), is flushed and fsynced, then ``os.replace``-d onto the target.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

StrPath = str | os.PathLike[str]


def _temp_path(target: Path) -> Path:
    # Hidden and clearly temporary, so a leftover from a killed process is easy to recognise.
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")


def _create_temp(target: Path) -> tuple[Path, int]:
    """Create a fresh temp file next to ``target``; the umask applies as for a normal open()."""
    parent = target.parent
    if not parent.is_dir():
        raise FileNotFoundError(f"{target}: cannot write, directory {parent} does not exist")
    while True:
        tmp = _temp_path(target)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:  # astronomically unlikely name clash: draw again
            continue
        return tmp, fd


def _keep_mode(target: Path, tmp: Path) -> None:
    """Replacing a file should not silently change its permissions."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return
    os.chmod(tmp, mode)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX only; a no-op where directories cannot be opened)."""
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:
        return
    try:
        fd = os.open(directory, os.O_RDONLY | flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_open(path: StrPath, mode: str = "w") -> Iterator[IO[Any]]:
    """Yield a file object whose content replaces ``path`` only if the block finishes cleanly.

    ``mode`` is ``"w"`` (UTF-8 text, newlines written as given) or ``"wb"`` (bytes). On any
    exception, including KeyboardInterrupt, the temp file is removed and ``path`` is untouched.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"{path}: atomic_open mode must be 'w' or 'wb', not {mode!r}")
    target = Path(path)
    tmp, fd = _create_temp(target)
    try:
        if mode == "wb":
            fh: IO[Any] = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def atomic_write_bytes(path: StrPath, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def atomic_write_text(path: StrPath, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, newlines untranslated) atomically."""
    with atomic_open(path, "w") as fh:
        fh.write(text)
