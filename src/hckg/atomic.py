"""Atomic output: a file is either written whole or left as it was."""

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: str | Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file and a rename; ``-`` is stdout."""
    if str(path) == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    with atomic_output(path) as handle:
        handle.write(content)


@contextmanager
def atomic_output(path: str | Path) -> Iterator[BinaryIO]:
    """A seekable binary file to write ``path`` in parts: renamed into place only if the block completes.

    ``-`` is stdout: the parts go to an anonymous temporary file copied to stdout at the end, so a
    failure half-way writes nothing there either.
    """
    if str(path) == "-":
        with tempfile.TemporaryFile() as handle:
            yield handle
            handle.seek(0)
            shutil.copyfileobj(handle, sys.stdout.buffer, 1 << 20)
            sys.stdout.buffer.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp creates 0600; give the file the mode a plain open() would
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
