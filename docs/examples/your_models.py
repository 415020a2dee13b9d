"""Two models of one's own for nlp-bench, each a thin wrapper keeping the model contract.

Put this folder on ``PYTHONPATH`` and name a class where a command takes a model::

    export PYTHONPATH=docs/examples
    python -m bench run --dataset sms-spam --model your_models:SklearnPipeline
    python -m bench all --models nb your_models:KerasBag --no-lm

The contract (``bench.models``): keyword-only hyperparameters with ``seed`` among them;
``fit(docs, labels, n_classes, groups=None)`` returning ``self``; ``predict_proba(docs)`` giving an
``(n_docs, n_classes)`` array; ``params()`` giving every hyperparameter. ``docs`` are token lists,
already tokenized by the harness. See docs/your-model.md.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np


def _same(tokens):
    """The harness hands over token lists: the vectorizer keeps them as they are."""
    return tokens


class SklearnPipeline:
    """TF-IDF unigrams and bigrams into a logistic regression, one scikit-learn Pipeline."""

    def __init__(self, *, seed: int = 0, C: float = 4.0, ngram_max: int = 2, min_df: int = 1):
        self.seed, self.C, self.ngram_max, self.min_df = seed, C, ngram_max, min_df

    def fit(self, docs, labels, n_classes, groups=None):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        vectorizer = TfidfVectorizer(
            tokenizer=_same,  # a module-level function, so the fitted pipeline pickles
            preprocessor=_same,
            token_pattern=None,
            lowercase=False,
            ngram_range=(1, self.ngram_max),
            min_df=self.min_df,
            sublinear_tf=True,
        )
        classifier = LogisticRegression(C=self.C, max_iter=1000, random_state=self.seed)
        self.pipeline_ = make_pipeline(vectorizer, classifier).fit(docs, labels)
        self.n_classes_ = n_classes
        return self

    def predict_proba(self, docs) -> np.ndarray:
        # a class absent from the training slice has no column in scikit-learn's answer
        out = np.zeros((len(docs), self.n_classes_))
        out[:, self.pipeline_.classes_] = self.pipeline_.predict_proba(docs)
        return out

    def params(self) -> dict:
        return {"C": self.C, "ngram_max": self.ngram_max, "min_df": self.min_df}

    def n_parameters(self) -> int:
        return int(self.pipeline_[-1].coef_.size + self.pipeline_[-1].intercept_.size)


class KerasBag:
    """Word embeddings averaged over the document into a softmax layer (a tiny Keras model).

    Keras is imported inside ``fit`` and ``load``, so naming this class costs no TensorFlow start.
    Id 0 pads, id 1 is any word outside the ``vocab_size - 2`` most frequent training words.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        vocab_size: int = 5000,
        max_len: int = 100,
        embed_dim: int = 16,
        epochs: int = 5,
        batch_size: int = 32,
        learning_rate: float = 0.01,
    ):
        self.seed, self.vocab_size, self.max_len, self.embed_dim = (
            seed,
            vocab_size,
            max_len,
            embed_dim,
        )
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate

    def _ids(self, docs) -> np.ndarray:
        out = np.zeros((len(docs), self.max_len), dtype="int32")
        for i, doc in enumerate(docs):
            # an empty document gets one unknown word: an average over nothing would be NaN
            ids = [self.vocab_.get(t, 1) for t in doc[: self.max_len]] or [1]
            out[i, : len(ids)] = ids
        return out

    def _build(self, n_classes: int):
        import keras

        return keras.Sequential(
            [
                keras.Input((self.max_len,), dtype="int32"),
                keras.layers.Embedding(self.vocab_size, self.embed_dim, mask_zero=True),
                keras.layers.GlobalAveragePooling1D(),
                keras.layers.Dense(n_classes, activation="softmax"),
            ]
        )

    def fit(self, docs, labels, n_classes, groups=None):
        import keras

        keras.utils.set_random_seed(self.seed)
        counts = Counter(t for doc in docs for t in doc)
        self.vocab_ = {t: i + 2 for i, (t, _) in enumerate(counts.most_common(self.vocab_size - 2))}
        self.model_ = self._build(n_classes)
        self.model_.compile(
            optimizer=keras.optimizers.Adam(self.learning_rate),
            loss="sparse_categorical_crossentropy",
        )
        fitted = self.model_.fit(
            self._ids(docs),
            np.asarray(labels),
            epochs=self.epochs,
            batch_size=self.batch_size,
            verbose=0,
        )
        self.history_ = [
            {"epoch": i + 1, "loss": float(loss)} for i, loss in enumerate(fitted.history["loss"])
        ]
        return self

    def predict_proba(self, docs) -> np.ndarray:
        proba = np.asarray(self.model_.predict(self._ids(docs), verbose=0), dtype=np.float64)
        return proba / proba.sum(axis=1, keepdims=True)  # float32 softmax rows, summed to 1 again

    def known_token_count(self, docs) -> list[int]:
        """Optional: the words of each document the model knows (``bench predict`` warns about
        texts with none)."""
        return [sum(t in self.vocab_ for t in doc) for doc in docs]

    def params(self) -> dict:
        return {
            "vocab_size": self.vocab_size,
            "max_len": self.max_len,
            "embed_dim": self.embed_dim,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "learning_rate": self.learning_rate,
        }

    def n_parameters(self) -> int:
        return int(self.model_.count_params())

    def save(self, directory) -> None:
        """The Keras model and the vocabulary, so ``bench predict`` can load it (``load``)."""
        self.model_.save(Path(directory) / "model.keras")
        state = {"params": {"seed": self.seed, **self.params()}, "vocab": self.vocab_}
        (Path(directory) / "state.json").write_text(json.dumps(state), encoding="utf-8")

    @classmethod
    def load(cls, directory) -> "KerasBag":
        import keras

        state = json.loads((Path(directory) / "state.json").read_text(encoding="utf-8"))
        model = cls(**state["params"])
        model.vocab_ = state["vocab"]
        model.model_ = keras.models.load_model(Path(directory) / "model.keras")
        return model
