"""What every Keras model in the suite shares when training: one training loop (:func:`train`),
progress, timing, early stopping, the optimizer and its learning-rate schedules."""

from __future__ import annotations

import time
from dataclasses import dataclass

import keras
import numpy as np

from core.progress import say


@dataclass(frozen=True)
class TrainingSettings:
    """How :func:`train` trains: Adam (:func:`adam`) at ``learning_rate`` with gradient-norm
    clipping at ``clipnorm`` and, with ``ema_momentum``, validating and keeping a moving average of
    the weights; at most ``epochs`` epochs, stopped when validation loss has not improved for
    ``patience`` of them (the best epoch's weights kept). ``cosine``: the learning rate falls to
    zero along :func:`cosine_decay` over exactly those epochs; otherwise ``plateau_factor``, when
    set, multiplies it after each epoch that does not improve validation loss. ``unit``: what the
    training set counts (``docs``, ``tokens``), in progress lines and throughput."""

    epochs: int
    patience: int
    learning_rate: float
    clipnorm: float | None = None
    ema_momentum: float | None = None
    cosine: bool = False
    plateau_factor: float | None = None
    unit: str = "docs"
    verbose: bool = True

    def __post_init__(self) -> None:
        check_ema_momentum(self.ema_momentum)


@dataclass(frozen=True)
class TrainingOutcome:
    """What :func:`train` measured: a record per epoch run (:class:`EpochTimer`), the epoch whose
    weights were kept (1-based) and the steady pace (:func:`throughput`): seconds per epoch and
    training items (``unit``) per second."""

    history: list[dict]
    best_epoch: int
    seconds_per_epoch: float | None
    items_per_s: float | None


def train(
    model: keras.Model,
    train_data,
    val_data,
    settings: TrainingSettings,
    *,
    n_train: int,
    compile_args: dict | None = None,
    callbacks: tuple | list = (),
) -> TrainingOutcome:
    """Compile ``model`` with the optimizer ``settings`` describe (and ``compile_args``: loss,
    metrics, ``jit_compile``) and fit it on ``train_data`` (``n_train`` items an epoch, for the
    throughput), validated on ``val_data`` after every epoch and early-stopped on its loss; the
    best epoch's weights stay in the model. ``callbacks`` run after the shared ones. The one
    training loop of every classifier and language model in ``neural``."""
    optimizer = adam(_learning_rate(settings, train_data), settings.clipnorm, settings.ema_momentum)
    model.compile(optimizer=optimizer, **(compile_args or {}))
    timer = EpochTimer(n_train, verbose=settings.verbose, unit=settings.unit)
    model.fit(
        train_data,
        validation_data=val_data,
        epochs=settings.epochs,
        verbose=0,
        shuffle=False,
        callbacks=[*training_callbacks(settings, timer), *callbacks],
    )
    history = timer.records
    best_epoch = int(np.argmin([r["val_loss"] for r in history])) + 1
    return TrainingOutcome(history, best_epoch, *throughput(history, unit=settings.unit))


def _learning_rate(settings: TrainingSettings, train_data):
    """The fixed rate, or with ``cosine`` a schedule ending with the last epoch allowed."""
    if not settings.cosine:
        return settings.learning_rate
    steps = settings.epochs * int(train_data.cardinality())
    return cosine_decay(settings.learning_rate, steps)


def training_callbacks(settings: TrainingSettings, timer: EpochTimer) -> list:
    """Learning-rate reduction on a plateau (when ``plateau_factor`` is set and no cosine schedule
    sets the rate itself), then :func:`stopping_callbacks`."""
    callbacks = stopping_callbacks(settings.patience, timer, settings.ema_momentum)
    if settings.plateau_factor and not settings.cosine:
        plateau = keras.callbacks.ReduceLROnPlateau(factor=settings.plateau_factor, patience=0)
        callbacks.insert(0, plateau)
    return callbacks


class EpochTimer(keras.callbacks.Callback):
    """Times each epoch's training pass (validation excluded) and prints progress on stderr.

    One line per epoch with its metrics, seconds and training throughput; inside a long epoch a
    line every ``every`` seconds, so a run is never silent for minutes. stdout stays clean for
    ``--json``.
    """

    def __init__(
        self, n_train: int, *, verbose: bool = True, every: float = 30.0, unit: str = "docs"
    ):
        super().__init__()
        self.n_train, self.verbose, self.every, self.unit = n_train, verbose, every, unit
        self.records: list[dict] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._t0 = self._last = time.perf_counter()
        self._train_end = None
        self._batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self._batches += 1
        now = time.perf_counter()
        if self.verbose and now - self._last > self.every:
            say(f"  {self.progress(now - self._t0)}")
            self._last = now

    def progress(self, elapsed: float) -> str:
        """The progress line inside an epoch: the epoch of how many, the batches of how many and
        the time left in the epoch at the pace so far, where ``fit`` knows the totals."""
        epochs, steps = (self.params or {}).get("epochs"), (self.params or {}).get("steps")
        epoch = f"{len(self.records) + 1}" + (f"/{epochs}" if epochs else "")
        if not steps:
            return f"epoch {epoch}: {self._batches} batches, {elapsed:.0f}s"
        return (
            f"epoch {epoch}: {self._batches:,} of {steps:,} batches, {elapsed:.0f}s"
            f"{_time_left(elapsed, self._batches, steps)} in the epoch"
        )

    def on_test_begin(self, logs=None):
        if self._train_end is None:  # validation inside fit(): the training pass is over
            self._train_end = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        end = time.perf_counter()
        train_s = (self._train_end or end) - self._t0
        rec = {
            "epoch": epoch + 1,
            **{k: float(v) for k, v in (logs or {}).items()},
            "seconds": end - self._t0,
            "train_seconds": train_s,
            f"train_{self.unit}_per_s": self.n_train / train_s if train_s > 0 else float("inf"),
        }
        self.records.append(rec)
        if self.verbose:
            metrics = ", ".join(f"{k} {v:.4f}" for k, v in (logs or {}).items())
            say(
                f"  epoch {epoch + 1}: {metrics} ({rec['seconds']:.1f}s, "
                f"{rec[f'train_{self.unit}_per_s']:,.0f} {self.unit}/s)"
            )


class Progress:
    """A line on stderr every ``every`` seconds while a long pass (scoring a test set, storing a
    kNN memory) works through ``total`` items: how many are done and the time left at the pace so
    far. Silent when ``verbose`` is false or the pass ends sooner."""

    def __init__(
        self, what: str, total: int, unit: str, *, verbose: bool = True, every: float = 30.0
    ):
        self.what, self.total, self.unit, self.verbose, self.every = (
            what,
            total,
            unit,
            verbose,
            every,
        )
        self.done = 0
        self._t0 = self._last = time.perf_counter()

    def update(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if self.verbose and now - self._last > self.every:
            say(f"  {self.line(now - self._t0)}")
            self._last = now

    def line(self, elapsed: float) -> str:
        return (
            f"{self.what}: {self.done:,} of {self.total:,} {self.unit}, {elapsed:.0f}s"
            f"{_time_left(elapsed, self.done, self.total)}"
        )


def _time_left(elapsed: float, done: int, total: int) -> str:
    """``", about 12 min left"`` at the pace so far (``45s``, ``12 min``, ``1 h 05 min``); empty
    before anything is done."""
    if not done:
        return ""
    seconds = elapsed / done * max(total - done, 0)
    minutes = round(seconds / 60)
    text = (
        f"{seconds:.0f}s"
        if seconds < 90
        else f"{minutes} min"
        if minutes < 60
        else f"{minutes // 60} h {minutes % 60:02d} min"
    )
    return f", about {text} left"


def throughput(records: list[dict], unit: str = "docs") -> tuple[float | None, float | None]:
    """(seconds per epoch, training items/s), medians over epochs after the first when there are
    several (the first epoch also pays for tracing the graph)."""
    if not records:
        return None, None
    steady = records[1:] or records
    return (
        float(np.median([r["seconds"] for r in steady])),
        float(np.median([r[f"train_{unit}_per_s"] for r in steady])),
    )


def early_stopping(patience: int) -> keras.callbacks.Callback:
    """Stop when validation loss has not improved for ``patience`` epochs; keep the best weights."""
    return keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, restore_best_weights=True
    )


def stopping_callbacks(patience: int, timer: EpochTimer, ema_momentum: float | None) -> list:
    """Early stopping and the epoch timer, with :class:`ValidateAveragedWeights` first when the
    optimizer averages the weights (so the averages are in the model before the others look)."""
    callbacks = [early_stopping(patience), timer]
    return [ValidateAveragedWeights(), *callbacks] if ema_momentum is not None else callbacks


def adam(
    learning_rate: "float | keras.optimizers.schedules.LearningRateSchedule",
    clipnorm: float | None,
    ema_momentum: float | None = None,
) -> keras.optimizers.Optimizer:
    """Adam (Kingma & Ba 2015) at a fixed or scheduled learning rate (:func:`cosine_decay`), with
    optional gradient-norm clipping (RNNs: Pascanu et al. 2013) and, with ``ema_momentum``, an
    exponential moving average of the weights (Polyak & Juditsky 1992; see
    :class:`ValidateAveragedWeights`)."""
    averaging = {} if ema_momentum is None else {"use_ema": True, "ema_momentum": ema_momentum}
    return keras.optimizers.Adam(learning_rate, clipnorm=clipnorm or None, **averaging)


def cosine_decay(
    learning_rate: float, steps: int
) -> keras.optimizers.schedules.LearningRateSchedule:
    """A learning rate falling from ``learning_rate`` to zero along half a cosine over ``steps``
    updates (Loshchilov & Hutter 2017, without restarts): large steps first, then ever smaller ones
    that settle the weights, for models whose validation loss is best after an epoch or two."""
    return keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(steps, 1))


def check_ema_momentum(ema_momentum: float | None) -> None:
    """Reject an ``ema_momentum`` that is not None or strictly between 0 and 1. The models'
    constructors call this (not :func:`adam`), so a bad value fails before any data is read."""
    if ema_momentum is not None and not 0.0 < ema_momentum < 1.0:
        raise ValueError(f"ema_momentum must be between 0 and 1, got {ema_momentum}")


def check_decay_epochs(decay_epochs: int | None) -> None:
    """Reject a ``decay_epochs`` (the length of a :func:`cosine_decay` in epochs) below 1; called by
    the models' constructors, as :func:`check_ema_momentum`."""
    if decay_epochs is not None and decay_epochs < 1:
        raise ValueError(f"decay_epochs must be at least 1, got {decay_epochs}")


class ValidateAveragedWeights(keras.callbacks.SwapEMAWeights):
    """Validates, early-stops and keeps the *averaged* weights of an optimizer built with
    ``use_ema`` (``adam(..., ema_momentum=m)``), as AWD-LSTM evaluates its averaged SGD iterate
    (Merity et al. 2018): the averages go into the model before each validation pass and stay there
    through the epoch's end, so the callbacks that read ``val_loss`` (early stopping, learning-rate
    decay) judge them and :func:`early_stopping` saves them as the best weights; training resumes
    from the raw weights at the next epoch. Use it with :func:`early_stopping`, as
    :func:`stopping_callbacks` does: at the end of ``fit`` Keras copies the optimizer's averaging
    slots into the model (``finalize_variable_values``), and those hold the raw weights then; early
    stopping's restore, which comes after, puts the best epoch's averages back.

    The swap in before validation is the parent's ``on_test_begin``."""

    def __init__(self):
        super().__init__(swap_on_epoch=False)

    def on_test_end(self, logs=None):
        # the averages stay in the model through on_epoch_end, for the callbacks reading val_loss
        pass

    def on_epoch_begin(self, epoch, logs=None):
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False
