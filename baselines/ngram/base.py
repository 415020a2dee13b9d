"""The base of every n-gram language model: count once, look n-grams up in bulk, score.

Conventions are KenLM's (Heafield 2011; Heafield et al. 2013): each sentence is
``<s> w1 .. wk </s>``; ``</s>`` is scored and ``<s>`` never is; a history never reaches across
``<s>``; a word outside the vocabulary is ``<unk>``. A subclass estimates its parameters in
``_estimate(counts)`` and turns look-ups into log probabilities in ``_combine`` (the shape of
NLTK's ``nltk.lm`` models, where each smoothing method overrides one scoring hook, but vectorised
over every token at once).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from baselines.ngram.counts import NgramCounts
from baselines.ngram.vocab import BOS, UNK, Vocabulary, build_and_encode
from core.scoring import TokenScores, perplexity


@dataclass(frozen=True)
class Lookups:
    """What scoring needs to know about a batch of positions, each a word after a history.

    ``words`` are the word ids; ``longest`` is how many words (the word and its history, ``<s>``
    included) the model may condition on. For each order n = 2..N, only the positions whose
    n-1 word history was seen in training are listed (hits are nested: an unseen history cannot
    start a seen n-gram), so higher orders cost less: ``queried[n-2]`` are those positions,
    ``contexts[n-2]`` the rows of their histories (in the order n-1 table) and ``hits[n-2]`` the
    rows of the n-grams history + word (in the order n table), -1 where never seen.
    """

    words: np.ndarray
    longest: np.ndarray
    queried: list[np.ndarray]
    contexts: list[np.ndarray]
    hits: list[np.ndarray]


class NgramLM:
    """Count-based n-gram language model of order ``order``; subclasses pick the smoothing.

    ``min_count``: training words seen fewer times become ``<unk>``. ``vocabulary``: a fixed
    vocabulary (e.g. shared by the per-class models of a classifier) instead of the training words.
    """

    name = ""
    normalised = True  # scores are probabilities: sum to 1 over the vocabulary for every history
    exportable = False  # representable exactly as an ARPA back-off model

    def __init__(self, *, order: int = 3, min_count: int = 1, vocabulary: Vocabulary | None = None):
        self.order = order
        self.min_count = min_count
        self.vocabulary = vocabulary

    # -- fitting ---------------------------------------------------------------------------------
    def fit(self, sentences: list[list[str]]) -> "NgramLM":
        """Count the n-grams of tokenized ``sentences`` and estimate the model."""
        if self.order < 1:
            raise ValueError(f"order must be at least 1, got {self.order}")
        if self.vocabulary is not None:
            vocab, stream = self.vocabulary, self.vocabulary.encode(sentences)
        else:
            vocab, stream = build_and_encode(sentences, min_count=self.min_count)
        return self.fit_counts(vocab, NgramCounts(stream, self.order, len(vocab)))

    def fit_counts(self, vocab: Vocabulary, counts: NgramCounts) -> "NgramLM":
        """Estimate from counts made elsewhere (a higher order's counts serve lower ones too)."""
        if counts.order < self.order:
            raise ValueError(
                f"counts of order {counts.order} cannot fit a model of order {self.order}"
            )
        self.vocab_, self.counts_ = vocab, counts
        self.tables_ = counts.tables[: self.order]
        self._estimate(counts)
        return self

    def _estimate(self, counts: NgramCounts) -> None:
        raise NotImplementedError

    def _combine(self, look: Lookups) -> np.ndarray:
        """Natural-log score of each looked-up token."""
        raise NotImplementedError

    # -- scoring ---------------------------------------------------------------------------------
    def _lookups(self, ids: np.ndarray, longest: np.ndarray) -> Lookups:
        """Look up every position of a padded id stream (``<s>`` positions too, left unused)."""
        queried, contexts, hits = [], [], []
        where = np.flatnonzero(ids[1:] != BOS) + 1  # every position with a word before it
        context = ids[where - 1]
        for n, table in enumerate(self.tables_[1:], start=2):
            if n > 2:  # the positions after a seen (n-1)-gram, within the sentence
                seen = np.flatnonzero(hits[-1] >= 0)
                where, context = queried[-1][seen] + 1, hits[-1][seen]
                inside = where < len(ids)
                inside[inside] = ids[where[inside]] != BOS
                where, context = where[inside], context[inside]
            queried.append(where)
            contexts.append(context)
            hits.append(table.find(context, ids[where]))
        return Lookups(ids, longest, queried, contexts, hits)

    def token_scores(self, sentences: list[list[str]]) -> TokenScores:
        """The natural-log score of every word and ``</s>`` of ``sentences``, with OOV flags."""
        self._check_fitted()
        stream = self.vocab_.encode(sentences)
        ids, targets = stream.ids, stream.targets()
        longest = np.minimum(stream.position_in_sentence() + 1, self.order)
        scores = self._combine(self._lookups(ids, longest))
        first = np.searchsorted(targets, stream.starts)
        return TokenScores(scores[targets], ids[targets] == UNK, first)

    def match_lengths(self, sentences: list[list[str]]) -> np.ndarray:
        """For every scored token, the length of the longest n-gram ending in it (the token and the
        words just before it, ``<s>`` included, at most ``order``) that training contained: 1 when
        even the bigram is new (KenLM's ``ngram_length``; a high share at the top order means the
        test text repeats training text word for word, which only an n-gram model reads back)."""
        self._check_fitted()
        stream = self.vocab_.encode(sentences)
        look = self._lookups(stream.ids, np.ones(len(stream.ids), dtype=np.int64))
        length = np.ones(len(stream.ids), dtype=np.int64)
        for n, (where, hit) in enumerate(zip(look.queried, look.hits), start=2):
            length[where[hit >= 0]] = n  # hits are nested: a higher order only overwrites
        return length[stream.targets()]

    def log_prob(self, sentences: list[list[str]]) -> np.ndarray:
        """Natural-log probability of each sentence, ``</s>`` included (stupid backoff: a score)."""
        return self.token_scores(sentences).per_sentence()

    def next_log_probs(self, history: list[str]) -> np.ndarray:
        """ln p(w | ``<s>`` + history) for every vocabulary id ``w`` (``-inf`` for ``<s>``)."""
        self._check_fitted()
        V, reach = len(self.vocab_), self.order - 1
        # only the last order-1 words matter; <s> only while it is within reach
        tail = [self.vocab_.index[w] for w in history[len(history) - reach :]] if reach else []
        ids = np.array(tail if len(history) >= reach else [BOS] + tail, dtype=np.int64)
        # rows of the history's last k words, k = 1 .. order-1 (-1: never seen)
        rows = [ids[-1]] if len(ids) else []
        if len(ids) > 1:
            look = self._lookups(ids, np.ones(len(ids), dtype=np.int64))
            for where, hit in zip(look.queried[: reach - 1], look.hits):
                last = np.flatnonzero(where == len(ids) - 1)
                rows.append(hit[last[0]] if len(last) else -1)
        words = np.arange(V, dtype=np.int64)
        queried, contexts, hits = [], [], []
        for table, row in zip(self.tables_[1:], rows + [-1] * reach):
            where = words if row >= 0 else words[:0]  # an unseen history: no n-gram of this order
            queried.append(where)
            contexts.append(np.full(len(where), row, dtype=np.int64))
            hits.append(table.find(contexts[-1], where))
        longest = np.full(V, min(self.order, len(history) + 2), dtype=np.int64)
        out = self._combine(Lookups(words, longest, queried, contexts, hits))
        out[BOS] = -np.inf
        return out

    def _scoring_arrays(self) -> list[np.ndarray]:
        """The estimated arrays scoring reads besides the n-gram keys (log-probabilities and
        back-off weights, or counts and totals); each smoothing lists its own."""
        return []

    def n_parameters(self) -> int:
        """One probability per distinct n-gram of orders 1..N."""
        self._check_fitted()
        return int(sum(len(t) for t in self.tables_))

    def model_bytes(self) -> int:
        """Size of the fitted model as scoring reads it: an int64 key per n-gram of order 2 and
        above plus the estimated arrays. The hash index over the keys and the raw counts the
        estimates came from (shared by every model fitted on the same counts) are not counted,
        except by add-k, which scores from the counts themselves."""
        self._check_fitted()
        return int(
            sum(t.keys.nbytes for t in self.tables_[1:])
            + sum(a.nbytes for a in self._scoring_arrays())
        )

    def _check_fitted(self) -> None:
        if not hasattr(self, "vocab_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted: call fit(sentences) first")

    # -- conveniences ----------------------------------------------------------------------------
    def perplexity(self, sentences: list[list[str]]):
        """Corpus perplexity with and without OOV tokens (see ``core.scoring``)."""
        return perplexity(self, sentences)

    def sample(self, n_sentences: int, *, seed: int, max_length: int = 100) -> list[list[str]]:
        """``n_sentences`` sentences drawn from the model (see ``baselines.ngram.sampling``)."""
        from baselines.ngram.sampling import sample

        return sample(self, n_sentences, seed=seed, max_length=max_length)

    def params(self) -> dict:
        """Hyperparameters and what was estimated from the data."""
        out = {"smoothing": self.name, "order": self.order, "min_count": self.min_count}
        if hasattr(self, "vocab_"):
            out["vocabulary_size"] = len(self.vocab_)
            out["ngrams"] = [len(t) for t in self.tables_]
        return out
