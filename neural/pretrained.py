"""Word vectors pretrained on the training documents, to initialise a classifier's embedding.

Word2vec (Mikolov et al. 2013, skip-gram with negative sampling) through gensim, trained on the
classifier's own training split only (never its validation split, never test): no outside data,
just an unsupervised first pass over the same text, as a practitioner without a pretrained model
for the language would do. Embeddings learnt from the classification signal alone memorise
sentiment words within an epoch and overfit; starting from vectors that encode co-occurrence
gives the recurrent layer a smoother start (cf. Kim 2014; Dai & Le 2015 for the LM variant).

One worker thread and a fixed seed make the vectors the same on every run (gensim's threads
reorder updates).
"""

from __future__ import annotations

import numpy as np

from neural.vocab import Vocabulary


def word2vec_matrix(
    docs: list[list[str]],
    vocab: Vocabulary,
    dim: int,
    *,
    seed: int = 0,
    epochs: int = 5,
    window: int = 5,
    min_count: int = 2,
) -> tuple[np.ndarray, float]:
    """``(matrix, coverage)``: a ``(len(vocab), dim)`` float32 embedding whose rows are word2vec
    vectors of the vocabulary's words as word2vec made them; words it did not keep (rarer than
    ``min_count``) get random rows of the same spread, padding a zero row.
    ``coverage`` is the share of vocabulary rows that came from word2vec."""
    from gensim.models import Word2Vec

    w2v = Word2Vec(
        sentences=docs,
        vector_size=dim,
        window=window,
        min_count=min_count,
        sg=1,
        negative=5,
        sample=1e-4,
        workers=1,
        seed=seed,
        epochs=epochs,
    )
    found = [(i, w) for i, w in enumerate(vocab.itos) if w in w2v.wv.key_to_index]
    rows = np.stack([w2v.wv[w] for _, w in found]) if found else np.zeros((0, dim), np.float32)
    # words word2vec dropped: random rows of the same spread as the vectors it kept
    spread = float(rows.std()) if found else 0.05
    matrix = (
        np.random.default_rng(seed).normal(0.0, spread, size=(len(vocab), dim)).astype(np.float32)
    )
    matrix[[i for i, _ in found]] = rows
    matrix[0] = 0.0  # padding
    return matrix, len(found) / len(vocab)


def set_embedding(model, matrix: np.ndarray, *, trainable: bool = True) -> None:
    """Load ``matrix`` into ``model``'s token embedding: its one embedding table of that shape;
    ``trainable=False`` keeps it fixed when the model is trained (set before ``compile``)."""
    tables = [
        w for w in model.weights if tuple(w.shape) == matrix.shape and "embedding" in w.path.lower()
    ]
    if len(tables) != 1:
        raise ValueError(
            f"expected one embedding table of shape {matrix.shape} in {model.name}, "
            f"found {[w.path for w in tables]}"
        )
    tables[0].assign(matrix)
    tables[0].trainable = trainable
