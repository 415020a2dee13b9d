"""Where modified Kneser-Ney's lead on 20 Newsgroups lives: its test perplexity at orders 3 and 5
over the header lines, the quoted lines and the rest of each post (docs/results.md, "Language
models"). Run from the repository with BENCH_DATA_HOME set: ``python docs/newsgroups_regions.py``;
give the folders of saved neural LMs of the full plan's 20 Newsgroups run
(``<results>/lm/models/<run id>``, see ``bench/lm_task.py``) to split theirs the same way, each
region also as a ratio to MKN-5's perplexity there. Last, MKN-5 is fitted on the neural LMs'
training share of the training posts and scored on their validation share, the posts their early
stopping watched (on the shared vocabulary), to set the LSTM's validation perplexity beside the
n-gram model's.

A post's header is the text before its first blank line; a body line is quoted when it starts with
``>``, ``|``, ``:`` or up to three letters and ``>`` (``JS>``). Lines are tokenized one by one with
the corpus's tokenizer, whose tokens never span a line break, so the regions tile each post's tokens
(checked); a post's ``</s>`` counts as body.
"""

import re
import sys
from pathlib import Path

import numpy as np

from baselines.ngram import make_lm
from baselines.ngram.counts import NgramCounts
from baselines.ngram.vocab import build_and_encode
from bench.lm_task import lm_corpus
from bench.profiles import get_profile

QUOTED = re.compile(r"^\s*(>|\||:|[A-Za-z]{1,3}>)")
REGIONS = ("header", "quoted", "own text")


def regions(texts, docs, tok) -> np.ndarray:
    """The region (index into ``REGIONS``) of every scored token of ``docs`` (the non-empty
    ones)."""
    out, docs = [], iter(docs)
    for text in texts:
        if not tok(text):
            continue
        doc = next(docs)
        head, _, body = text.partition("\n\n")
        r = [0] * len(tok(head))
        for line in body.split("\n"):
            r += [1 if QUOTED.match(line) else 2] * len(tok(line))
        if len(r) != len(doc):
            raise AssertionError(f"regions cover {len(r)} tokens of a {len(doc)}-token post")
        out += r + [2]
    return np.array(out)


def split(name: str, nll: np.ndarray, region: np.ndarray, extra=None) -> str:
    """One line: perplexity over all tokens and per region, with ``extra(i)`` appended per
    region."""
    return f"{name}: all {np.exp(nll.mean()):.1f}; " + "; ".join(
        f"{n} {np.exp(nll[region == i].mean()):.1f} "
        f"({nll[region == i].sum() / nll.sum():.3f} of the "
        f"log-loss{extra(i) if extra else ''})"
        for i, n in enumerate(REGIONS)
    )


def main(saved_lms: list[str]) -> None:
    from bench.runner import load_model

    plan = get_profile("full").lm
    spec, tok, train, test = lm_corpus("20newsgroups", "english", plan)
    region = regions(spec.load().test.texts, test, tok)
    vocab, stream = build_and_encode(train, min_count=plan.min_count)
    counts = NgramCounts(stream, 5, len(vocab))
    print(
        "share of test tokens:",
        ", ".join(f"{n} {np.mean(region == i):.3f}" for i, n in enumerate(REGIONS)),
    )
    for order in (3, 5):
        lm = make_lm("mkn", order=order, vocabulary=vocab).fit_counts(vocab, counts)
        nll, seen = -lm.token_scores(test).log_probs, lm.match_lengths(test) == order
        print(
            split(
                f"MKN-{order}",
                nll,
                region,
                lambda i: f", {seen[region == i].mean():.3f} end a seen {order}-gram",
            ),
            flush=True,
        )
    mkn = nll
    for folder in saved_lms:
        lm, manifest = load_model(Path(folder))
        if (manifest["identity"]["dataset"], manifest["identity"]["profile"]) != (
            "20newsgroups",
            "full",
        ):
            raise SystemExit(f"{folder}: not a model of the full plan's 20 Newsgroups corpus")
        nll = -lm.token_scores(test).log_probs

        def ratio(i):
            return f", {np.exp(nll[region == i].mean() - mkn[region == i].mean()):.2f}x MKN-5"

        print(split(manifest["identity"]["model"], nll, region, ratio), flush=True)
    validation_split(train, test, vocab, plan)


def validation_split(train, test, vocab, plan) -> None:
    """MKN-5 fitted on the plan's ``lstm-lm`` training share (seed 0, the plan's settings, so its
    ``validation_fraction``) and scored on its validation share and on test."""
    from neural.language_models import LSTMLM

    fit_idx, val_idx = LSTMLM(seed=0, **plan.params_for("lstm-lm", "20newsgroups")).split(
        len(train)
    )
    stream = vocab.encode([train[i] for i in fit_idx])
    lm = make_lm("mkn", order=5, vocabulary=vocab).fit_counts(
        vocab, NgramCounts(stream, 5, len(vocab))
    )
    for name, docs in (("validation", [train[i] for i in val_idx]), ("test", test)):
        nll, seen = -lm.token_scores(docs).log_probs, (lm.match_lengths(docs) == 5).mean()
        print(
            f"MKN-5 fitted on the neural LMs' training share, {name} ({len(docs)} posts): "
            f"perplexity {np.exp(nll.mean()):.1f}, {seen:.3f} of the tokens end a seen 5-gram",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
