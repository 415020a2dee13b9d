"""Reading text members of a publisher's tar archive without extracting it to disk."""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Iterator

from bench.errors import DataFormatError


def iter_tar_texts(path: Path, encoding: str) -> Iterator[tuple[str, str]]:
    """Yield ``(member name, decoded text)`` for every regular file in a (gzipped) tar archive.

    Links and devices are skipped, never followed. A truncated or corrupt archive raises a
    one-line :class:`DataFormatError` naming the file.
    """
    try:
        with tarfile.open(path, mode="r:*") as tf:
            for member in tf:
                if not member.isfile():
                    continue
                fh = tf.extractfile(member)
                if fh is None:
                    continue
                yield member.name, fh.read().decode(encoding, errors="replace")
    except (tarfile.TarError, EOFError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataFormatError(
            f"{path} is truncated or not a tar archive ({reason}); "
            "delete it and run `python -m bench data --download`"
        ) from None
