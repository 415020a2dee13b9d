"""Know your data: ``describe_dataset(name)``, a dataset's description and leakage audit.

Sizes per split and class, text lengths in characters and tokens, vocabulary and the test split's
out-of-vocabulary rate, and the leakage audit of ``bench.data_profile``, for any dataset
``bench.datasets.get_dataset`` resolves. Tokens come from the tokenizer the default profile uses
for the dataset's language, through the token cache, so a description after the runs reuses their
tokenized corpora. A description is cached as JSON under ``cache_home()/descriptions``, keyed by
the data's checksum and the tokenizer, so the report and repeated calls are cheap.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Iterable

from bench import data_profile
from bench.datahome import cache_home
from bench.datasets import get_dataset
from bench.errors import BenchError

#: 1: the first layout; bump when a field changes meaning, so older cached files are rebuilt
SCHEMA_VERSION = 1
DEFAULT_PROFILE = Path(__file__).resolve().parent / "profiles" / "default.toml"


def default_tokenizer(language: str) -> str:
    """The tokenizer the default profile uses for ``language`` (the runs' token cache is keyed by
    it); English's for a language without one, which at least splits on non-letters.

    The profile's ``[tokenizers]`` table is read from its TOML file, not through
    ``bench.profiles``, which imports the model registries: the report must not."""
    import tomllib

    from bench.tokenizers import DEFAULT_FOR_LANGUAGE

    with open(DEFAULT_PROFILE, "rb") as fh:
        chosen = tomllib.load(fh).get("tokenizers", {}).get(language)
    return chosen or DEFAULT_FOR_LANGUAGE.get(language, DEFAULT_FOR_LANGUAGE["en"])


def cache_path(name: str, checksum: str, tokenizer: str) -> Path:
    """Where the description of ``name``'s data with this checksum and tokenizer is cached."""
    return cache_home() / "descriptions" / f"{name}__{tokenizer}__{checksum[:24]}.json"


def _read(path: Path, checksum: str, tokenizer_config: dict | None) -> dict | None:
    """A cached description if it is readable and for this schema, data and tokenizer."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = (
        isinstance(doc, dict)
        and doc.get("schema_version") == SCHEMA_VERSION
        and doc.get("data_sha256") == checksum
        and (tokenizer_config is None or doc.get("tokenizer") == tokenizer_config)
    )
    return doc if ok else None


def cached_description(name: str, checksum: str, tokenizer: str | None = None) -> dict | None:
    """The cached description of ``name``'s data with ``checksum``, or None: reads no data."""
    tokenizer = tokenizer or default_tokenizer(get_dataset(name).language)
    return _read(cache_path(name, checksum, tokenizer), checksum, None)


def describe_dataset(name: str, *, tokenizer: str | None = None, refresh: bool = False) -> dict:
    """The description of dataset ``name`` (see the module docstring), from the cache when it
    holds one for these files and this tokenizer, else computed and cached (``refresh``: always
    computed). An unknown name, missing or unreadable files raise ``BenchError``."""
    from bench.storage import write_json_atomic
    from bench.tokenizers import make_tokenizer

    spec = get_dataset(name)
    tok = make_tokenizer(tokenizer or default_tokenizer(spec.language))
    checksum = spec.checksum()
    path = cache_path(spec.name, checksum, tok.name)
    if not refresh:
        cached = _read(path, checksum, json.loads(json.dumps(tok.config())))
        if cached is not None:
            return cached
    doc = _compute(spec, tok, checksum)
    try:
        write_json_atomic(path, doc)
    except OSError as exc:  # an unwritable cache costs time next call, not this answer
        print(f"warning: could not cache the description ({exc})", file=sys.stderr)
    return doc


def _compute(spec, tok, checksum: str) -> dict:
    from bench.tokenizers.cache import tokenize_corpus

    data = spec.load()
    train_docs = tokenize_corpus(spec, "train", data.train.texts, tok, keep_workers=True).docs
    test_docs = tokenize_corpus(spec, "test", data.test.texts, tok).docs
    return {
        "schema_version": SCHEMA_VERSION,
        "dataset": spec.name,
        "language": spec.language,
        "task": spec.task,
        "user_supplied": spec.user_supplied,
        "data_sha256": checksum,
        "data_modified": data.modified,
        "tokenizer": tok.config(),
        "described_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        **profile_splits(spec.classes, data.train, data.test, train_docs, test_docs),
    }


def profile_splits(classes: tuple[str, ...], train, test, train_docs, test_docs) -> dict:
    """Sizes, lengths, vocabulary and leakage of two ``Split``s and their tokenized documents."""
    return {
        "sizes": {
            "train": len(train),
            "test": len(test),
            "classes": data_profile.class_sizes(classes, train.labels, test.labels),
        },
        "chars": data_profile.lengths(train.texts, test.texts),
        "tokens": data_profile.lengths(train_docs, test_docs),
        "vocabulary": data_profile.vocabulary(train_docs, test_docs),
        "leakage": data_profile.leakage(
            classes, train.texts, train.labels, test.texts, test.labels
        ),
    }


def describe_quietly(names: Iterable[str]) -> None:
    """Describe each dataset so its description is cached (``bench all`` calls this before the
    report); a dataset that cannot be described is named on stderr, never an error."""
    for name in names:
        try:
            describe_dataset(name)
        except (BenchError, OSError) as exc:
            print(f"warning: not describing {name}: {exc}", file=sys.stderr)


def summary_lines(doc: dict) -> list[str]:
    """A compact human-readable summary of a description."""
    sizes, leak, vocab = doc["sizes"], doc["leakage"], doc["vocabulary"]
    chars, tokens = doc["chars"], doc["tokens"]
    classes = ", ".join(f"{c['class']} {c['train']:,}/{c['test']:,}" for c in sizes["classes"])
    lines = [
        f"{doc['dataset']} ({doc['language']}, {doc['task']}), data sha256 "
        f"{doc['data_sha256'][:12]}..., tokenizer {doc['tokenizer']['name']}, "
        f"described {doc['described_at']}",
        f"  documents: train {sizes['train']:,}, test {sizes['test']:,}",
        f"  classes (train/test): {classes}",
    ]
    for unit, d in (("characters", chars), ("tokens", tokens)):
        for split in ("train", "test"):
            s = d[split]
            lines.append(
                f"  {unit:<10} per {split:<5} doc: median {s['p50']:,.0f}, 5-95% "
                f"{s['p5']:,.0f}-{s['p95']:,.0f}, mean {s['mean']:,.1f}, max {s['max']:,}"
            )
    lines += [
        f"  vocabulary: train {vocab['train_vocab']:,} types; test OOV "
        f"{vocab['test_oov_token_rate']:.2%} of tokens, {vocab['test_oov_type_rate']:.2%} of types",
        f"  duplicates: {leak['train_duplicates']:,} within train "
        f"({leak['train_duplicates_conflicting']:,} with another label), "
        f"{leak['test_duplicates']:,} within test; empty texts {leak['train_empty']:,} train, "
        f"{leak['test_empty']:,} test",
        f"  leakage: {leak['test_in_train']:,} test texts occur in train "
        f"({leak['test_in_train_share']:.2%}; {leak['test_in_train_exact']:,} exactly), "
        f"{leak['test_in_train_conflicting']:,} with a different label",
    ]
    lines += [f"  WARNING: {w}" for w in leak["warnings"]]
    return lines
