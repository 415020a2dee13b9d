"""Word-level recurrent language models: ``rnn-lm``, ``lstm-lm``, ``gru-lm``.

Mikolov et al. (2010), "Recurrent neural network based language model"; LSTM LMs: Sundermeyer,
Schlüter & Ney (2012); GRU: Cho et al. (2014). Embedding -> Dropout -> RNN -> Dropout -> softmax
over the vocabulary, the softmax weights tied to the input embedding (Press & Wolf 2017, Inan et
al. 2017: fewer parameters and better perplexity on small corpora). Training reads the training
sentences as one shuffled token stream cut into windows (truncated back-propagation, as in
Zaremba et al. 2014 and Merity et al. 2018): no padding, fixed-shape batches, and the recurrent
state zeroed at each ``<s>`` (optionally carried across windows otherwise). Scoring reads each
sentence alone from a fresh state, as the n-gram models do, so a sentence's probability never
depends on the text around it.

Same interface and conventions as the n-gram models (the contract of ``core.scoring``, KenLM's
conventions), so perplexities compare on the same tokens:

- ``fit(sentences)`` with ``sentences: list[list[str]]``; the vocabulary is the words seen at least
  ``min_count`` times in those sentences (optionally only the ``max_vocab`` most frequent), or a
  given ``vocabulary`` (a word list, or anything with a ``words`` list such as the n-gram models'
  vocabulary, so both model kinds can share one); every other word, in training and in scoring,
  is ``<unk>``;
- ``token_scores(sentences)`` / ``log_prob(sentences)``: natural-log probability of every word and
  of the final ``</s>`` (the initial ``<s>`` is context, never scored), per token with OOV flags or
  summed per sentence; a sentence of ``n`` words is ``n + 1`` tokens (:func:`count_tokens`), and
  ``perplexity(sentences)`` is ``core.scoring.perplexity`` itself;
- ``sample(n_sentences, seed=..., max_length=..., temperature=...)``.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np

from neural.batching import stream_window_count, stream_windows
from neural.lm_layers import CELLS, ResetAtStart, SentenceStarts, TiedEmbedding
from neural.settings import SignatureSettings, setting_names
from neural.training import Progress
from neural.vocab import PAD, UNK, Vocabulary

BOS, EOS = "<s>", "</s>"
SPECIALS = (PAD, UNK, BOS, EOS)
#: constructor arguments that are not settings of the model: ``params()`` reports every other one
#: (:meth:`RecurrentLM.save` keeps the seed and ``verbose`` beside them, a given vocabulary as the
#: fitted one)
_NOT_SETTINGS = ("seed", "vocabulary", "verbose")
#: what fit learns besides the weights and the vocabulary, saved with a fitted model
_FITTED = ("history_", "best_epoch_", "seconds_per_epoch_", "train_tokens_per_s_")


def count_tokens(sentences: list[list[str]]) -> int:
    """Scored tokens: every word plus one ``</s>`` per sentence (``<s>`` is not scored)."""
    return sum(len(s) + 1 for s in sentences)


class RecurrentLM(SignatureSettings):
    """A word-level RNN language model; subclasses choose the recurrent ``cell``.

    Training batches are ``batch_size`` rows of ``seq_len`` tokens from the shuffled stream of
    training sentences (:func:`stream_windows`). The state is zeroed at every ``<s>``
    (:class:`ResetAtStart`), so training reads each sentence as scoring does, and at the start of
    every window, so a sentence split by a window boundary loses its earlier words as context there
    (training only) and no sentence is trained on more than ``seq_len`` words of context. With
    ``carry_state`` a window starts from the state the previous window of its row ended in (each
    row is a contiguous stretch of the stream), as in Zaremba et al. (2014) and Merity et al.
    (2018): gradients stop at window boundaries but the context does not, so the model learns to
    read long documents as it is scored on them. Small batches: on a small corpus the number of
    updates, not the throughput, limits learning, and on a CPU fewer rows cost little speed
    (docs/neural-notes.md). ``tie_weights`` shares the embedding with the softmax (a linear
    projection maps ``units`` to ``embed_dim`` when they differ). Early stopping watches the loss of
    ``validation_fraction`` of the training sentences, each scored alone as in :meth:`token_scores`;
    the best epoch's weights are kept. ``lr_decay`` multiplies the learning rate after each epoch
    that does not improve it; ``decay_epochs`` instead lowers it to zero along half a cosine over
    that many epochs (and stops training there), so the last epochs take ever smaller steps that
    settle the weights.
    ``recurrent_dropout`` drops the same state units at every step of a window (Gal & Ghahramani
    2016, as AWD-LSTM's weight drop regularises the recurrence: Merity et al. 2018).
    ``ema_momentum`` validates, early-stops and keeps an exponential moving average of the weights
    (Polyak averaging, as AWD-LSTM's averaged SGD:
    :class:`neural.training.ValidateAveragedWeights`).
    ``sampled_softmax=k`` trains the output layer against ``k`` sampled words per batch instead of
    the whole vocabulary (:mod:`neural.lm_training`); validation and scoring stay exact.
    """

    cell = "lstm"
    normalised = True  # a softmax: probabilities over the vocabulary for every history

    def __init__(
        self,
        *,
        seed: int = 0,
        # the vocabulary
        min_count: int = 1,
        max_vocab: int | None = None,
        vocabulary=None,
        # the network
        embed_dim: int = 128,
        units: int = 256,
        tie_weights: bool = True,
        embed_dropout: float = 0.2,
        dropout: float = 0.5,
        recurrent_dropout: float = 0.0,
        # training: how long, the batches, the optimizer and its schedule
        epochs: int = 20,
        patience: int = 2,
        batch_size: int = 16,
        seq_len: int = 32,
        batch_tokens: int = 8192,
        learning_rate: float = 5e-3,
        lr_decay: float | None = 0.5,
        decay_epochs: int | None = None,
        clipnorm: float | None = 1.0,
        sampled_softmax: int | None = None,
        carry_state: bool = False,
        ema_momentum: float | None = None,
        validation_fraction: float = 0.05,
        verbose: bool = True,
    ):
        from neural.training import check_decay_epochs, check_ema_momentum

        check_ema_momentum(ema_momentum)
        check_decay_epochs(decay_epochs)
        self.seed = seed
        self.min_count = min_count
        self.max_vocab = max_vocab
        self.vocabulary = vocabulary
        self.embed_dim = embed_dim
        self.units = units
        self.tie_weights = tie_weights
        self.embed_dropout = embed_dropout
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.epochs = epochs
        self.patience = patience
        self.batch_size = batch_size
        self.seq_len = seq_len
        self.batch_tokens = batch_tokens
        self.learning_rate = learning_rate
        self.lr_decay = lr_decay
        self.decay_epochs = decay_epochs
        self.clipnorm = clipnorm
        self.sampled_softmax = sampled_softmax
        self.carry_state = carry_state
        self.ema_momentum = ema_momentum
        self.validation_fraction = validation_fraction
        self.verbose = verbose

    def _build_vocabulary(self, sentences: list[list[str]]) -> Vocabulary:
        if self.vocabulary is not None:
            given = getattr(
                self.vocabulary, "words", self.vocabulary
            )  # an n-gram Vocabulary or a list
            words = [w for w in dict.fromkeys(given) if w not in SPECIALS]
            return Vocabulary.from_tokens([*SPECIALS, *words])
        size = None if self.max_vocab is None else self.max_vocab + len(SPECIALS)
        return Vocabulary(sentences, size, self.min_count, specials=SPECIALS)

    @property
    def name(self) -> str:
        return {"simple-rnn": "rnn"}.get(self.cell, self.cell) + "-lm"

    def _ids(self, sentence: list[str]) -> np.ndarray:
        """``<s> w_1 .. w_n </s>`` as ids: inputs are ``[:-1]``, targets ``[1:]``."""
        v = self.vocab_
        ids = v.encode(sentence)
        if v.stoi[BOS] in ids or v.stoi[EOS] in ids:
            from core.scoring import LMInputError

            raise LMInputError(
                "a sentence holds '<s>' or '</s>'; the model adds sentence boundaries "
                "itself, so remove them from the text"
            )
        return np.asarray([v.stoi[BOS], *ids, v.stoi[EOS]], dtype=np.int32)

    def build(self):
        """Embedding -> Dropout -> recurrent layer (all steps) -> Dropout -> softmax logits.

        No mask: padding only ever follows a sentence's last input, and the recurrence runs left
        to right, so it never changes a real position's output (and its targets weigh 0). Also
        keeps the part before the output layer (``hidden_``) and that layer's weights
        (``output_weights_()``: ``(|V|, d)`` and ``(|V|,)``) for training and blocked scoring, and
        with ``carry_state`` that part from a given recurrent state (``stateful_hidden_``).
        """
        from keras import layers, ops

        from neural.layers import token_input

        inputs, n_words = token_input(), len(self.vocab_)
        if self.tie_weights:
            embedding = TiedEmbedding(n_words, self.embed_dim, name="embedding")
        else:
            embedding = layers.Embedding(n_words, self.embed_dim, name="embedding")
        x = layers.Dropout(self.embed_dropout)(embedding(inputs))
        x = layers.Concatenate()([x, SentenceStarts(self.vocab_.stoi[BOS])(inputs)])
        cell = ResetAtStart(CELLS[self.cell](self.units, recurrent_dropout=self.recurrent_dropout))
        rnn = layers.RNN(cell, return_sequences=True, return_state=True, name=self.cell)
        dropout = layers.Dropout(self.dropout)
        projection = None
        if self.tie_weights and self.units != self.embed_dim:
            projection = layers.Dense(self.embed_dim, name="projection")

        def on_top(h):  # recurrent outputs -> the vectors the output layer reads
            h = dropout(h)
            return projection(h) if projection is not None else h

        h = on_top(rnn(x)[0])
        if not self.tie_weights:
            head = layers.Dense(n_words, dtype="float32", name="logits")
            logits = head(h)
            self.output_weights_ = lambda: (ops.transpose(head.kernel), head.bias)
        else:
            logits = embedding(h, logits=True)
            self.output_weights_ = lambda: (embedding.embeddings, embedding.bias)
        self.hidden_ = keras.Model(inputs, h, name="hidden")
        self.stateful_hidden_ = None
        if self.carry_state:  # the same layers from a given state, returning the final one
            sizes = (
                cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
            )
            states = [layers.Input((size,), name=f"state_{i}") for i, size in enumerate(sizes)]
            seq, *final = rnn(x, initial_state=states)
            self.stateful_hidden_ = keras.Model(
                [inputs, *states], [on_top(seq), *final], name="stateful_hidden"
            )
        return keras.Model(inputs, logits, name=f"{self.cell.replace('-', '_')}_lm")

    def _new_model(self) -> None:
        """Build the network afresh (``model_``), dropping the graph functions traced for an
        earlier one."""
        self.model_, self._score_fn, self._vector_score_fn, self._hidden_graph = (
            self.build(),
            None,
            None,
            None,
        )

    def _stream(self, seqs: list[np.ndarray], rng: np.random.Generator):
        """Training windows (:func:`stream_windows`), the sentences shuffled anew each epoch."""
        import tensorflow as tf

        from neural.batching import to_dataset

        eos, shape = self.vocab_.stoi[EOS], (self.batch_size, self.seq_len)

        def batches():
            yield from zip(
                *stream_windows(seqs, rows=shape[0], seq_len=shape[1], eos_id=eos, rng=rng)
            )

        n_batches = stream_window_count(seqs, rows=shape[0], seq_len=shape[1])
        spec = (
            tf.TensorSpec(shape, tf.int32),
            tf.TensorSpec(shape, tf.int32),
            tf.TensorSpec(shape, tf.float32),
        )
        return to_dataset(batches, spec).apply(tf.data.experimental.assert_cardinality(n_batches))

    def _sentences(self, seqs: list[np.ndarray]):
        """``(inputs, targets, weights)`` batches of whole sentences, each read from a fresh
        state."""
        import tensorflow as tf

        from neural.batching import plan_batches, to_dataset
        from neural.vocab import pad

        lengths = np.array([len(s) - 1 for s in seqs])
        plan = plan_batches(lengths, batch_size=4 * self.batch_size, max_tokens=self.batch_tokens)

        def batches():
            for idx in plan:
                x, y = pad([seqs[i][:-1] for i in idx]), pad([seqs[i][1:] for i in idx])
                yield x, y, (y != 0).astype(np.float32)

        spec = tf.TensorSpec((None, None), tf.int32)
        signature = (spec, spec, tf.TensorSpec((None, None), tf.float32))
        return to_dataset(batches, signature).apply(
            tf.data.experimental.assert_cardinality(len(plan))
        )

    def fit(self, sentences: list[list[str]]) -> "RecurrentLM":
        """Build the vocabulary from all ``sentences``, then train on all but a random validation
        share of them, early-stopped on its loss (mean negative log-likelihood per token)."""
        from neural.lm_training import LMTrainer
        from neural.training import train

        keras.utils.set_random_seed(self.seed)
        self.vocab_ = self._build_vocabulary(sentences)
        rng = np.random.default_rng(self.seed)
        train_idx, val_idx = self.split(len(sentences), rng)
        seqs = [self._ids(s) for s in sentences]
        train_seqs = [seqs[i] for i in train_idx]
        val_seqs = [seqs[i] for i in val_idx] or train_seqs
        self._new_model()
        trainer = LMTrainer(
            self.model_,
            self.hidden_,
            self.output_weights_,
            num_sampled=self.sampled_softmax,
            unigram_counts=self._target_counts(train_seqs) if self.sampled_softmax else None,
            stateful_hidden=self.stateful_hidden_,
            batch_size=self.batch_size,
        )
        callbacks = []
        if self.carry_state:  # each epoch's stream is shuffled anew: start it from zero states
            callbacks.append(
                keras.callbacks.LambdaCallback(on_epoch_begin=lambda *_: trainer.reset_states())
            )
        stream, val_batches = self._stream(train_seqs, rng), self._sentences(val_seqs)
        jit = False if self.sampled_softmax else "auto"  # the candidate sampler has no XLA kernel
        outcome = train(
            trainer,
            stream,
            val_batches,
            self._training_settings(),
            callbacks=callbacks,
            n_train=sum(len(s) - 1 for s in train_seqs),
            compile_args={"jit_compile": jit},
        )
        self.history_, self.best_epoch_ = outcome.history, outcome.best_epoch
        self.seconds_per_epoch_, self.train_tokens_per_s_ = (
            outcome.seconds_per_epoch,
            outcome.items_per_s,
        )
        return self

    def _training_settings(self):
        """The shared loop's settings (``neural.training.train``): ``decay_epochs`` caps the epochs
        and its cosine ends with the last of them; without it ``lr_decay`` acts on plateaus."""
        from neural.training import TrainingSettings

        epochs = min(self.epochs, self.decay_epochs) if self.decay_epochs else self.epochs
        return TrainingSettings(
            epochs=epochs,
            patience=self.patience,
            learning_rate=self.learning_rate,
            clipnorm=self.clipnorm,
            ema_momentum=self.ema_momentum,
            cosine=bool(self.decay_epochs),
            plateau_factor=self.lr_decay,
            unit="tokens",
            verbose=self.verbose,
        )

    def split(
        self, n_sentences: int, rng: np.random.Generator | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the training and validation sentences among the ``n_sentences`` given to
        :meth:`fit` (``validation_fraction`` of them, drawn with the model's seed), as fit uses
        them."""
        order = (rng or np.random.default_rng(self.seed)).permutation(n_sentences)
        n_val = max(1, int(round(self.validation_fraction * n_sentences))) if n_sentences > 1 else 0
        return order[n_val:], order[:n_val]

    def _target_counts(self, seqs: list[np.ndarray]) -> np.ndarray:
        """How often each vocabulary entry is a training target (the sampler's distribution)."""
        targets = np.concatenate([s[1:] for s in seqs]) if seqs else np.zeros(0, dtype=np.int32)
        return np.bincount(targets, minlength=len(self.vocab_))

    def token_scores(self, sentences: list[list[str]]):
        """Natural-log probability of every word and ``</s>``, in order, with OOV flags and each
        sentence's first token (a ``core.scoring.TokenScores``)."""
        import tensorflow as tf

        from core.scoring import TokenScores

        seqs = [self._ids(s) for s in sentences]
        lengths, starts, targets = self._flat_targets(seqs)
        log_probs = np.zeros(int(lengths.sum()))
        score = self._scorer()
        progress = Progress("scoring", len(log_probs), "tokens", verbose=self.verbose)
        for idx, x, y in self._scoring_batches(seqs, lengths):
            lp = score(tf.constant(x), tf.constant(y)).numpy().astype(np.float64)
            for row, i in enumerate(idx):
                log_probs[starts[i] : starts[i] + lengths[i]] = lp[row, : lengths[i]]
            progress.update(int(lengths[idx].sum()))
        return TokenScores(log_probs, targets == self.vocab_.unk_id, starts)

    def context_vectors(
        self, sentences: list[list[str]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The vector the output layer reads before each scored token, that token's id and each
        sentence's first token, in :meth:`token_scores`'s order: ``(float32 (tokens, embed_dim),
        int32 (tokens,), int64 (sentences,))``. Each sentence is read alone from a fresh state, as
        in scoring (the keys of a kNN-LM)."""
        import tensorflow as tf

        seqs = [self._ids(s) for s in sentences]
        lengths, starts, targets = self._flat_targets(seqs)
        vectors = np.zeros(
            (int(lengths.sum()), int(self.hidden_.output.shape[-1])), dtype=np.float32
        )
        hidden = self._hidden_fn()
        progress = Progress("context vectors", len(vectors), "tokens", verbose=self.verbose)
        for idx, x, _ in self._scoring_batches(seqs, lengths):
            h = hidden(tf.constant(x)).numpy().astype(np.float32, copy=False)
            for row, i in enumerate(idx):
                vectors[starts[i] : starts[i] + lengths[i]] = h[row, : lengths[i]]
            progress.update(int(lengths[idx].sum()))
        return vectors, targets, starts

    def _hidden_fn(self):
        """A graph function ``inputs -> the vectors the output layer reads`` (one trace for every
        batch shape; run eagerly, the recurrence would step through Python)."""
        import tensorflow as tf

        if getattr(self, "_hidden_graph", None) is None:
            self._hidden_graph = tf.function(
                lambda x: self.hidden_(x, training=False),
                input_signature=[tf.TensorSpec((None, None), tf.int32)],
            )
        return self._hidden_graph

    def log_probs_of(
        self, vectors: np.ndarray, targets: np.ndarray, block: int = 65_536
    ) -> np.ndarray:
        """ln p of each target from the vector the output layer reads before it (the full softmax,
        as :meth:`token_scores` computes it from the same vectors)."""
        import tensorflow as tf

        from neural.lm_training import exact_nll

        if getattr(self, "_vector_score_fn", None) is None:
            weights = self.output_weights_

            @tf.function(
                input_signature=[
                    tf.TensorSpec((None, None), tf.float32),
                    tf.TensorSpec((None,), tf.int32),
                ]
            )
            def score(h, y):
                return -exact_nll(h[None], y[None], weights)

            self._vector_score_fn = score
        out = np.zeros(len(targets))
        for start in range(0, len(targets), block):
            out[start : start + block] = self._vector_score_fn(
                tf.constant(vectors[start : start + block]),
                tf.constant(targets[start : start + block].astype(np.int32)),
            )
        return out

    @staticmethod
    def _flat_targets(seqs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scored tokens per sentence, where each sentence's first one is in the flat order, and
        every scored token's id in that order."""
        lengths = np.array([len(s) - 1 for s in seqs], dtype=np.int64)
        targets = np.concatenate([s[1:] for s in seqs]) if seqs else np.zeros(0, dtype=np.int32)
        return (
            lengths,
            np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64),
            targets.astype(np.int32),
        )

    def _scoring_batches(self, seqs: list[np.ndarray], lengths: np.ndarray):
        """``(sentence indices, inputs, targets)``: padded batches of whole sentences, similar
        lengths together, at most ``batch_tokens`` positions each."""
        from neural.batching import plan_batches
        from neural.vocab import pad

        for idx in plan_batches(
            lengths, batch_size=4 * self.batch_size, max_tokens=self.batch_tokens
        ):
            yield idx, pad([seqs[i][:-1] for i in idx]), pad([seqs[i][1:] for i in idx])

    def log_prob(self, sentences: list[list[str]]) -> np.ndarray:
        """Natural-log probability of each sentence (its words and ``</s>``; ``<s>`` is context)."""
        return self.token_scores(sentences).per_sentence()

    def _scorer(self):
        """A graph function ``(inputs, targets) -> log-probability of each target`` (0 at padding),
        the output layer applied to bounded blocks of positions
        (:func:`neural.lm_training.exact_nll`)."""
        import tensorflow as tf

        from neural.lm_training import exact_nll

        if getattr(self, "_score_fn", None) is None:
            hidden, weights, spec = (
                self.hidden_,
                self.output_weights_,
                tf.TensorSpec((None, None), tf.int32),
            )

            @tf.function(input_signature=[spec, spec])
            def score(x, y):
                nll = tf.reshape(exact_nll(hidden(x, training=False), y, weights), tf.shape(y))
                return -nll * tf.cast(y != 0, nll.dtype)

            self._score_fn = score
        return self._score_fn

    def perplexity(self, sentences: list[list[str]]):
        """Perplexity with and without OOV tokens, computed exactly as for the n-gram models."""
        from core.scoring import perplexity

        return perplexity(self, sentences)

    def sample(
        self, n_sentences: int, *, seed: int, max_length: int = 100, temperature: float = 1.0
    ) -> list[list[str]]:
        """``n_sentences`` sentences drawn word by word from ``softmax(logits / temperature)``
        after ``<s>``, each ending at ``</s>`` or ``max_length`` words; reproducible for a
        ``seed``."""
        if temperature <= 0:
            raise ValueError(f"temperature must be positive, got {temperature}")
        rng = np.random.default_rng(seed)
        stoi = self.vocab_.stoi
        prefix = np.full((n_sentences, 1), stoi[BOS], dtype=np.int32)
        done = np.zeros(n_sentences, dtype=bool)
        for _ in range(max_length + 1):
            logits = np.asarray(self.model_.predict_on_batch(prefix))[:, -1].astype(np.float64)
            logits[:, [stoi[PAD], stoi[BOS]]] = -np.inf  # not words: never generated
            z = logits / temperature
            p = np.exp(z - z.max(axis=1, keepdims=True))
            cdf = np.cumsum(p, axis=1)
            nxt = (cdf < rng.random((n_sentences, 1)) * cdf[:, -1:]).sum(axis=1).astype(np.int32)
            prefix = np.concatenate([prefix, nxt[:, None]], axis=1)
            done |= nxt == stoi[EOS]
            if done.all():
                break
        return [self._words(row[1:])[:max_length] for row in prefix]

    def _words(self, ids: np.ndarray) -> list[str]:
        words = []
        for i in ids:
            if self.vocab_.itos[i] == EOS:
                break
            words.append(self.vocab_.itos[i])
        return words

    def params(self) -> dict:
        """The settings (every constructor argument but ``seed``, ``vocabulary`` and ``verbose``)
        and what fit chose: the cell, the vocabulary's size, the epochs run and the one kept."""
        out = {k: v for k, v in self.get_params().items() if k not in _NOT_SETTINGS}
        out.update(
            cell=self.cell,
            vocabulary_used=len(self.vocab_),
            given_vocabulary=self.vocabulary is not None,
            epochs_run=len(self.history_),
            best_epoch=self.best_epoch_,
        )
        return out

    def n_parameters(self) -> int:
        return int(self.model_.count_params())

    def model_bytes(self) -> int:
        """Size of the fitted weights (every variable of the model, at its dtype)."""
        return int(
            sum(
                np.prod(w.shape, dtype=np.int64) * np.dtype(w.dtype).itemsize
                for w in self.model_.weights
            )
        )

    # -- persistence -------------------------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        """Weights (no optimizer state), vocabulary, settings and training history into
        ``directory``: what :meth:`load` needs to score and sample as this fitted model does."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.model_.save_weights(directory / "model.weights.h5")
        state = {k: getattr(self, k) for k in _FITTED}
        doc = {
            "seed": self.seed,
            "settings": self.params() | {"verbose": self.verbose},
            "vocabulary": self.vocab_.itos,
            "state": state,
        }
        (directory / "language_model.json").write_text(
            json.dumps(doc, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: str | Path) -> "RecurrentLM":
        """A language model saved by :meth:`save`, ready to score and sample."""
        directory = Path(directory)
        doc = json.loads((directory / "language_model.json").read_text(encoding="utf-8"))
        # models saved before a setting existed have its default
        names = set(setting_names(cls)) - {"seed", "vocabulary"}
        settings = {k: v for k, v in doc["settings"].items() if k in names}
        obj = cls(seed=doc["seed"], **settings)
        if doc["settings"]["given_vocabulary"]:
            obj.vocabulary = doc[
                "vocabulary"
            ]  # as fitted: its params() say the vocabulary was given
        obj.vocab_ = Vocabulary.from_tokens(doc["vocabulary"])
        for key, value in doc["state"].items():
            setattr(obj, key, value)
        obj._new_model()
        obj.model_.load_weights(directory / "model.weights.h5")
        return obj


class RNNLM(RecurrentLM):
    """Elman RNN language model (Mikolov et al. 2010)."""

    cell = "simple-rnn"


class LSTMLM(RecurrentLM):
    """LSTM language model (Sundermeyer et al. 2012)."""

    cell = "lstm"


class GRULM(RecurrentLM):
    """GRU language model (Cho et al. 2014)."""

    cell = "gru"
