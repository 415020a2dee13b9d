"""Statistics of a dataset's splits: sizes, text lengths, vocabulary and a leakage audit.

Pure functions of texts, labels and token lists; ``bench.describe`` loads a dataset, tokenizes
it and caches what these return. The leakage audit compares *normalised* texts
(``normalise``): Unicode NFC, case-folded, runs of whitespace collapsed to one space, stripped.
Texts that normalise to the empty string are counted apart and never as duplicates: an empty
document carries nothing a model could memorise.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import numpy as np

#: Warn when more of the test split than this also occurs in train: a few shared boilerplate
#: texts are normal, but above 1% the test accuracy partly measures memorisation.
LEAK_WARN_SHARE = 0.01
PERCENTILES = (5, 25, 50, 75, 95)
HISTOGRAM_BINS = 30
EXAMPLES = 3  # example texts kept per kind of duplicate, for the report
EXAMPLE_CHARS = 120

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The form texts are compared in: NFC, case-folded, whitespace runs collapsed, stripped."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


def truncate(text: str, limit: int = EXAMPLE_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis if longer."""
    flat = _SPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def class_sizes(classes: tuple[str, ...], train_labels, test_labels) -> list[dict]:
    """One row per class: its name and its number of train and test documents."""
    train = np.bincount(np.asarray(train_labels, dtype=np.int64), minlength=len(classes))
    test = np.bincount(np.asarray(test_labels, dtype=np.int64), minlength=len(classes))
    return [
        {"class": name, "train": int(train[i]), "test": int(test[i])}
        for i, name in enumerate(classes)
    ]


def distribution(lengths) -> dict:
    """Percentiles (5/25/50/75/95), mean and max of a list of lengths (zeros for no documents)."""
    values = np.asarray(lengths, dtype=np.float64)
    if not len(values):
        return {**{f"p{p}": 0.0 for p in PERCENTILES}, "mean": 0.0, "max": 0}
    cuts = np.percentile(values, PERCENTILES)
    return {
        **{f"p{p}": float(c) for p, c in zip(PERCENTILES, cuts)},
        "mean": float(values.mean()),
        "max": int(values.max()),
    }


def histogram(train_lengths, test_lengths, bins: int = HISTOGRAM_BINS) -> dict:
    """Counts of train and test lengths in ``bins`` shared bins of a whole-number width from 0 to
    (about) the 99th percentile; longer documents are counted in ``above`` (a long tail would
    otherwise squash the plot)."""
    both = np.concatenate([np.asarray(train_lengths), np.asarray(test_lengths)]).astype(float)
    top = float(np.percentile(both, 99)) if len(both) else 1.0
    width = max(1, int(np.ceil(top / bins)))  # whole-number bins: lengths are integers
    edges = np.arange(bins + 1, dtype=float) * width
    out = {"edges": [float(e) for e in edges]}
    for name, lengths in (("train", train_lengths), ("test", test_lengths)):
        values = np.asarray(lengths, dtype=float)
        counts, _ = np.histogram(values[values <= edges[-1]], bins=edges)
        out[name] = [int(c) for c in counts]
        out[f"{name}_above"] = int((values > edges[-1]).sum())
    return out


def lengths(train: list, test: list) -> dict:
    """Distribution and histogram of the lengths of ``train``'s and ``test``'s items."""
    a, b = [len(x) for x in train], [len(x) for x in test]
    return {"train": distribution(a), "test": distribution(b), "histogram": histogram(a, b)}


def vocabulary(train_docs: list[list[str]], test_docs: list[list[str]]) -> dict:
    """Vocabulary sizes, and the test split's out-of-vocabulary rates against train's vocabulary:
    the share of test tokens, and of distinct test tokens (types), never seen in train."""
    train_vocab = {tok for doc in train_docs for tok in doc}
    test_counts = Counter(tok for doc in test_docs for tok in doc)
    n_test_tokens = sum(test_counts.values())
    oov_types = [tok for tok in test_counts if tok not in train_vocab]
    oov_tokens = sum(test_counts[tok] for tok in oov_types)
    return {
        "train_tokens": sum(len(doc) for doc in train_docs),
        "test_tokens": n_test_tokens,
        "train_vocab": len(train_vocab),
        "test_vocab": len(test_counts),
        "test_oov_tokens": oov_tokens,
        "test_oov_token_rate": oov_tokens / n_test_tokens if n_test_tokens else 0.0,
        "test_oov_types": len(oov_types),
        "test_oov_type_rate": len(oov_types) / len(test_counts) if test_counts else 0.0,
    }


def _within(forms: list[str], labels) -> tuple[int, int, Counter]:
    """Duplicates within one split: texts whose form occurred earlier in it, those among them
    whose label differs from an earlier copy's, and the count of each non-empty form."""
    seen: dict[str, set[int]] = {}
    duplicates = conflicting = 0
    for form, label in zip(forms, labels):
        if not form:
            continue
        if form in seen:
            duplicates += 1
            conflicting += int(label) not in seen[form] or len(seen[form]) > 1
            seen[form].add(int(label))
        else:
            seen[form] = {int(label)}
    return duplicates, conflicting, Counter(f for f in forms if f)


def leakage(
    classes: tuple[str, ...], train_texts: list[str], train_labels, test_texts, test_labels
) -> dict:
    """The leakage audit: exact and normalised duplicates within each split and across them.

    ``test_in_train``: test texts whose normalised form occurs in train (each test copy counts);
    ``test_in_train_conflicting``: those of them with a train copy of a different label.
    ``warnings`` holds one sentence when the leaked share of test exceeds ``LEAK_WARN_SHARE``.
    """
    train_forms = [normalise(t) for t in train_texts]
    test_forms = [normalise(t) for t in test_texts]
    train_dups, train_conflicts, train_counts = _within(train_forms, train_labels)
    test_dups, _, _ = _within(test_forms, test_labels)
    train_labels_of: dict[str, set[int]] = {}
    for form, label in zip(train_forms, train_labels):
        if form:
            train_labels_of.setdefault(form, set()).add(int(label))
    raw_train = set(t for t, f in zip(train_texts, train_forms) if f)
    leaked = conflicting = exact = 0
    leak_examples = []
    for text, form, label in zip(test_texts, test_forms, test_labels):
        if not form or form not in train_labels_of:
            continue
        leaked += 1
        exact += text in raw_train
        other = sorted(train_labels_of[form] - {int(label)})
        conflicting += bool(other)
        if len(leak_examples) < EXAMPLES:
            leak_examples.append(
                {
                    "text": truncate(text),
                    "test_label": classes[int(label)],
                    "train_labels": [classes[i] for i in sorted(train_labels_of[form])],
                }
            )
    share = leaked / len(test_texts) if len(test_texts) else 0.0
    audit = {
        "normalisation": "NFC, casefold, whitespace runs collapsed, stripped; empty texts apart",
        "train_empty": sum(not f for f in train_forms),
        "test_empty": sum(not f for f in test_forms),
        "train_duplicates": train_dups,
        "train_duplicates_conflicting": train_conflicts,
        "test_duplicates": test_dups,
        "test_in_train": leaked,
        "test_in_train_exact": exact,
        "test_in_train_share": share,
        "test_in_train_conflicting": conflicting,
        "warn_share": LEAK_WARN_SHARE,
        "examples": {
            "test_in_train": leak_examples,
            "train_duplicates": [
                {"text": truncate(form), "copies": n}
                for form, n in train_counts.most_common(EXAMPLES)
                if n > 1
            ],
        },
        "warnings": [],
    }
    if share > LEAK_WARN_SHARE:
        audit["warnings"].append(
            f"{leaked:,} of {len(test_texts):,} test texts ({share:.1%}) also occur in train "
            f"(after normalisation), {conflicting:,} of them with a different label: test "
            "accuracy partly measures memorisation"
        )
    return audit
