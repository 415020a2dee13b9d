"""The disk cache of tokenized corpora, multi-process tokenization, the runner's use of them, and
``python -m bench tokenize``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.tokenizers import cache, parallel
from bench.tokenizers.base import Tokenizer
from bench.tokenizers.cache import decode, encode, load_entry, tokenize_corpus
from bench.tokenizers.korean_whitespace import KoreanWhitespaceTokenizer
from bench.tokenizers.parallel import tokenize_texts

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ["영화 정말 재밌다", "", "최악 지루하다 ㅋㅋ", 'good 영화 "quoted" a\nb', "감동 추천 " * 20]


class FakeSpec:
    """What the cache needs of a dataset spec: a name and a checksum of its files."""

    def __init__(self, checksum: str = "a" * 64, name: str = "toy"):
        self.name, self._checksum = name, checksum

    def checksum(self) -> str:
        return self._checksum


class Counting(Tokenizer):
    """Whitespace split that counts the documents it analysed."""

    name = "counting"
    cacheable = True

    def __init__(self, *, upper: bool = False):
        super().__init__(upper=upper)
        self.calls = 0

    def __call__(self, text: str) -> list[str]:
        self.calls += 1
        return (text.upper() if self.options["upper"] else text).split()


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("BENCH_TOKEN_CACHE", raising=False)
    return tmp_path / "tokenized"


def _entry(cache_dir: Path) -> Path:
    (path,) = cache_dir.glob("*.tok")
    return path


def test_encode_decode_round_trip():
    docs = [["a", "b", "a"], [], ["영화", '"x"', "new\nline", ""], ["😀", "\ud800"]]
    assert decode(*_payload_header(docs)) == docs
    assert decode(*_payload_header([])) == [] and decode(*_payload_header([[]])) == [[]]


def _payload_header(docs):
    payload, vb = encode(docs)
    return payload, {"vocab_bytes": vb, "n_tokens": sum(map(len, docs)), "n_docs": len(docs)}


def test_miss_then_hit_does_no_analysis(cache_dir):
    tok = Counting()
    first = tokenize_corpus(FakeSpec(), "train", TEXTS, tok)
    assert first.cache_hit is False and tok.calls == len(TEXTS) and first.path.exists()
    second = tokenize_corpus(FakeSpec(), "train", TEXTS, tok)
    assert second.cache_hit is True and tok.calls == len(TEXTS)
    assert second.docs == first.docs == [t.split() for t in TEXTS]
    assert second.cold_seconds == pytest.approx(first.cold_seconds) and second.workers == 1


@pytest.mark.parametrize("change", ["data", "split", "texts", "options", "version"])
def test_anything_that_changes_the_output_is_a_miss(cache_dir, change, monkeypatch):
    tokenize_corpus(FakeSpec(), "train", TEXTS, Counting())
    spec, split, texts, tok = FakeSpec(), "train", list(TEXTS), Counting()
    if change == "data":
        spec = FakeSpec("b" * 64)
    elif change == "split":
        split = "test"
    elif change == "texts":
        texts[0] = "영화 정말 재밌다!"
    elif change == "options":
        tok = Counting(upper=True)
    else:
        monkeypatch.setattr(Counting, "version", "2")
    out = tokenize_corpus(spec, split, texts, tok)
    assert out.cache_hit is False and tok.calls == len(texts)
    assert len(list(cache_dir.glob("*.tok"))) == 2


def _corrupt_truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-7])


def _corrupt_flip(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[-10] ^= 0xFF
    path.write_bytes(bytes(raw))


def _corrupt_garbage(path: Path) -> None:
    path.write_bytes(b"not a cache file at all")


def _corrupt_header(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(cache.MAGIC) + 8] + b"#" + raw[len(cache.MAGIC) + 9 :])


def _stale(path: Path) -> None:
    """Another configuration's (valid) entry under this entry's name."""
    other = tokenize_corpus(FakeSpec(), "other", ["x y"], Counting())
    os.replace(other.path, path)


@pytest.mark.parametrize(
    "damage",
    [
        _corrupt_truncate,
        _corrupt_flip,
        _corrupt_garbage,
        _corrupt_header,
        _stale,
        lambda p: p.write_bytes(b""),
    ],
)
def test_a_bad_entry_is_detected_and_rebuilt(cache_dir, damage, capsys):
    first = tokenize_corpus(FakeSpec(), "train", TEXTS, Counting())
    damage(first.path)
    tok = Counting()
    again = tokenize_corpus(FakeSpec(), "train", TEXTS, tok)
    assert again.cache_hit is False and tok.calls == len(TEXTS) and again.docs == first.docs
    assert "unusable" in capsys.readouterr().err
    third = tokenize_corpus(FakeSpec(), "train", TEXTS, Counting())
    assert third.cache_hit is True and third.docs == first.docs  # the rebuilt entry is sound


def test_load_entry_rejects_another_key(cache_dir):
    first = tokenize_corpus(FakeSpec(), "train", TEXTS, Counting())
    with pytest.raises(cache.CorruptEntry, match="stale"):
        load_entry(first.path, "0" * 64)


def test_a_failed_write_leaves_no_file_and_keeps_the_old_entry(cache_dir, monkeypatch):
    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(cache.os, "replace", boom)
    out = tokenize_corpus(FakeSpec(), "train", TEXTS, Counting())  # the run itself still succeeds
    assert out.docs == [t.split() for t in TEXTS] and out.path is None
    assert list(cache_dir.iterdir()) == []  # no entry, no temp file left behind
    monkeypatch.undo()
    monkeypatch.setenv("BENCH_CACHE_DIR", str(cache_dir.parent))
    good = tokenize_corpus(FakeSpec(), "train", TEXTS, Counting())
    before = good.path.read_bytes()
    monkeypatch.setattr(cache.os, "fsync", boom)
    with pytest.raises(OSError):
        cache.save_entry(good.path, "k" * 64, [["other"]], {})
    assert good.path.read_bytes() == before and [p.name for p in cache_dir.iterdir()] == [
        good.path.name
    ]


def test_caching_can_be_turned_off(cache_dir, monkeypatch):
    assert (
        tokenize_corpus(FakeSpec(), "train", TEXTS, Counting(), use_cache=False).cache_hit is None
    )
    monkeypatch.setenv("BENCH_TOKEN_CACHE", "0")
    assert tokenize_corpus(FakeSpec(), "train", TEXTS, Counting()).cache_hit is None
    assert (
        tokenize_corpus(FakeSpec(), "train", TEXTS, KoreanWhitespaceTokenizer()).cache_hit is None
    )
    assert not cache_dir.exists()


def test_several_processes_give_the_same_tokens_in_order_and_can_be_kept(capsys):
    texts = [f"문서 {i} 번째 리뷰 ㅋㅋ" for i in range(600)]
    tok = KoreanWhitespaceTokenizer()
    try:
        assert tokenize_texts(tok, texts, workers=2, chunk_size=50, keep_workers=True) == [
            tok(t) for t in texts
        ]
        kept = parallel._POOL
        assert kept is not None  # kept for the next split: no second start-up
        assert tokenize_texts(tok, texts[:300], workers=2, progress="toy") == [
            tok(t) for t in texts[:300]
        ]
        assert parallel._POOL is None  # the call without keep_workers stopped them
    finally:
        parallel.shutdown_workers()


def test_a_worker_that_cannot_build_its_tokenizer_reports_why():
    tok = KoreanWhitespaceTokenizer()
    tok.options = {"no_such_option": True}  # what a worker is built from
    with pytest.raises(TypeError, match="no_such_option"):
        tokenize_texts(tok, ["가 나", "다 라"], workers=2)
    assert parallel._POOL is None


def test_runner_records_cache_hit_and_cold_seconds(tiny_home, capsys):
    pytest.importorskip("mecab")
    from bench.runner import make_config, run

    config = make_config("nsmc", "nb", tokenizer="mecab", profile="quick")
    cold, warm = run(config, quiet=True), run(config, quiet=True)
    assert cold.tokenize_cache_hit is False and warm.tokenize_cache_hit is True
    assert warm.tokenize_cold_seconds == pytest.approx(cold.tokenize_cold_seconds)
    assert cold.tokenize_docs_per_s > 0 and cold.tokenizer["library"] == "python-mecab-ko"
    assert warm.accuracy == cold.accuracy
    assert run(make_config("nsmc", "nb", profile="quick"), quiet=True).tokenize_cache_hit is None


def test_grid_runs_nb_on_nsmc_once_per_korean_analyzer():
    from bench.grid import plan
    from bench.tokenizers import KOREAN_ANALYZERS

    configs = plan(["nsmc", "r8"], ["nb", "lstm"], [0], "quick")
    nsmc_nb = [c.tokenizer for c in configs if (c.dataset, c.model) == ("nsmc", "nb")]
    assert nsmc_nb == list(KOREAN_ANALYZERS) and {
        "mecab",
        "okt",
        "kiwi",
        "komoran",
        "korean-ws",
    } <= set(nsmc_nb)
    assert [c.tokenizer for c in configs if c.model == "lstm"] == ["korean-ws", "english"]
    assert len(plan(["nsmc"], ["nb"], [0], "quick", max_train=100)) == 1


def _bench(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_cli_tokenize_json_contract_on_real_nsmc(real_home, tmp_path):
    pytest.importorskip("mecab")
    env = {**os.environ, "BENCH_CACHE_DIR": str(tmp_path / "cache")}
    args = ("tokenize", "--dataset", "nsmc", "--tokenizer", "mecab", "--limit", "300", "--json")
    first = _bench(*args, env=env)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["docs"] == 300 and report["docs_per_s"] > 0 and 3 < report["tokens_per_doc"] < 60
    assert report["cache_hit"] is False and report["tokenizer"]["name"] == "mecab"
    assert report["tokenizer"]["library_version"]
    second = json.loads(_bench(*args, env=env).stdout)
    assert second["cache_hit"] is True and second["tokens_per_doc"] == report["tokens_per_doc"]
    plain = _bench(*args[:-1], "--no-cache", "--option", "pos=true", env=env)
    assert plain.returncode == 0 and "docs/s" in plain.stdout and "tokens/doc" in plain.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("--tokenizer", "mecb"), "Did you mean 'mecab'"),
        (("--tokenizer", "mecab", "--limit", "0"), "--limit"),
        (("--tokenizer", "mecab", "--option", "stem=true"), "cannot stem"),
        (("--tokenizer", "mecab", "--option", "colour=1"), "has no option 'colour'"),
    ],
)
def test_cli_tokenize_user_errors_are_one_line(tiny_home, args, message):
    out = _bench("tokenize", "--dataset", "nsmc", *args, env=dict(os.environ))
    assert out.returncode == 2 and message in out.stderr
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_default_profile_grid_keeps_the_fast_analyzers_and_main_models():
    from bench.grid import plan
    from bench.profiles import get_profile

    default, full = get_profile("default"), get_profile("full")
    configs = plan(["nsmc"], default.grid_models(), [0], "default")
    assert [c.tokenizer for c in configs if c.model == "nb"] == ["korean-ws", "mecab", "kiwi"]
    assert set(default.grid_models()) < set(full.grid_models())
    assert {"okt", "komoran"} <= set(full.korean_analyzers)
