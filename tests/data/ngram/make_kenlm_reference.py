"""Regenerate ``kenlm_reference.json``: perplexities that KenLM itself (``lmplz`` + ``query``) computes.

Not run by the tests (they only read the JSON, so CI needs no KenLM binaries). Run it by hand on a
machine with KenLM built, e.g.::

    KENLM_BIN=/path/to/kenlm/build/bin BENCH_DATA_HOME=../shared/data \
        python tests/data/ngram/make_kenlm_reference.py

For each corpus and order it runs ``lmplz -o N -S 2G -T TMP < train > model.arpa`` and
``query -v summary model.arpa < test`` (``query`` cannot load a unigram model, so order 1 is scored
from lmplz's ARPA file directly, the same way). It records perplexity with and without OOVs, the
OOV and token counts, the n-gram counts of the ARPA header, the discounts lmplz prints, and wall
times. Real-data corpora are the registered datasets tokenized by the suite's tokenizers, one
document per line; their SHA-256 is stored so the tests notice when the tokenizer changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LMPLZ = "lmplz -o {order} -S 2G -T {tmp}"
QUERY = "query -v summary {arpa}"
KENLM_SOURCE = ("kenlm 0.3.0 sdist from PyPI (sha256 "
                "c4628bb9fb63c8a6f9240035b8b037385cfc404cb72e933cf48878291edac1e8), built unmodified with cmake, Release")

# (corpus, orders, lmplz timing repeats)
PLAN = [("toy", (1, 2, 3, 4, 5), 0), ("imdb-2k", (2, 3, 4, 5), 0), ("imdb", (3, 4, 5), 3),
        ("nsmc", (3,), 3)]


def make_toy() -> None:
    """How ``toy_train.txt``/``toy_test.txt`` were made (stored, so a numpy change cannot alter them)."""
    import numpy as np

    rng = np.random.default_rng(20240601)
    vocab = 400
    zipf = 1 / np.arange(1, vocab + 1)
    succ = [rng.choice(vocab, size=6, replace=False, p=zipf / zipf.sum()) for _ in range(vocab)]

    def sentence(extra_oov: bool) -> list[str]:
        n, w, out = int(rng.integers(0, 18)), int(rng.zipf(1.3) % vocab), []
        for _ in range(n):
            oov = extra_oov and rng.random() < 0.03
            out.append(f"oov{int(rng.integers(0, 50))}" if oov else f"w{w}")
            w = (int(succ[w][min(int(rng.geometric(0.5)) - 1, 5)]) if rng.random() < 0.85
                 else int(rng.zipf(1.3) % vocab))
        return out

    train = [sentence(False) for _ in range(1500)]
    test = [sentence(True) for _ in range(200)]
    for name, data in (("toy_train.txt", train), ("toy_test.txt", test)):
        (HERE / name).write_text("".join(" ".join(s) + "\n" for s in data), encoding="utf-8")


def corpus_lines(name: str) -> tuple[list[str], list[str], dict]:
    """Train and test lines of ``name`` and a description of where they come from."""
    if name == "toy":
        read = lambda f: (HERE / f).read_text(encoding="utf-8").splitlines()  # noqa: E731
        return read("toy_train.txt"), read("toy_test.txt"), {
            "train": "tests/data/ngram/toy_train.txt", "test": "tests/data/ngram/toy_test.txt",
            "note": "synthetic: a sparse Markov chain over 400 Zipf-distributed words, test OOVs added"}
    from bench.datasets import get_dataset
    from bench.tokenizers import DEFAULT_FOR_LANGUAGE, make_tokenizer

    dataset, limit = ("imdb", (2000, 500)) if name == "imdb-2k" else (name, (None, None))
    spec = get_dataset(dataset)
    data, tok = spec.load(), make_tokenizer(DEFAULT_FOR_LANGUAGE[spec.language])
    train = [" ".join(tok(t)) for t in data.train.texts[: limit[0]]]
    test = [" ".join(tok(t)) for t in data.test.texts[: limit[1]]]
    return train, test, {"dataset": dataset, "tokenizer": tok.config(), "train_docs": len(train),
                         "test_docs": len(test), "note": "first documents of each split in the "
                         "loader's order, tokenized, one document per line, tokens joined by spaces"}


def text_sha256(lines: list[str]) -> str:
    return hashlib.sha256("".join(line + "\n" for line in lines).encode("utf-8")).hexdigest()


def unigram_perplexity(arpa: Path, test: list[str]) -> dict:
    """KenLM's ``query`` summary for a unigram ARPA file (which ``query`` refuses to load)."""
    probs = {}
    section = False
    for line in arpa.read_text(encoding="utf-8").splitlines():
        if line.startswith("\\1-grams:"):
            section = True
        elif section and line.strip() and not line.startswith("\\"):
            logp, word = line.split("\t")[:2]
            probs[word] = float(logp)
        elif section and line.startswith("\\"):
            break
    total = oov_total = 0.0
    oov = tokens = 0
    for sentence in test:
        for word in sentence.split() + ["</s>"]:
            known = word in probs and word not in ("<unk>", "<s>")
            p = probs[word] if known else probs["<unk>"]
            if word != "</s>" and not known:
                oov += 1
                oov_total += p
            total += p
            tokens += 1
    return {"perplexity": 10 ** (-total / tokens),
            "perplexity_excl_oov": 10 ** (-(total - oov_total) / (tokens - oov)), "oov": oov,
            "tokens": tokens}


def run_order(bin_dir: Path, train: Path, test: Path, order: int, tmp: Path, repeats: int) -> dict:
    lmplz = LMPLZ.format(order=order, tmp=tmp)
    arpa = tmp / f"o{order}.arpa"
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        with open(train, "rb") as fin, open(arpa, "wb") as fout:
            proc = subprocess.run([str(bin_dir / "lmplz"), *lmplz.split()[1:]], stdin=fin, stdout=fout,
                                  stderr=subprocess.PIPE, check=True)
        times.append(time.perf_counter() - start)
    log = proc.stderr.decode()
    discounts = [[float(x) for x in m] for m in
                 re.findall(r"^\d+ \d+ D1=(\S+) D2=(\S+) D3\+=(\S+)$", log, flags=re.M)]
    header = arpa.read_text(encoding="utf-8").split("\n\n", 1)[0]
    ngrams = [int(n) for n in re.findall(r"ngram \d+=(\d+)", header)]
    if order == 1:
        summary = unigram_perplexity(arpa, test.read_text(encoding="utf-8").splitlines())
        query = "(query cannot load unigram models: scored from the ARPA file by this script)"
    else:
        with open(test, "rb") as fin:
            out = subprocess.run([str(bin_dir / "query"), "-v", "summary", str(arpa)], stdin=fin,
                                 capture_output=True, check=True).stdout.decode()
        values = dict(re.findall(r"^(.+?):\t(\S+)$", out, flags=re.M))
        summary = {"perplexity": float(values["Perplexity including OOVs"]),
                   "perplexity_excl_oov": float(values["Perplexity excluding OOVs"]),
                   "oov": int(values["OOVs"]), "tokens": int(values["Tokens"])}
        query = QUERY.format(arpa="model.arpa") + " < test.txt"
    return {"order": order, **summary, "ngrams": ngrams, "discounts": discounts,
            "lmplz_command": lmplz.replace(str(tmp), "TMP") + " < train.txt > model.arpa",
            "query_command": query,
            **({"lmplz_wall_seconds": [round(t, 3) for t in times],
                "load_average": round(os.getloadavg()[0], 1)} if repeats else {})}


def main() -> None:
    found = shutil.which("lmplz")
    bin_dir = Path(os.environ.get("KENLM_BIN") or (Path(found).parent if found else "."))
    if not (bin_dir / "lmplz").exists():
        raise SystemExit("lmplz not found: build KenLM and set KENLM_BIN to its bin/ folder")
    out = {"generated": dt.date.today().isoformat(), "generator": "tests/data/ngram/make_kenlm_reference.py",
           "kenlm": {"version": "kenlm 0.3.0 (the PyPI sdist; lmplz and query built from it)",
                     "source": os.environ.get("KENLM_SOURCE", KENLM_SOURCE),
                     "machine": f"{os.cpu_count()} CPUs",
                     "timing_note": "lmplz_wall_seconds: wall time of each repeat; load_average: the "
                                    "machine's 1-minute load average right after (other jobs share it)"},
           "corpora": {}, "results": []}
    only = set(sys.argv[1:])
    for name, orders, repeats in PLAN:
        if only and name not in only:
            continue
        train_lines, test_lines, about = corpus_lines(name)
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            train, test = tmp / "train.txt", tmp / "test.txt"
            train.write_text("".join(x + "\n" for x in train_lines), encoding="utf-8")
            test.write_text("".join(x + "\n" for x in test_lines), encoding="utf-8")
            out["corpora"][name] = {**about, "train_sha256": text_sha256(train_lines),
                                    "test_sha256": text_sha256(test_lines)}
            for order in orders:
                row = {"corpus": name, **run_order(bin_dir, train, test, order, tmp, repeats)}
                print(json.dumps(row), file=sys.stderr, flush=True)
                out["results"].append(row)
    path = HERE / "kenlm_reference.json"
    if only and path.exists():  # refresh the named corpora, keep the others
        old = json.loads(path.read_text(encoding="utf-8"))
        out["corpora"] = {**old["corpora"], **out["corpora"]}
        out["results"] = [r for r in old["results"] if r["corpus"] not in only] + out["results"]
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
