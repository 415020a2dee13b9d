"""The data home: lookup, status, safe extraction, and downloads (against a local file:// URL)."""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from bench import datahome
from bench.datahome import DataFile, data_home, file_status, require, safe_extract
from bench.errors import DataFormatError, MissingDataError


def test_data_home_from_environment(isolated):
    assert data_home() == (isolated / "data").resolve()


def test_data_home_default_is_a_user_directory(monkeypatch):
    monkeypatch.delenv("BENCH_DATA_HOME", raising=False)
    assert "nlp-bench" in str(data_home())


def test_status_present_missing_mismatch(isolated):
    good = isolated / "data" / "f.txt"
    good.write_text("hello")
    digest = hashlib.sha256(b"hello").hexdigest()
    assert file_status(DataFile("f.txt", "file:///nowhere", sha256=digest)) == "present"
    assert file_status(DataFile("f.txt", "file:///nowhere", sha256="0" * 64)) == "checksum mismatch"
    assert file_status(DataFile("g.txt", "file:///nowhere")) == "missing"


def test_download_verifies_checksum_and_lands_atomically(isolated, tmp_path, monkeypatch):
    monkeypatch.delenv("BENCH_OFFLINE")
    src = tmp_path / "published.txt"
    src.write_text("published data")
    digest = hashlib.sha256(b"published data").hexdigest()
    df = DataFile("ds/file.txt", src.as_uri(), sha256=digest)
    assert require(df).read_text() == "published data"
    bad = DataFile("ds/other.txt", src.as_uri(), sha256="0" * 64)
    with pytest.raises(DataFormatError, match="checksum mismatch"):
        require(bad)
    assert not (isolated / "data" / "ds" / "other.txt").exists()
    assert not list((isolated / "data" / "ds").glob(".download-*"))


def test_download_of_zipped_member(isolated, tmp_path, monkeypatch):
    monkeypatch.delenv("BENCH_OFFLINE")
    archive = tmp_path / "pub.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "x")
        zf.writestr("SMSSpamCollection", "ham\thi\n")
    df = DataFile(
        "sms/SMSSpamCollection", archive.as_uri(), publisher_sha256=None, member="SMSSpamCollection"
    )
    assert require(df).read_text() == "ham\thi\n"


def test_failed_download_is_one_line(isolated, monkeypatch):
    monkeypatch.delenv("BENCH_OFFLINE")
    monkeypatch.setattr(datahome, "DOWNLOAD_TIMEOUT_S", 2)
    df = DataFile("x/y.txt", "http://127.0.0.1:9/y.txt")
    with pytest.raises(MissingDataError) as err:
        require(df)
    assert (
        "y.txt" in str(err.value)
        and "BENCH_DATA_HOME" in str(err.value)
        and "\n" not in str(err.value)
    )


def _tar_with(tmp_path: Path, member: tarfile.TarInfo, data: bytes = b"") -> Path:
    path = tmp_path / "evil.tar"
    with tarfile.open(path, "w") as tf:
        member.size = len(data)
        tf.addfile(member, io.BytesIO(data) if data else None)
    return path


@pytest.mark.parametrize("name", ["../escape.txt", "/abs/escape.txt", "a/../../escape.txt"])
def test_safe_extract_refuses_path_escape(tmp_path, name):
    archive = _tar_with(tmp_path, tarfile.TarInfo(name), b"x")
    with pytest.raises(DataFormatError):
        safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_safe_extract_refuses_links(tmp_path):
    link = tarfile.TarInfo("link")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    with pytest.raises(DataFormatError, match="link"):
        safe_extract(_tar_with(tmp_path, link), tmp_path / "out")


def test_safe_extract_refuses_zip_escape(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../escape.txt", "x")
    with pytest.raises(DataFormatError):
        safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_safe_extract_extracts_regular_files(tmp_path):
    archive = _tar_with(tmp_path, tarfile.TarInfo("dir/ok.txt"), b"fine")
    safe_extract(archive, tmp_path / "out")
    assert (tmp_path / "out" / "dir" / "ok.txt").read_text() == "fine"
