"""Writing a file whole or not at all.

A file the project keeps (the second reader's vectors, an uploaded article and its restore
when the upload fails, the articles waiting to be embedded again) is written to a hidden
temporary file beside it and moved over the old one in one step (``os.replace``): a run
killed halfway leaves the old file, never half of the new one, and the temporary file is
removed on any failure.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def written_whole(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content to; it replaces ``path`` when the block
    ends without an error, and is removed otherwise. The folder is made when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
