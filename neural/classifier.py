"""The shared training path of every Keras text classifier.

Vocabulary and sequence length come from train only; a validation split is carved from train;
early stopping on validation loss restores the best weights; a per-epoch history is kept.
Subclasses supply ``build(vocab_size, max_len, n_outputs)``.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from baselines.validation import validation_split
from neural.vocab import Vocabulary, choose_max_len, pad


def _epoch_logger():
    import keras

    class EpochLogger(keras.callbacks.Callback):
        """One progress line per epoch on stderr (stdout stays clean for --json)."""

        def on_epoch_begin(self, epoch, logs=None):
            self._t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            parts = ", ".join(f"{k} {v:.4f}" for k, v in logs.items() if isinstance(v, float))
            print(f"  epoch {epoch + 1}: {parts} ({time.perf_counter() - self._t0:.1f}s)",
                  file=sys.stderr, flush=True)

    return EpochLogger()


class KerasTextClassifier:
    """Base class: keyword-only hyperparameters, ``fit``/``predict_proba``/``params``."""

    def __init__(self, *, seed: int = 0, vocab_size: int = 20_000, max_len_cap: int = 500,
                 max_len_quantile: float = 0.95, embed_dim: int = 64, units: int = 64,
                 dropout: float = 0.2, epochs: int = 10, batch_size: int = 64, patience: int = 2,
                 learning_rate: float = 1e-3, validation_fraction: float = 0.1, verbose: bool = True):
        self.seed = seed
        self.vocab_size = vocab_size
        self.max_len_cap = max_len_cap
        self.max_len_quantile = max_len_quantile
        self.embed_dim = embed_dim
        self.units = units
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.patience = patience
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.verbose = verbose

    def build(self, vocab_size: int, max_len: int, n_outputs: int):
        raise NotImplementedError

    def _encode(self, docs: list[list[str]]) -> np.ndarray:
        return pad([self.vocab_.encode(d) for d in docs], self.max_len_)

    def fit(self, docs: list[list[str]], labels: np.ndarray, n_classes: int) -> "KerasTextClassifier":
        import keras

        keras.utils.set_random_seed(self.seed)
        self.n_classes_ = n_classes
        tr, va = validation_split(labels, self.validation_fraction, self.seed)
        train_docs = [docs[i] for i in tr]
        self.vocab_ = Vocabulary(train_docs, self.vocab_size)
        self.max_len_ = choose_max_len(train_docs, quantile=self.max_len_quantile, cap=self.max_len_cap)
        x_tr, x_va = self._encode(train_docs), self._encode([docs[i] for i in va])
        y_tr, y_va = labels[tr].astype("float32" if n_classes == 2 else "int64"), labels[va]
        y_va = y_va.astype(y_tr.dtype)
        n_out = 1 if n_classes == 2 else n_classes
        self.model_ = self.build(len(self.vocab_), self.max_len_, n_out)
        self.model_.compile(
            optimizer=keras.optimizers.Adam(self.learning_rate),
            loss="binary_crossentropy" if n_out == 1 else "sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=self.patience,
                                                   restore_best_weights=True)]
        if self.verbose:
            callbacks.append(_epoch_logger())
        hist = self.model_.fit(x_tr, y_tr, validation_data=(x_va, y_va), epochs=self.epochs,
                               batch_size=self.batch_size, callbacks=callbacks, verbose=0, shuffle=True)
        keys = list(hist.history)
        self.history_ = [{"epoch": e + 1, **{k: float(hist.history[k][e]) for k in keys}}
                         for e in range(len(hist.history[keys[0]]))]
        self.best_epoch_ = int(np.argmin(hist.history["val_loss"])) + 1
        self.validation_size_ = len(va)
        return self

    def predict_proba(self, docs: list[list[str]]) -> np.ndarray:
        out = np.asarray(self.model_.predict(self._encode(docs), batch_size=512, verbose=0))
        if out.shape[1] == 1:
            p = out[:, 0].astype(np.float64)
            return np.stack([1 - p, p], axis=1)
        return out.astype(np.float64)

    def params(self) -> dict:
        return {
            "vocab_size": self.vocab_size, "vocabulary_used": len(self.vocab_),
            "max_len_cap": self.max_len_cap, "max_len_quantile": self.max_len_quantile,
            "max_len": self.max_len_, "embed_dim": self.embed_dim, "units": self.units,
            "dropout": self.dropout, "epochs": self.epochs, "epochs_run": len(self.history_),
            "best_epoch": self.best_epoch_, "batch_size": self.batch_size, "patience": self.patience,
            "learning_rate": self.learning_rate, "validation_fraction": self.validation_fraction,
            "validation_size": self.validation_size_,
        }

    def n_parameters(self) -> int:
        return int(self.model_.count_params())
