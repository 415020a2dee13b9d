"""A disk cache of tokenized corpora, so a second run of a configuration does no analysis at all.

One file per (dataset files, split, texts, tokenizer config) under ``cache_home()/tokenized``.
The key hashes the dataset's checksum, the split name, the texts themselves (a profile's slice
gets its own entry), and the tokenizer's config (name, code version, options, library versions).

File layout: ``MAGIC``, an 8-byte header length, a JSON header, the payload (the vocabulary as a
JSON list, int32 token ids, int64 document offsets), then the 32-byte SHA-256 of everything before
it, the header included: the header holds the key, the payload's length and the timings that
``bench tokenize`` and the runner report, so a truncated, corrupt, tampered or mismatched (stale)
entry is detected on read and rebuilt, never used. Writes go to a temp file renamed into place,
so a reader never sees half a file. Loading is array reads and one numpy gather of the token
strings: no analysis.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.tokenizers.base import Tokenizer
from bench.tokenizers.parallel import default_workers, shutdown_workers, tokenize_texts
from core.atomic import atomic_write

FORMAT = 2  # 2: the trailing checksum covers the header too
MAGIC = b"NLPBENCH-TOKENS\x00"
DIGEST_BYTES = 32


class CorruptEntry(Exception):
    """A cache file that cannot be trusted (truncated, bad checksum, other key, old format)."""


@dataclass
class TokenizedSplit:
    """Tokenized documents and how they were obtained.

    ``seconds`` is what this call took; ``cold_seconds`` what the analysis took when the entry
    was built (equal to ``seconds`` on a miss or without cache), with ``workers`` processes.
    """

    docs: list[list[str]]
    cache_hit: bool | None  # None: caching was off
    seconds: float
    cold_seconds: float
    workers: int
    path: Path | None = None
    load_seconds: float = 0.0  # of cold_seconds, loading the analyzer in this process (1 worker)

    @property
    def n_tokens(self) -> int:
        return sum(len(d) for d in self.docs)


def cache_dir() -> Path:
    """``$BENCH_CACHE_DIR/tokenized`` (or the user cache directory's)."""
    from bench.datahome import cache_home

    return cache_home() / "tokenized"


def texts_sha256(texts: list[str]) -> str:
    """SHA-256 of the texts in order (NUL-separated; the count is part of the key too)."""
    return hashlib.sha256("\x00".join(texts).encode("utf-8", "surrogatepass")).hexdigest()


def cache_key(data_sha256: str, split: str, texts: list[str], tokenizer_config: dict) -> str:
    """The key of an entry: everything that changes the tokenized output."""
    blob = {
        "format": FORMAT,
        "data_sha256": data_sha256,
        "split": split,
        "n_texts": len(texts),
        "texts_sha256": texts_sha256(texts),
        "tokenizer": tokenizer_config,
    }
    return hashlib.sha256(json.dumps(blob, sort_keys=True, default=str).encode()).hexdigest()


def entry_path(dataset: str, split: str, tokenizer_name: str, key: str) -> Path:
    return cache_dir() / f"{dataset}__{split}__{tokenizer_name}__{key[:24]}.tok"


def encode(docs: list[list[str]]) -> tuple[bytes, int]:
    """The payload for ``docs`` and the byte length of its vocabulary section."""
    vocab: dict[str, int] = {}
    ids = [vocab.setdefault(tok, len(vocab)) for doc in docs for tok in doc]
    offsets = np.zeros(len(docs) + 1, dtype="<i8")
    np.cumsum([len(d) for d in docs], out=offsets[1:])
    vocab_bytes = json.dumps(list(vocab), ensure_ascii=False).encode("utf-8", "surrogatepass")
    return vocab_bytes + np.asarray(ids, dtype="<i4").tobytes() + offsets.tobytes(), len(
        vocab_bytes
    )


def decode(payload: bytes, header: dict) -> list[list[str]]:
    vb, n_tokens, n_docs = header["vocab_bytes"], header["n_tokens"], header["n_docs"]
    vocab = np.array(json.loads(payload[:vb].decode("utf-8", "surrogatepass")), dtype=object)
    ids = np.frombuffer(payload, dtype="<i4", count=n_tokens, offset=vb)
    offsets = np.frombuffer(payload, dtype="<i8", count=n_docs + 1, offset=vb + 4 * n_tokens)
    if (
        offsets[0] != 0
        or offsets[-1] != n_tokens
        or np.any(np.diff(offsets) < 0)
        or (n_tokens and (ids.min() < 0 or ids.max() >= len(vocab)))
    ):
        raise CorruptEntry("offsets or token ids out of range")
    tokens = vocab[ids].tolist()
    bounds = offsets.tolist()
    return [tokens[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def save_entry(path: Path, key: str, docs: list[list[str]], meta: dict) -> None:
    """Write an entry atomically (temp file in the same directory, fsync, rename)."""
    payload, vocab_bytes = encode(docs)
    header = {
        "format": FORMAT,
        "key": key,
        "n_docs": len(docs),
        "n_tokens": sum(len(d) for d in docs),
        "vocab_bytes": vocab_bytes,
        "payload_bytes": len(payload),
        "meta": meta,
    }
    head = json.dumps(header, ensure_ascii=False, default=str).encode()
    body = MAGIC + len(head).to_bytes(8, "little") + head + payload
    with atomic_write(path, "wb") as fh:
        fh.write(body + hashlib.sha256(body).digest())


def load_entry(path: Path, key: str) -> tuple[list[list[str]], dict]:
    """The documents and header of a verified entry; raises ``CorruptEntry`` if it is not sound."""
    raw = path.read_bytes()
    if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + 8:
        raise CorruptEntry("not a token cache file")
    start = len(MAGIC) + 8
    head_len = int.from_bytes(raw[len(MAGIC) : start], "little")
    try:
        header = json.loads(raw[start : start + head_len])
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise CorruptEntry("unreadable header") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CorruptEntry("written by another cache format")
    if header.get("key") != key:
        raise CorruptEntry("stale: written for another configuration")
    payload = raw[start + head_len : len(raw) - DIGEST_BYTES]
    if len(payload) != header.get("payload_bytes"):
        raise CorruptEntry(
            f"truncated: {max(len(payload), 0):,} of {header.get('payload_bytes')} payload bytes"
        )
    body = raw[: len(raw) - DIGEST_BYTES]
    if hashlib.sha256(body).digest() != raw[len(raw) - DIGEST_BYTES :]:
        raise CorruptEntry("checksum mismatch (header or payload changed)")
    _check_meta(header.get("meta"))
    return decode(payload, header), header


def _check_meta(meta) -> None:
    """The timings a hit reports must be numbers: an entry that passes its checksum has them, so
    this guards only against a writer that put something else there."""
    ok = isinstance(meta, dict) and all(
        isinstance(meta.get(k), int | float) and not isinstance(meta.get(k), bool)
        for k in ("seconds", "workers")
    )
    if not ok or not isinstance(meta.get("load_seconds", 0.0), int | float):
        raise CorruptEntry("header timings are not numbers")


def caching_enabled(tokenizer: Tokenizer) -> bool:
    """Cache tokenizers that declare it worthwhile, unless ``BENCH_TOKEN_CACHE=0``."""
    off = os.environ.get("BENCH_TOKEN_CACHE", "").strip().lower() in ("0", "false", "no", "off")
    return bool(getattr(tokenizer, "cacheable", False)) and not off


def tokenize_corpus(
    spec,
    split: str,
    texts: list[str],
    tokenizer: Tokenizer,
    *,
    workers: int | None = None,
    use_cache: bool | None = None,
    progress: str | None = None,
    keep_workers: bool = False,
) -> TokenizedSplit:
    """Tokenize ``texts`` (split ``split`` of dataset ``spec``), through the disk cache.

    ``use_cache=None`` caches when the tokenizer is worth it (``caching_enabled``). ``workers=None``
    picks ``default_workers``; ``keep_workers`` keeps their processes for the next split. A bad
    cache entry is reported on stderr and rebuilt.
    """
    texts = list(texts)
    t0 = time.perf_counter()
    use_cache = caching_enabled(tokenizer) if use_cache is None else use_cache
    path = key = None
    if use_cache:
        key = cache_key(spec.checksum(), split, texts, tokenizer.config())
        path = entry_path(spec.name, split, tokenizer.name, key)
        if path.exists():
            try:
                docs, header = load_entry(path, key)
                meta = header["meta"]
                if not keep_workers:
                    shutdown_workers()  # kept for this split by the previous call, not needed now
                return TokenizedSplit(
                    docs,
                    True,
                    time.perf_counter() - t0,
                    meta["seconds"],
                    meta["workers"],
                    path,
                    meta.get("load_seconds", 0.0),
                )
            except (CorruptEntry, OSError, KeyError, TypeError, ValueError) as exc:
                print(
                    f"warning: token cache {path.name} is unusable ({exc}); rebuilding it",
                    file=sys.stderr,
                    flush=True,
                )
    n_workers = default_workers(tokenizer, len(texts)) if workers is None else max(1, workers)
    t1 = time.perf_counter()
    # loading the analyzer (a JVM, a model) is part of the cold cost; timed apart to tell it from
    # throughput. Worker processes load their own, inside the timed parallel run.
    warm_up = getattr(tokenizer, "warm_up", None)
    load = warm_up() if warm_up and n_workers == 1 and texts else 0.0
    docs = tokenize_texts(
        tokenizer, texts, workers=n_workers, progress=progress, keep_workers=keep_workers
    )
    cold = time.perf_counter() - t1
    if use_cache:
        meta = {
            "dataset": spec.name,
            "split": split,
            "tokenizer": tokenizer.config(),
            "seconds": cold,
            "load_seconds": load,
            "workers": n_workers,
            "n_docs": len(texts),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        try:
            save_entry(path, key, docs, meta)
        except OSError as exc:  # a full or read-only disk costs speed next time, not this run
            print(
                f"warning: could not write token cache {path} ({exc})", file=sys.stderr, flush=True
            )
            path = None
    return TokenizedSplit(
        docs, False if use_cache else None, time.perf_counter() - t0, cold, n_workers, path, load
    )
