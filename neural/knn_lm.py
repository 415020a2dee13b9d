"""kNN-LM: a trained neural language model with a memory of its training text.

Khandelwal et al. (2020), "Generalization through Memorization: Nearest Neighbor Language Models".
Every position of the LM's training split is stored as a (key, value) pair: the vector the LM's
output layer reads there (:meth:`neural.language_models.RecurrentLM.context_vectors`) and the word
that followed. To score word ``w`` after a context whose vector is ``q``, the ``k`` stored keys
nearest to ``q`` (squared L2 distance ``d_i``) vote for the words that followed them::

    p_kNN(w | c) = sum_{i in N(q), v_i = w} exp(-d_i / T) / sum_{i in N(q)} exp(-d_i / T)
    p(w | c)     = (1 - lambda) p_LM(w | c) + lambda p_kNN(w | c)

Both parts are distributions over the same vocabulary (``<unk>`` included), so the mixture is one
too and its perplexity is exact and comparable with the n-gram models' on the same tokens. Like an
n-gram model, the memory reproduces text seen in training (quoted replies, signatures, FAQs posted
again), which a network far smaller than its training text does not memorise.

``lambda``, ``T`` and ``k`` are chosen on the LM's own validation split (the sentences it held out
for early stopping, :meth:`~neural.language_models.RecurrentLM.split`); the datastore holds only
its training split, so validation never finds itself, and test data is never used. Search is exact
for small datastores and otherwise faiss's inverted-file index (``IndexIVFFlat``: the ``nprobe``
cells of ``nlist`` nearest to the query are searched exhaustively), as in the paper.
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np

from core.cpus import available_cpus
from neural.settings import SignatureSettings

#: mixture weights tried on the validation split (0: the LM alone)
LAMBDAS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7)
#: temperatures tried, as multiples of the validation queries' median distance to their k-th
#: neighbour
TEMPERATURE_SCALES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def knn_log_probs(
    distances: np.ndarray,
    neighbours: np.ndarray,
    values: np.ndarray,
    targets: np.ndarray,
    temperature: float,
) -> np.ndarray:
    """ln p_kNN(target) per query from its ``(queries, k)`` neighbours (``-1``: none), sorted or
    not; ``-inf`` where no neighbour was followed by the target."""
    from scipy.special import logsumexp

    valid = neighbours >= 0
    logits = np.where(valid, -distances.astype(np.float64) / temperature, -np.inf)
    hit = valid & (values[np.maximum(neighbours, 0)] == targets[:, None])
    with np.errstate(divide="ignore"):
        return logsumexp(np.where(hit, logits, -np.inf), axis=1) - logsumexp(logits, axis=1)


def mix(lm_log_probs: np.ndarray, knn_lp: np.ndarray, lam: float) -> np.ndarray:
    """ln((1 - lam) p_LM + lam p_kNN), per token."""
    if lam == 0:
        return lm_log_probs
    with np.errstate(divide="ignore"):
        return np.logaddexp(math.log1p(-lam) + lm_log_probs, math.log(lam) + knn_lp)


class KNNLM(SignatureSettings):
    """A fitted :class:`~neural.language_models.RecurrentLM` plus a datastore of its training split.

    ``k``: neighbours retrieved per query (the chosen ``k_`` may be fewer: ``ks`` are tried);
    ``exact_below``: datastores up to this size are searched exactly; ``nlist``/``nprobe``: the
    inverted-file index's cells and how many are searched (``nlist`` default: ``4 sqrt(N)``, at
    most 4,096); ``threads``: faiss's threads (default: every core).
    """

    normalised = True

    def __init__(
        self,
        lm,
        *,
        k: int = 128,
        ks: tuple[int, ...] = (8, 32, 128),
        nlist: int | None = None,
        nprobe: int = 8,
        exact_below: int = 200_000,
        lambdas: tuple[float, ...] = LAMBDAS,
        temperature_scales: tuple[float, ...] = TEMPERATURE_SCALES,
        query_batch: int = 65_536,
        seed: int = 0,
        threads: int | None = None,
        verbose: bool = True,
    ):
        if k < 1 or nprobe < 1:
            raise ValueError(f"k and nprobe must be at least 1, got k={k}, nprobe={nprobe}")
        if not all(0 <= lam < 1 for lam in lambdas) or not lambdas:
            raise ValueError(f"every mixture weight must be in [0, 1), got {lambdas}")
        self.lm, self.k, self.ks = lm, k, tuple(sorted({min(x, k) for x in (*ks, k)}))
        self.nlist, self.nprobe, self.exact_below = nlist, nprobe, exact_below
        self.lambdas, self.temperature_scales = tuple(lambdas), tuple(temperature_scales)
        self.query_batch, self.seed, self.threads, self.verbose = (
            query_batch,
            seed,
            threads,
            verbose,
        )

    @property
    def name(self) -> str:
        return self.lm.name.replace("-lm", "-knn-lm")

    def _log(self, message: str) -> None:
        if self.verbose:
            print(f"  {self.name}: {message}", file=sys.stderr, flush=True)

    def fit(self, sentences: list[list[str]]) -> "KNNLM":
        """Store the LM's training split of ``sentences`` (the list the LM was fit on) and choose
        ``lambda``, ``T`` and ``k`` on its validation split."""
        train_idx, val_idx = self.lm.split(len(sentences))
        t0 = time.perf_counter()
        keys, self.values_, _ = self.lm.context_vectors([sentences[i] for i in train_idx])
        self._build_index(keys)
        del keys
        self.datastore_seconds_ = time.perf_counter() - t0
        self._log(
            f"datastore of {len(self.values_):,} positions ({self.index_kind_}) "
            f"in {self.datastore_seconds_:.0f}s"
        )
        val = [sentences[i] for i in val_idx] or [sentences[i] for i in train_idx]
        lm_lp, dist, nb, targets, _ = self._lm_and_neighbours(val)
        scale = float(np.median(dist[:, -1][nb[:, -1] >= 0])) if (nb[:, -1] >= 0).any() else 1.0
        best = (float(-lm_lp.mean()), 0.0, scale, self.ks[-1])
        for k in self.ks:
            for s in self.temperature_scales:
                knn = self._knn(dist, nb, targets, s * scale, k)
                for lam in self.lambdas:
                    nll = float(-mix(lm_lp, knn, lam).mean())
                    if nll < best[0]:
                        best = (nll, lam, s * scale, k)
        self.validation_nll_lm_ = float(-lm_lp.mean())
        self.validation_nll_, self.lambda_, self.temperature_, self.k_ = best
        self._log(
            f"validation perplexity {math.exp(self.validation_nll_lm_):,.1f} -> "
            f"{math.exp(self.validation_nll_):,.1f} (lambda {self.lambda_}, "
            f"T {self.temperature_:.4g}, k {self.k_})"
        )
        return self

    def _build_index(self, keys: np.ndarray) -> None:
        import faiss

        faiss.omp_set_num_threads(self.threads or available_cpus())
        n, d = keys.shape
        if n <= self.exact_below:
            self.index_, self.index_kind_, self.nlist_ = faiss.IndexFlatL2(d), "exact", None
        else:
            self.nlist_ = self.nlist or min(4096, int(4 * math.sqrt(n)))
            quantizer = faiss.IndexFlatL2(d)
            self.index_ = faiss.IndexIVFFlat(quantizer, d, self.nlist_)
            self.index_.cp.seed = self.seed
            rng = np.random.default_rng(self.seed)
            sample = keys[np.sort(rng.choice(n, size=min(n, 64 * self.nlist_), replace=False))]
            self.index_.train(sample)
            self.index_.nprobe = self.nprobe
            self.index_kind_ = f"ivf{self.nlist_}, nprobe {self.nprobe}"
        for start in range(0, n, 1 << 20):  # faiss copies what it adds: bounded chunks
            self.index_.add(np.ascontiguousarray(keys[start : start + (1 << 20)]))

    def _lm_and_neighbours(
        self, sentences: list[list[str]], lm_log_probs: np.ndarray | None = None
    ):
        """The LM's ln p of every scored token (``lm_log_probs`` if given: the LM's own
        ``token_scores(sentences).log_probs``), and each position's ``k`` nearest stored keys:
        ``(lm log-probs, distances, neighbour ids, target ids, sentence starts)``."""
        vectors, targets, starts = self.lm.context_vectors(sentences)
        if lm_log_probs is None:
            lm_lp = self.lm.log_probs_of(vectors, targets)
        elif len(lm_log_probs) != len(targets):
            raise ValueError(
                f"{len(lm_log_probs):,} LM log-probabilities given for {len(targets):,} "
                "scored tokens"
            )
        else:
            lm_lp = np.asarray(lm_log_probs, dtype=np.float64)
        t0 = time.perf_counter()
        dist = np.empty((len(vectors), self.k), dtype=np.float32)
        nb = np.empty((len(vectors), self.k), dtype=np.int64)
        for start in range(0, len(vectors), self.query_batch):
            stop = start + self.query_batch
            dist[start:stop], nb[start:stop] = self.index_.search(
                np.ascontiguousarray(vectors[start:stop]), self.k
            )
            if stop < len(vectors):
                self._log(
                    f"searched {stop:,} of {len(vectors):,} positions "
                    f"({time.perf_counter() - t0:.0f}s)"
                )
        self.search_seconds_ = time.perf_counter() - t0
        return lm_lp, dist, nb, targets, starts

    def _knn(
        self, dist, nb, targets, temperature: float, k: int, rows: int = 1 << 18
    ) -> np.ndarray:
        """:func:`knn_log_probs` of the first ``k`` neighbours, in blocks of rows (bounded
        memory)."""
        return np.concatenate(
            [
                knn_log_probs(
                    dist[i : i + rows, :k],
                    nb[i : i + rows, :k],
                    self.values_,
                    targets[i : i + rows],
                    temperature,
                )
                for i in range(0, len(targets), rows)
            ]
            or [np.zeros(0)]
        )

    def token_scores(self, sentences: list[list[str]], lm_log_probs: np.ndarray | None = None):
        """ln p of every word and ``</s>`` under the mixture (a ``core.scoring.TokenScores``).
        ``lm_log_probs``: the LM's own ``token_scores(sentences).log_probs``, when already computed
        (the full softmax is most of the cost of scoring; the LM is not run through it again)."""
        from core.scoring import TokenScores

        lm_lp, dist, nb, targets, starts = self._lm_and_neighbours(sentences, lm_log_probs)
        knn = self._knn(dist, nb, targets, self.temperature_, self.k_)
        self.lm_log_prob_ = float(lm_lp.sum())  # the LM alone on the same tokens
        self.test_knn_hit_share_ = float(np.isfinite(knn).mean()) if len(knn) else 0.0
        return TokenScores(mix(lm_lp, knn, self.lambda_), targets == self.lm.vocab_.unk_id, starts)

    def perplexity(self, sentences: list[list[str]]):
        """Perplexity with and without OOV tokens, computed exactly as for the n-gram models."""
        from core.scoring import perplexity

        return perplexity(self, sentences)

    def datastore_bytes(self) -> int:
        """Size of the memory: the index's stored keys (plus, for an inverted file, each key's
        int64 id and the cells' centroids) and the word that followed each key."""
        index = self.index_
        size = index.ntotal * index.code_size + self.values_.nbytes
        if self.nlist_ is not None:
            size += index.ntotal * 8 + self.nlist_ * index.d * 4
        return int(size)

    def n_parameters(self) -> int:
        return self.lm.n_parameters()

    def model_bytes(self) -> int:
        """The LM's weights and the datastore."""
        return self.lm.model_bytes() + self.datastore_bytes()

    def params(self) -> dict:
        """The memory's settings (the constructor's, but those recorded apart or that change no
        score: ``seed``, ``query_batch``, ``threads``, ``verbose``), with ``nlist`` the number of
        cells used, and what was chosen on validation (the LM's own are ``lm.params()``)."""
        settings = {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in self.get_params().items()
            if k not in ("seed", "query_batch", "threads", "verbose")
        }
        return {
            **settings,
            "nlist": self.nlist_,
            "index": self.index_kind_,
            "datastore_size": int(len(self.values_)),
            "chosen_lambda": self.lambda_,
            "chosen_temperature": self.temperature_,
            "chosen_k": self.k_,
            "validation_perplexity_lm": math.exp(self.validation_nll_lm_),
            "validation_perplexity": math.exp(self.validation_nll_),
            "datastore_seconds": self.datastore_seconds_,
            "datastore_bytes": self.datastore_bytes(),
        }
