"""No silent wrong answers from the data: a file is what its checksum says, an unreadable file is
one line naming where it is bad, and the token cache trusts nothing its checksum does not cover."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest

from bench import datahome
from bench.cli import main
from bench.datahome import DataFile, ModifiedDataError, fetch, verify
from bench.datasets import get_dataset
from bench.errors import DataFormatError, MissingDataError
from bench.tokenizers import cache
from bench.tokenizers.cache import CorruptEntry, load_entry, tokenize_corpus
from tests.test_tokenize_cache import TEXTS, Counting, FakeSpec


def cli(capsys, *args: str) -> tuple[int, str, list[str]]:
    """Exit code, stdout and the ``error:`` lines of stderr of ``python -m bench ARGS``."""
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return stop.value.code, out.out, [ln for ln in out.err.splitlines() if ln.startswith("error")]


@pytest.fixture
def strict(monkeypatch):
    """Without the opt-in the test session sets for its tiny (modified) files."""
    monkeypatch.delenv(datahome.ALLOW_MODIFIED_ENV, raising=False)


# ---- D2: a file failing its checksum is refused, unless deliberately opted in ------------------


def test_a_file_failing_its_checksum_is_refused_in_one_line(tiny_home, strict, capsys):
    code, _, errors = cli(capsys, "run", "--dataset", "sms-spam", "--model", "nb", "--no-save")
    (line,) = errors
    assert code == 2 and "SMSSpamCollection fails its checksum" in line
    assert "expected edc1f2ca3631" in line  # the registered checksum's prefix, then the actual one
    assert "python -m bench data --download sms-spam" in line
    assert "BENCH_ALLOW_MODIFIED_DATA=1" in line


def test_the_opt_in_uses_the_copy_with_a_warning_and_marks_it(tiny_home, capsys):
    spec = get_dataset("sms-spam")
    ds = spec.load()
    assert ds.modified and spec.data_modified() and len(ds.train) == 40
    assert "BENCH_ALLOW_MODIFIED_DATA=1" in capsys.readouterr().err


def test_a_changed_copy_of_a_checked_file_is_refused(isolated, strict):
    path = isolated / "data" / "ds" / "f.txt"
    path.parent.mkdir()
    path.write_text("ham\thello\n")
    df = DataFile("ds/f.txt", "file:///nowhere", sha256=hashlib.sha256(b"ham\thello\n").hexdigest())
    assert verify(df, "ds") is False
    path.write_text("spam\thello\n")
    with pytest.raises(ModifiedDataError, match="--download ds"):
        verify(df, "ds")


def test_files_without_a_checksum_are_not_refused(tiny_home, strict):
    spec = get_dataset("clothing-reviews")  # user-supplied, registered without a checksum
    assert not spec.load().modified and not spec.data_modified()


def test_a_download_without_published_checksum_is_accepted_until_changed(
    isolated, strict, tmp_path, monkeypatch
):
    monkeypatch.delenv("BENCH_OFFLINE")
    src = tmp_path / "publisher.txt"
    src.write_text("the publisher's own copy\n")
    df = DataFile("ds/f.txt", src.as_uri(), sha256="0" * 64, publisher_sha256=None)
    fetch(df)
    assert verify(df, "ds") is False  # differs from the mirror, but is what was downloaded
    df.path.write_text("edited afterwards\n")
    with pytest.raises(ModifiedDataError):
        verify(df, "ds")


@pytest.mark.realdata
def test_real_sms_with_flipped_labels_is_refused(real_home, strict, tmp_path, monkeypatch, capsys):
    home = tmp_path / "data"
    (home / "sms_spam").mkdir(parents=True)
    lines = (real_home / "sms_spam" / "SMSSpamCollection").read_text(encoding="utf-8")
    flipped = lines.replace("ham\t", "spam\t", 300)
    (home / "sms_spam" / "SMSSpamCollection").write_text(flipped, encoding="utf-8")
    monkeypatch.setenv("BENCH_DATA_HOME", str(home))
    code, _, errors = cli(capsys, "run", "--dataset", "sms-spam", "--model", "nb", "--no-save")
    assert code == 2 and len(errors) == 1 and "fails its checksum" in errors[0]


# ---- D7 / D15: unreadable files are one line; `bench list` shows them in their row -------------


def _bad_byte_in_nsmc(home) -> None:
    path = home / "nsmc" / "ratings_train.txt"
    raw = path.read_bytes()
    cut = raw.index(b"\n", 200)
    path.write_bytes(raw[:cut] + b"\xff" + raw[cut:])


@pytest.mark.parametrize(
    "args",
    [
        ("run", "--dataset", "nsmc", "--model", "nb", "--tokenizer", "korean-ws", "--no-save"),
        ("tokenize", "--dataset", "nsmc", "--tokenizer", "korean-ws"),
    ],
)
def test_non_utf8_nsmc_is_one_line_naming_the_place(tiny_home, capsys, args):
    _bad_byte_in_nsmc(tiny_home)
    code, _, errors = cli(capsys, *args)
    (line,) = errors
    assert code == 2 and "ratings_train.txt line 4 (byte offset 254)" in line
    assert "0xff is not UTF-8" in line


def test_non_utf8_gzip_and_csv_name_the_place(tiny_home):
    raw = tiny_home / "nsmc" / "nsmc_raw_reviews.tsv.gz"
    header = "id\tmovie_id\tdate\trating\tdocument\n"
    raw.write_bytes(gzip.compress(header.encode() + b"1\t2\t3\t10\tgood \xc3(\n"))
    with pytest.raises(DataFormatError, match=r"line 2 \(byte offset 47 of the uncompressed"):
        get_dataset("nsmc-raw").load()
    csv = tiny_home / "clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
    csv.write_bytes(csv.read_bytes() + b"99,1,30,t,caf\xe9,5,1\n")
    with pytest.raises(DataFormatError, match="is not UTF-8"):
        get_dataset("clothing-reviews").load()


def test_list_shows_each_bad_dataset_in_its_row(tiny_home, capsys):
    _bad_byte_in_nsmc(tiny_home)
    (tiny_home / "imdb" / "aclImdb_v1.tar.gz").write_bytes(b"not an archive")
    code, out, errors = cli(capsys, "list", "--json")
    by_name = {d["name"]: d for d in json.loads(out)["datasets"]}
    assert code == 0 and not errors
    assert "byte offset" in by_name["nsmc"]["error"] and "train_size" not in by_name["nsmc"]
    assert by_name["imdb"]["error"] and by_name["r8"]["train_size"] == 48
    code, out, _ = cli(capsys, "list")
    assert code == 0 and "unusable:" in out and "48 / 48" in out


def test_list_shows_a_refused_dataset_with_how_to_fix_it(tiny_home, strict, capsys):
    code, out, _ = cli(capsys, "list", "--json")
    by_name = {d["name"]: d for d in json.loads(out)["datasets"]}
    assert code == 0 and "--download sms-spam" in by_name["sms-spam"]["error"]
    assert "error" not in by_name["clothing-reviews"]  # no checksum registered: not refused


# ---- D14: downloads obey BENCH_OFFLINE ---------------------------------------------------------


def test_offline_download_is_refused_without_touching_anything(isolated, capsys, monkeypatch):
    def no_network(*args, **kw):
        raise AssertionError("the network was used")

    monkeypatch.setattr(datahome.urllib.request, "urlopen", no_network)
    code, out, errors = cli(capsys, "data", "--download", "sms-spam")
    (line,) = errors
    assert code == 2 and "downloads are off" in line and "BENCH_OFFLINE" in line
    assert list((isolated / "data").iterdir()) == []
    df = get_dataset("sms-spam").files[0]
    with pytest.raises(MissingDataError, match="downloads are off"):
        fetch(df)
    assert list((isolated / "data").iterdir()) == []


def test_a_failed_download_leaves_no_empty_folder(isolated, monkeypatch):
    monkeypatch.delenv("BENCH_OFFLINE")
    with pytest.raises(OSError):
        fetch(DataFile("new/deeper/f.txt", (isolated / "absent.txt").as_uri()))
    assert list((isolated / "data").iterdir()) == []


# ---- D17 / D20: the token cache --------------------------------------------------------------


def test_a_cache_that_could_not_be_written_is_not_called_cached(tiny_home, monkeypatch, capsys):
    from bench.tokenizers.measure import summary_line, tokenize_dataset

    def read_only(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache.os, "replace", read_only)
    report = tokenize_dataset("nsmc", "korean-ws", use_cache=True, quiet=True)
    assert report["cache_hit"] is False and report["cached"] is False
    line = summary_line(report)
    assert "now cached" not in line and "could not be written" in line
    assert "could not write token cache" in capsys.readouterr().err


def _retime(path, old: bytes, new: bytes) -> None:
    raw = path.read_bytes()
    assert raw.count(old) == 1 and len(old) == len(new)
    path.write_bytes(raw.replace(old, new))


@pytest.mark.parametrize("new", [b'"seconds": "x"', b'"seconds": 9e99'])
def test_a_tampered_cache_header_is_detected_and_rebuilt(tmp_path, monkeypatch, capsys, new):
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("BENCH_TOKEN_CACHE", raising=False)
    first = tokenize_corpus(FakeSpec(), "train", TEXTS, Counting())
    head = first.path.read_bytes()
    start = head.index(b'"seconds": ')
    old = head[start : head.index(b",", start)]
    _retime(first.path, old, new[: len(old)].ljust(len(old)))
    with pytest.raises(CorruptEntry):
        load_entry(first.path, cache.cache_key("a" * 64, "train", TEXTS, Counting().config()))
    tok = Counting()
    again = tokenize_corpus(FakeSpec(), "train", TEXTS, tok)
    assert again.cache_hit is False and tok.calls == len(TEXTS)
    assert "unusable" in capsys.readouterr().err
    assert tokenize_corpus(FakeSpec(), "train", TEXTS, Counting()).cache_hit is True
