"""The shared training path of every Keras text classifier.

Vocabulary and sequence length come from train only; a stratified validation split is carved from
train; early stopping on validation loss restores the best weights; a per-epoch history (with
timings) is kept; batches are length-bucketed (``neural.batching``). Subclasses supply
``build(cfg: ArchConfig) -> keras.Model`` and, when they have extra hyperparameters, an
``__init__`` that stores them.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from core.registry import load_object
from core.validation import validation_split
from neural.arch_config import ArchConfig
from neural.settings import SignatureSettings
from neural.vocab import Vocabulary, choose_max_len, truncate

_STATE = (
    "n_classes_",
    "max_len_",
    "history_",
    "best_epoch_",
    "validation_size_",
    "epochs_allowed_",
    "seconds_per_epoch_",
    "train_docs_per_s_",
    "pretrain_seconds_",
    "pretrain_coverage_",
)
PRETRAINED = (None, "word2vec")


class KerasTextClassifier(SignatureSettings):
    """Base class: keyword-only hyperparameters (``get_params`` reads them from the constructors'
    signatures), ``fit``/``predict_proba``/``params``/``save``/``load``."""

    _array_state: tuple[str, ...] = ()  # fitted numpy arrays a subclass adds (saved in arrays.npz)
    #: allowed values, checked by the harness before any data is read
    #: (``bench.params.check_ranges``): ``(low, high, ends allowed)`` or a set of choices
    _param_ranges = {
        "vocab_size": (3, None, "left"),  # padding and <unk> take the first two entries
        "max_len_cap": (1, None, "left"),
        "max_len_quantile": (0, 1, "right"),
        "truncate_head": (0, 1, "both"),
        "embed_dim": (1, None, "left"),
        "units": (1, None, "left"),
        "dropout": (0, 1, "left"),
        "word_dropout": (0, 1, "left"),
        "epochs": (1, None, "left"),
        "batch_size": (1, None, "left"),
        "patience": (0, None, "left"),
        "learning_rate": (0, None, "neither"),
        "clipnorm": (0, None, "neither"),
        "max_train_tokens": (1, None, "left"),
        "validation_fraction": (0, 1, "neither"),
        "pretrain_epochs": (1, None, "left"),
        "threads": (1, None, "left"),
    }  # pretrained, ema_momentum, decay_epochs and onednn_isa: checked by the constructor

    def __init__(
        self,
        *,
        seed: int = 0,
        vocab_size: int = 20_000,
        max_len_cap: int = 500,
        max_len_quantile: float = 0.95,
        truncate_head: float = 0.25,
        embed_dim: int = 64,
        units: int = 64,
        dropout: float = 0.2,
        word_dropout: float = 0.0,
        epochs: int = 10,
        batch_size: int = 64,
        patience: int = 2,
        learning_rate: float = 1e-3,
        clipnorm: float | None = 1.0,
        max_train_tokens: int | None = None,
        validation_fraction: float = 0.1,
        pretrained: str | None = None,
        pretrain_epochs: int = 5,
        ema_momentum: float | None = None,
        decay_epochs: int | None = None,
        freeze_embedding: bool = False,
        threads: int | None = 1,
        onednn_isa: str | None = None,
        verbose: bool = True,
    ):
        if pretrained not in PRETRAINED:
            raise ValueError(f"pretrained must be one of {PRETRAINED}, got {pretrained!r}")
        if freeze_embedding and not pretrained:
            raise ValueError(
                "freeze_embedding needs pretrained vectors to keep (pretrained=word2vec)"
            )
        # keras: loaded by every concrete model already
        from neural.numerics import check_onednn_isa
        from neural.training import check_decay_epochs, check_ema_momentum

        check_ema_momentum(ema_momentum)
        check_decay_epochs(decay_epochs)
        check_onednn_isa(onednn_isa)
        self.seed = seed
        self.vocab_size = vocab_size
        self.max_len_cap = max_len_cap
        self.max_len_quantile = max_len_quantile
        self.truncate_head = truncate_head
        self.embed_dim = embed_dim
        self.units = units
        self.dropout = dropout
        self.word_dropout = word_dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.patience = patience
        self.learning_rate = learning_rate
        self.clipnorm = clipnorm
        self.max_train_tokens = max_train_tokens
        self.validation_fraction = validation_fraction
        self.pretrained = (
            pretrained  # "word2vec": embedding initialised from vectors of the train split
        )
        self.pretrain_epochs = pretrain_epochs
        self.ema_momentum = (
            ema_momentum  # validate, early-stop and keep a moving average of the weights
        )
        self.decay_epochs = (
            decay_epochs  # the learning rate falls to zero along a cosine over these epochs
        )
        self.freeze_embedding = (
            freeze_embedding  # keep the pretrained vectors as they are (Kim 2014, "static")
        )
        self.threads = threads  # TensorFlow's pools (neural.numerics); None: every core
        self.onednn_isa = onednn_isa  # cap on oneDNN's kernels (neural.numerics); None: none
        self.verbose = verbose

    # -- hooks -------------------------------------------------------------------------------
    def build(self, cfg: ArchConfig):
        raise NotImplementedError

    def _encode(self, docs: list[list[str]]) -> list[np.ndarray]:
        """Token ids of each document, at most ``max_len_``: the first ``truncate_head`` share of
        them from its start, the rest from its end."""
        return [truncate(self.vocab_.encode(d), self.max_len_, self.truncate_head) for d in docs]

    def _fit_vocabulary(self, train_docs: list[list[str]]) -> None:
        self.vocab_ = Vocabulary(train_docs, self.vocab_size)

    # -- the shared path ---------------------------------------------------------------------
    def arch_config(self, vocab_size: int, max_len: int, n_outputs: int) -> ArchConfig:
        """What ``build`` gets: the data-derived sizes and this classifier's architecture
        settings."""
        hyper = {
            k: v for k, v in self.get_params().items() if k in ArchConfig.hyperparameter_names()
        }
        return ArchConfig(vocab_size=vocab_size, max_len=max_len, n_outputs=n_outputs, **hyper)

    def fit(
        self,
        docs: list[list[str]],
        labels: np.ndarray,
        n_classes: int,
        groups: np.ndarray | None = None,
    ) -> "KerasTextClassifier":
        """Train on ``docs`` minus a stratified validation split, early-stopped on its loss."""
        import keras

        from neural.batching import classification_dataset
        from neural.numerics import pin_numerics
        from neural.training import train

        self.numerics_ = pin_numerics(self.threads, self.onednn_isa)
        keras.utils.set_random_seed(self.seed)
        self.n_classes_ = n_classes
        tr, va = validation_split(labels, self.validation_fraction, self.seed, groups)
        train_docs = [docs[i] for i in tr]
        self._fit_vocabulary(train_docs)
        self.max_len_ = choose_max_len(
            train_docs, quantile=self.max_len_quantile, cap=self.max_len_cap
        )
        y = labels.astype("float32" if n_classes == 2 else "int32")
        n_out = 1 if n_classes == 2 else n_classes
        self.model_ = self.build(self.arch_config(len(self.vocab_), self.max_len_, n_out))
        self._pretrain_embedding(train_docs)
        x_tr = self._encode(train_docs)
        self.epochs_allowed_ = self._epoch_cap(sum(len(x) for x in x_tr))
        train_set = classification_dataset(x_tr, y[tr], batch_size=self.batch_size, seed=self.seed)
        val_set = classification_dataset(
            self._encode([docs[i] for i in va]), y[va], batch_size=4 * self.batch_size
        )
        loss = "binary_crossentropy" if n_out == 1 else "sparse_categorical_crossentropy"
        outcome = train(
            self.model_,
            train_set,
            val_set,
            self._training_settings(),
            n_train=len(tr),
            compile_args={"loss": loss, "metrics": ["accuracy"]},
        )
        self.history_, self.best_epoch_, self.validation_size_ = (
            outcome.history,
            outcome.best_epoch,
            len(va),
        )
        self.seconds_per_epoch_, self.train_docs_per_s_ = (
            outcome.seconds_per_epoch,
            outcome.items_per_s,
        )
        return self

    def _training_settings(self):
        """The shared loop's settings (``neural.training.train``): at most ``epochs_allowed_``
        epochs, the learning-rate schedule, if any, ending with the last of them."""
        from neural.training import TrainingSettings

        return TrainingSettings(
            epochs=self.epochs_allowed_,
            patience=self.patience,
            learning_rate=self.learning_rate,
            clipnorm=self.clipnorm,
            ema_momentum=self.ema_momentum,
            cosine=bool(self.decay_epochs),
            verbose=self.verbose,
        )

    def _pretrain_embedding(self, train_docs: list[list[str]]) -> None:
        """With ``pretrained="word2vec"``, start the embedding from word2vec vectors of the training
        split (``neural.pretrained``), and with ``freeze_embedding`` keep them fixed in training;
        the seconds it takes count in the fit time."""
        self.pretrain_seconds_, self.pretrain_coverage_ = 0.0, None
        if not self.pretrained:
            return
        from neural.pretrained import set_embedding, word2vec_matrix

        t0 = time.perf_counter()
        if self.verbose:
            print(
                f"  word2vec: {self.pretrain_epochs} epochs over {len(train_docs):,} "
                "training documents",
                file=sys.stderr,
                flush=True,
            )
        matrix, self.pretrain_coverage_ = word2vec_matrix(
            train_docs, self.vocab_, self.embed_dim, seed=self.seed, epochs=self.pretrain_epochs
        )
        set_embedding(self.model_, matrix, trainable=not self.freeze_embedding)
        self.pretrain_seconds_ = time.perf_counter() - t0

    def _epoch_cap(self, tokens_per_epoch: int) -> int:
        """``epochs``, or fewer if ``max_train_tokens`` (a compute budget) runs out first or
        ``decay_epochs`` ends the learning-rate schedule first; at least 1. A budget spends the same
        compute on every dataset: small ones get more epochs, large fewer."""
        epochs = min(self.epochs, self.decay_epochs or self.epochs)
        if not self.max_train_tokens:
            return epochs
        return int(min(epochs, max(1, self.max_train_tokens // max(tokens_per_epoch, 1))))

    def predict_proba(self, docs: list[list[str]]) -> np.ndarray:
        """Class probabilities ``(n_docs, n_classes)``, batched by length, rows in input order."""
        from neural.batching import predict_in_length_order

        out = predict_in_length_order(self.model_, self._encode(docs), 4 * self.batch_size)
        out = out.astype(np.float64)
        if out.shape[1] == 1:
            return np.concatenate([1 - out, out], axis=1)
        return out

    def params(self) -> dict:
        """Hyperparameters plus the values chosen from the training data."""
        out = {k: v for k, v in self.get_params().items() if k not in ("seed", "verbose")}
        out.update(
            vocabulary_used=len(self.vocab_),
            max_len=self.max_len_,
            epochs_allowed=self.epochs_allowed_,
            epochs_run=len(self.history_),
            best_epoch=self.best_epoch_,
            validation_size=self.validation_size_,
        )
        if self.pretrained:
            out.update(
                pretrain_seconds=self.pretrain_seconds_, pretrain_coverage=self.pretrain_coverage_
            )
        return out

    def n_parameters(self) -> int:
        return int(self.model_.count_params())

    def recurrent_kernels(self, gpus: list[str]) -> dict | None:
        """Which recurrent layers run on cuDNN's fused kernels with ``gpus`` (``neural.kernels``);
        None for a model without recurrent layers."""
        from neural.kernels import recurrent_kernels

        return recurrent_kernels(self.model_, gpus)

    # -- persistence -------------------------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        """Architecture JSON + weights (no optimizer state) + vocabulary and fitted state."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "architecture.json").write_text(self.model_.to_json(), encoding="utf-8")
        import keras

        bare = keras.models.model_from_json(self.model_.to_json())  # no optimizer state to save
        bare.set_weights(self.model_.get_weights())
        bare.save_weights(directory / "model.weights.h5")
        state = {k: getattr(self, k) for k in _STATE}
        doc = {
            "class": f"{type(self).__module__}:{type(self).__qualname__}",
            "params": self.get_params(),
            "vocabulary": self.vocab_.itos,
            "state": state,
        }
        (directory / "classifier.json").write_text(
            json.dumps(doc, ensure_ascii=False), encoding="utf-8"
        )
        if self._array_state:
            np.savez(directory / "arrays.npz", **{k: getattr(self, k) for k in self._array_state})

    @classmethod
    def load(cls, directory: str | Path) -> "KerasTextClassifier":
        """A classifier saved by :meth:`save`, ready to ``predict_proba``."""
        import keras

        directory = Path(directory)
        doc = json.loads((directory / "classifier.json").read_text(encoding="utf-8"))
        klass = load_object(doc["class"])  # importing its module registers its custom layers
        obj = klass(**doc["params"])
        obj.vocab_ = Vocabulary.from_tokens(doc["vocabulary"])
        for key, value in doc["state"].items():
            setattr(obj, key, value)
        if obj._array_state:
            with np.load(directory / "arrays.npz") as arrays:
                for key in obj._array_state:
                    setattr(obj, key, arrays[key])
        architecture = (directory / "architecture.json").read_text(encoding="utf-8")
        obj.model_ = keras.models.model_from_json(architecture)
        obj.model_.load_weights(directory / "model.weights.h5")
        return obj
