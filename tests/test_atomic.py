"""core.atomic: the one temp-file-and-rename writer every package uses."""

from __future__ import annotations

import os
import stat

import pytest

from core.atomic import atomic_path, atomic_write


class CallersError(Exception):
    """Stands in for a caller's own one-line error (``UnwritableResultsError``...)."""


def _callers_error(exc: OSError) -> CallersError:
    return CallersError(f"cannot write: {exc.strerror}")


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_text_and_bytes_are_written_whole_and_readable_by_everyone(tmp_path):
    text, binary = tmp_path / "deep" / "a.txt", tmp_path / "b.bin"
    with atomic_write(text) as fh:
        fh.write("한국어 line\n")
    with atomic_write(binary, "wb") as fh:
        fh.write(b"\x00\xff")
    assert text.read_text(encoding="utf-8") == "한국어 line\n"  # the missing folder was made
    assert binary.read_bytes() == b"\x00\xff"
    # mkstemp creates 0o600 whatever the umask; the writer widens it on purpose
    assert _mode(text) == _mode(binary) == 0o644
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.txt", "b.bin", "deep"]


def test_newline_is_passed_to_the_text_file(tmp_path):
    path = tmp_path / "crlf.txt"
    with atomic_write(path, newline="\r\n") as fh:
        fh.write("a\nb\n")
    assert path.read_bytes() == b"a\r\nb\r\n"


def test_the_old_file_is_kept_and_no_temp_file_is_left_when_the_block_raises(tmp_path):
    path = tmp_path / "kept.txt"
    path.write_text("old")
    with pytest.raises(KeyError):  # not an OSError: raised as it is, even with on_error
        with atomic_write(path, on_error=_callers_error) as fh:
            fh.write("new, half")
            raise KeyError("interrupted")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]


def test_an_oserror_becomes_the_callers_error_chained_from_it(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    with pytest.raises(CallersError, match="cannot write") as info:
        with atomic_write(blocker / "out.txt", on_error=_callers_error) as fh:
            fh.write("never")
    assert isinstance(info.value.__cause__, OSError)
    with pytest.raises(OSError) as raw:  # without on_error the OSError itself
        with atomic_write(blocker / "out.txt") as fh:
            fh.write("never")
    assert not isinstance(raw.value, CallersError)
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]


def test_a_failed_rename_is_the_callers_error_and_leaves_nothing(tmp_path, monkeypatch):
    def full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(CallersError, match="No space left"):
        with atomic_write(tmp_path / "x.txt", on_error=_callers_error) as fh:
            fh.write("data")
    assert list(tmp_path.iterdir()) == []


def test_atomic_path_hands_a_path_to_a_writer_that_takes_one(tmp_path):
    path = tmp_path / "table.csv"
    with atomic_path(path) as tmp:
        assert tmp.parent == tmp_path and tmp != path and not path.exists()
        tmp.write_text("a,b\n")
    assert path.read_text() == "a,b\n" and _mode(path) == 0o644
    with pytest.raises(CallersError):
        with atomic_path(
            tmp_path / "absent" / "t.csv", on_error=_callers_error, make_parents=False
        ):
            pass  # the folder is not made: creating the temp file fails
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_an_unknown_mode_is_refused(tmp_path):
    with pytest.raises(ValueError, match="mode"):
        with atomic_write(tmp_path / "x", "a"):
            pass


def test_an_oserror_that_is_already_a_user_error_is_not_mapped_again(tmp_path):
    from core.errors import UserError

    class Unwritable(UserError, OSError):
        pass

    with pytest.raises(Unwritable, match="said once"):
        with atomic_write(tmp_path / "x.txt", on_error=_callers_error):
            raise Unwritable("said once")
    assert list(tmp_path.iterdir()) == []
