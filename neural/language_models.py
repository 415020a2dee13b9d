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

import keras
import numpy as np

from neural.lm_fitting import LMFitting
from neural.lm_layers import CELLS, ResetAtStart, SentenceStarts, TiedEmbedding
from neural.lm_sampling import LMSampling
from neural.lm_saving import LMSaving
from neural.lm_scoring import LMScoring
from neural.settings import SignatureSettings
from neural.vocab import BOS, EOS, PAD, UNK, Vocabulary

SPECIALS = (PAD, UNK, BOS, EOS)
#: constructor arguments that are not settings of the model: ``params()`` reports every other one
#: (:meth:`RecurrentLM.save` keeps the seed and ``verbose`` beside them, a given vocabulary as the
#: fitted one)
_NOT_SETTINGS = ("seed", "vocabulary", "verbose")


def count_tokens(sentences: list[list[str]]) -> int:
    """Scored tokens: every word plus one ``</s>`` per sentence (``<s>`` is not scored)."""
    return sum(len(s) + 1 for s in sentences)


class RecurrentLM(LMFitting, LMScoring, LMSampling, LMSaving, SignatureSettings):
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
        threads: int | None = 1,
        onednn_isa: str | None = None,
        verbose: bool = True,
    ):
        from neural.numerics import check_onednn_isa
        from neural.training import check_decay_epochs, check_ema_momentum

        check_ema_momentum(ema_momentum)
        check_decay_epochs(decay_epochs)
        check_onednn_isa(onednn_isa)
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
        self.threads = threads  # TensorFlow's pools (neural.numerics); None: every core
        self.onednn_isa = onednn_isa  # cap on oneDNN's kernels (neural.numerics); None: none
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


class RNNLM(RecurrentLM):
    """Elman RNN language model (Mikolov et al. 2010)."""

    cell = "simple-rnn"


class LSTMLM(RecurrentLM):
    """LSTM language model (Sundermeyer et al. 2012)."""

    cell = "lstm"


class GRULM(RecurrentLM):
    """GRU language model (Cho et al. 2014)."""

    cell = "gru"
