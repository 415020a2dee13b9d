"""The language-modelling task: perplexity of every n-gram smoothing and order, and of the neural
LMs, on each dataset's test text, trained on its train text, with the classifiers' tokenizer.

All models of a dataset share one vocabulary (training words seen at least ``min_count`` times,
the rest ``<unk>``) and one scoring convention (``</s>`` scored, ``<s>`` not, OOVs counted), so their
perplexities are directly comparable. The n-grams are counted once at the highest order and every
smoothing method is estimated from those counts. Each (model, order) is one JSON file in
``<results>/lm/``, written atomically; files already there are not redone unless ``force``. A
neural LM is saved once fitted (``<results>/lm/models/<run id>``), before it is scored: a run stopped
while scoring restores it instead of training it again, and ``lstm-knn-lm`` reads the saved
``lstm-lm``.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench import sysinfo
from bench.datasets import get_dataset
from bench.errors import unknown_name
from bench.models import LANGUAGE_MODELS
from bench.profiles import get_profile
from bench.results import run_id, write_json_atomic
from bench.tokenizers import DEFAULT_FOR_LANGUAGE, make_tokenizer


@dataclass(frozen=True)
class LMPlan:
    """Which language models a profile fits: (smoothing, order) pairs and neural LMs."""

    ngram: tuple[tuple[str, int], ...]
    neural: tuple[str, ...] = ()
    neural_datasets: tuple[str, ...] | None = None  # None: every dataset
    neural_params: dict = field(default_factory=dict)
    neural_overrides: dict[str, dict] = field(default_factory=dict)  # dataset -> params chosen for it
    model_overrides: dict[str, dict] = field(default_factory=dict)  # neural LM -> params chosen for it
    # dataset -> settings of a kNN memory over its lstm-lm (``neural.knn_lm.KNNLM``), scored as lstm-knn-lm
    knn: dict[str, dict] = field(default_factory=dict)
    min_count: int = 2
    max_train_docs: int | None = None
    max_test_docs: int | None = None

    def neural_params_for(self, dataset: str, model: str | None = None) -> dict:
        """A neural LM's hyperparameters on ``dataset``: the plan's, updated by the dataset's
        overrides, then by the model's (``model`` None: the dataset's settings alone)."""
        return {**self.neural_params, **self.neural_overrides.get(dataset, {}), **self.model_overrides.get(model, {})}


def _grid(methods: tuple[str, ...], orders: range) -> tuple[tuple[str, int], ...]:
    return tuple((m, n) for m in methods for n in orders)


_SMOOTHING = ("add-k", "witten-bell", "absolute", "kn")
# the neural LMs on the large corpora: a sampled softmax (``neural.lm_training``) and wider batches
_LARGE_CORPUS = {"sampled_softmax": 1024, "batch_size": 128, "epochs": 8}
LM_PLANS = {
    "quick": LMPlan(ngram=_grid(("mkn",), range(1, 4)) + _grid(_SMOOTHING, range(2, 4)),
                    neural=("lstm-lm",), neural_datasets=("sms-spam",),
                    neural_params={"epochs": 1, "units": 32, "embed_dim": 32}, max_train_docs=2_000,
                    max_test_docs=1_000, knn={"sms-spam": {}}),
    "default": LMPlan(ngram=_grid(("mkn",), range(1, 6)) + _grid(_SMOOTHING, range(2, 5)),
                      # ~4,500 training tokens/s on a 2-core CPU: ~11 s per epoch on the SMS corpus
                      # (77k tokens), ~2 min per epoch on R8 (583k), beyond the budget
                      neural=("lstm-lm",), neural_datasets=("sms-spam",),
                      neural_params={"epochs": 10, "units": 256, "embed_dim": 128, "batch_size": 16,
                                     "learning_rate": 5e-3, "dropout": 0.5, "embed_dropout": 0.2,
                                     "patience": 1},
                      # the memory lowers SMS's test perplexity from 95.7 to 74.2 (validation: 123.2 to
                      # 81.2, lambda 0.3), below KN-5's 78.1, in under a minute
                      knn={"sms-spam": {}}),
    "full": LMPlan(ngram=_grid(("mkn",), range(1, 6)) + _grid(_SMOOTHING, range(2, 6)),
                   neural=("rnn-lm", "lstm-lm", "gru-lm"),
                   neural_params={"epochs": 20, "units": 256, "embed_dim": 128, "batch_size": 16,
                                  "learning_rate": 5e-3, "dropout": 0.5, "embed_dropout": 0.2,
                                  "patience": 2},
                   # chosen on the validation split (5% of the training messages; perplexity 131 with
                   # the plan's settings, 139.6 with 128 units, 148.2 with dropout 0.3/0.1, 123.2 with
                   # 512 units and dropout 0.6/0.3, 115.7 with 512 units and dropout 0.7/0.4, 102.8
                   # adding recurrent dropout 0.3, 99.6 validating a moving average of the weights
                   # with momentum 0.998, 101.5 with 0.99; 92.7 with up to 40 epochs and patience 3,
                   # best epoch 36; 90.7 averaging with momentum 0.999 over up to 50, best epoch 43):
                   # the 77k-token SMS corpus wants a wider, more heavily regularised network trained
                   # for longer
                   neural_overrides={"sms-spam": {"units": 512, "embed_dim": 256, "dropout": 0.7,
                                                  "embed_dropout": 0.4, "recurrent_dropout": 0.3,
                                                  "ema_momentum": 0.999, "epochs": 50, "patience": 3},
                                     # 2.6M-5.9M training tokens, 28k-69k words: a full softmax trains at
                                     # ~2,000 tokens/s here (45+ min per IMDB epoch); 1,024 sampled words
                                     # and 128-row batches at ~20,000 (IMDB, 1,500 reviews, one run)
                                     **{ds: _LARGE_CORPUS for ds in ("nsmc", "imdb")},
                                     # posts of 324 tokens on average (up to 44k), scored whole: trained
                                     # on 32-token windows from a zero state, validation perplexity
                                     # reached 194.6 in 8 epochs (MKN-5: 154.9 on test); windows now
                                     # continue each other's state (``carry_state``: 188.1); dropout
                                     # 0.25/0.1 instead of 0.5/0.2 then lowered it to 175.2, still
                                     # falling by under 1% an epoch at epoch 8 (test 185.8); 512 units
                                     # and 256-dim embeddings: 161.7 (best epoch 7 of 8), test 181.6
                                     # (re-run on another CPU: 163.6, best epoch 8; test 182.9); the
                                     # learning rate falling to zero along a cosine over the 8 epochs
                                     # instead of halving on a plateau: 146.4 (best epoch 6), test 159.8;
                                     # validation rose after epoch 6, so dropout 0.35/0.15: 145.4 (best
                                     # epoch 7), test 157.0; validating a moving average of the weights
                                     # (momentum 0.999) with the cosine over 10 epochs: 139.1 (best epoch
                                     # 7, stopped at 9), test 149.9, below MKN-5
                                     "20newsgroups": {**_LARGE_CORPUS, "carry_state": True, "dropout": 0.35,
                                                      "embed_dropout": 0.15, "units": 512, "embed_dim": 256,
                                                      "decay_epochs": 10, "epochs": 10, "ema_momentum": 0.999}},
                   # the SimpleRNN at 5e-3 diverged on R8 (training loss rose at epoch 3; validation
                   # perplexity 284.6 at its best, epoch 2, stopped after 4: test 206.9); at 1e-3 its
                   # validation perplexity was 213.3 at epoch 2 and fell through all 20 epochs (106.7
                   # at epoch 19; test 82.4, below MKN-5's 86.5)
                   model_overrides={"rnn-lm": {"learning_rate": 1e-3}},
                   # 20 Newsgroups: 3.5M stored positions, 2.3M test queries; 4 of 4,096 cells keep the
                   # search to minutes on 2 cores (10.5 min; test perplexity 182.9 -> 130.7 over the
                   # 512-unit lstm-lm, 6 min to store and choose; 159.8 -> 119.2 over it with the
                   # cosine decay, 157.0 -> 116.5 with dropout 0.35/0.15 too, 149.9 -> 110.7 with the
                   # weights averaged)
                   knn={"sms-spam": {}, "20newsgroups": {"nprobe": 4}}),
}
KNN_LM = "lstm-knn-lm"  # the memory-augmented LM
KNN_BASE = LANGUAGE_MODELS.get(KNN_LM).base  # the neural LM it reads


def lm_corpus(dataset: str, tokenizer_name: str, plan: LMPlan):
    """(spec, tokenizer, train sentences, test sentences): one document per sentence, empty ones
    dropped (a blank line would score only ``</s>``)."""
    from bench.runner import _slice
    from bench.tokenizers.cache import tokenize_corpus

    spec = get_dataset(dataset)
    tokenizer = make_tokenizer(tokenizer_name)
    data = spec.load()
    train, test = _slice(data.train, plan.max_train_docs), _slice(data.test, plan.max_test_docs)
    tr = tokenize_corpus(spec, "train", train.texts, tokenizer, keep_workers=True)
    te = tokenize_corpus(spec, "test", test.texts, tokenizer)
    return spec, tokenizer, [d for d in tr.docs if d], [d for d in te.docs if d]


def _record(spec, tokenizer, profile: str, model: str, family: str, order, smoothing, ppl, fit_s: float,
            score_s: float, extra: dict, identity: dict) -> dict:
    return {
        "task": "lm", "run_id": run_id(identity), "dataset": spec.name, "language": spec.language,
        "profile": profile, "seed": identity["seed"], "model": model, "family": family, "order": order,
        "smoothing": smoothing, "perplexity": ppl.perplexity, "perplexity_excl_oov": ppl.perplexity_excl_oov,
        "oov": ppl.oov, "tokens": ppl.tokens, "fit_seconds": fit_s, "score_seconds": score_s,
        "tokens_per_s_scoring": ppl.tokens / score_s if score_s > 0 else None,
        "tokenizer": tokenizer.config(), "identity": identity, "peak_rss_mb": sysinfo.peak_rss_mb(),
        "versions": sysinfo.library_versions(), "machine": sysinfo.machine(),
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), **extra,
    }


def run_lm_dataset(dataset: str, *, profile: str = "default", results_dir: Path, tokenizer: str | None = None,
                   seed: int = 0, force: bool = False, neural=None) -> list[Path]:
    """Fit and score every planned language model on ``dataset``; return the files written.
    ``neural``: which of the plan's neural LMs to fit (None: all of them; empty: none)."""
    from baselines.ngram import make_lm
    from baselines.ngram.counts import NgramCounts
    from core.scoring import perplexity_of_scores
    from baselines.ngram.vocab import build_and_encode

    prof = get_profile(profile)  # an unknown profile: the one-line error naming the known ones
    if profile not in LM_PLANS:
        raise unknown_name("language-model plan", profile, list(LM_PLANS))
    plan = LM_PLANS[profile]
    spec = get_dataset(dataset)
    tok_name = tokenizer or prof.tokenizers.get(spec.language) or DEFAULT_FOR_LANGUAGE[spec.language]
    base = {"dataset": dataset, "tokenizer": make_tokenizer(tok_name).config(), "profile": profile,
            "data_sha256": spec.checksum(), "min_count": plan.min_count, "seed": seed,
            "max_train_docs": plan.max_train_docs, "max_test_docs": plan.max_test_docs}
    jobs = [(f"ngram-{m}", m, n, {**base, "model": f"ngram-{m}", "order": n}) for m, n in plan.ngram]
    if neural is not None:
        for name in neural:
            LANGUAGE_MODELS.get(name)  # an unknown name: one line suggesting the close ones
    if plan.neural_datasets is None or dataset in plan.neural_datasets:
        jobs += [(name, None, None, {**base, "model": name, "params": plan.neural_params_for(dataset, name)})
                 for name in plan.neural if neural is None or name in neural]
        if dataset in plan.knn and KNN_BASE in plan.neural and (neural is None or KNN_LM in neural):
            jobs.append((KNN_LM, None, None, {**base, "model": KNN_LM,
                                              "params": plan.neural_params_for(dataset, KNN_BASE),
                                              "knn": plan.knn[dataset]}))
    out_dir = results_dir / "lm"
    path_of = {j[0] + str(j[2]): out_dir / f"{dataset}__{j[0]}__o{j[2] or 0}__{profile}__{run_id(j[3])}.json"
               for j in jobs}
    todo = [j for j in jobs if force or not path_of[j[0] + str(j[2])].exists()]
    if not todo:
        print(f"{dataset}: all {len(jobs)} language models already have results", file=sys.stderr)
        return []
    spec, tok, train, test = lm_corpus(dataset, tok_name, plan)
    t0 = time.perf_counter()
    vocab, stream = build_and_encode(train, min_count=plan.min_count)
    max_order = max((n for _, m, n, _ in todo if m), default=1)
    counts = NgramCounts(stream, max_order, len(vocab))
    count_s = time.perf_counter() - t0
    print(f"{dataset}: {stream.n_sentences:,} train sentences, vocabulary {len(vocab):,}, "
          f"counted to order {max_order} in {count_s:.1f}s", file=sys.stderr, flush=True)
    written, matches, fitted = [], {}, {}
    # n-gram samples cost a pass over the vocabulary per word (seconds per model on a large corpus):
    # drawn from each smoothing's highest order only, where the best model of a smoothing usually is
    top_order = {m: max(n for m2, n in plan.ngram if m2 == m) for m, _ in plan.ngram}
    base_scores = (None, 0.0)  # the memory's LM's test log-probabilities and seconds, once scored
    for model, smoothing, order, identity in todo:
        t0 = time.perf_counter()
        if smoothing:
            lm = make_lm(smoothing, order=order, vocabulary=vocab).fit_counts(vocab, counts)
            fit_s, family = time.perf_counter() - t0 + count_s, "classic"
            if not lm.normalised:
                continue  # stupid backoff ranks; it has no perplexity
            extra = {"count_seconds": count_s, "model_params": lm.params()}
            if order not in matches:  # the same for every smoothing of an order
                lengths = lm.match_lengths(test)
                matches[order] = (np.bincount(lengths, minlength=order + 1)[1:] / len(lengths)).tolist()
            extra["match_length_shares"] = matches[order]
        else:
            name = KNN_BASE if model == KNN_LM else model
            if name not in fitted:  # the kNN memory reads the lstm-lm fitted here, or fits it
                lm_identity = {k: v for k, v in identity.items() if k != "knn"} | {"model": name}
                fitted[name] = _fitted_neural_lm(name, lm_identity, vocab, train, out_dir / "models", force)
            (lm, fit_s, restored), family = fitted[name], "neural"
            extra = {"history": getattr(lm, "history_", []), "model_params": lm.params(),
                     "seconds_per_epoch": getattr(lm, "seconds_per_epoch_", None),
                     "train_tokens_per_s": getattr(lm, "train_tokens_per_s_", None),
                     "restored_model": restored}
            if model == KNN_LM:
                from neural.knn_lm import KNNLM

                t_knn = time.perf_counter()
                lm = KNNLM(lm, seed=seed, **plan.knn[dataset]).fit(train)
                extra.update(knn=lm.params(), base_fit_seconds=fit_s)
                fit_s += time.perf_counter() - t_knn
        extra.update(n_parameters=lm.n_parameters(), model_bytes=lm.model_bytes())
        # the kNN memory adds nothing to sample from: its LM's samples are in that LM's result
        sampled = model != KNN_LM if family == "neural" else order == top_order[smoothing]
        if sampled:
            extra["samples"] = samples_of(lm, seed, neural=family == "neural")
        t1 = time.perf_counter()
        if model == KNN_LM:
            reused, lm_s = base_scores
            scores = lm.token_scores(test, lm_log_probs=reused)
        else:
            scores = lm.token_scores(test)
        ppl = perplexity_of_scores(scores)
        score_s = time.perf_counter() - t1
        if model == KNN_LM:
            # the cost of scoring with the memory includes the LM's, whichever run paid it
            extra["knn"].update(test_hit_share=lm.test_knn_hit_share_, search_seconds=lm.search_seconds_,
                                test_perplexity_lm=float(np.exp(-lm.lm_log_prob_ / ppl.tokens)),
                                lm_scores_reused=reused is not None, own_score_seconds=score_s)
            score_s += lm_s
        elif model == KNN_BASE:
            base_scores = (scores.log_probs, score_s)
        record = _record(spec, tok, profile, model, family, order, smoothing, ppl, fit_s, score_s, extra,
                         identity)
        write_json_atomic(path_of[model + str(order)], record)
        written.append(path_of[model + str(order)])
        print(f"  {dataset} {model}{f' order {order}' if order else ''}: perplexity {ppl.perplexity:,.1f} "
              f"(fit {fit_s:.1f}s, score {score_s:.1f}s)", file=sys.stderr, flush=True)
        if family == "neural" and extra.get("samples"):
            drawn = extra["samples"][-1]  # the sharpest temperature: the most readable
            print(f"    sampled at temperature {drawn['temperature']}: {drawn['sentences'][0]}",
                  file=sys.stderr, flush=True)
    return written


#: what a fitted LM writes into its result, for a reader to see what the perplexity means:
#: sentences drawn from ``<s>`` (3 per temperature, at most 30 words); the n-gram models (each
#: smoothing at its highest order) sample their distribution as it is (temperature 1), the neural
#: ones also sharpened (0.7)
SAMPLE_SENTENCES, SAMPLE_WORDS, NEURAL_TEMPERATURES = 3, 30, (1.0, 0.7)


def samples_of(lm, seed: int, *, neural: bool) -> list[dict]:
    """``[{"temperature", "seed", "sentences"}]``: sentences sampled from a fitted LM, words joined
    by spaces (``</s>`` ends a sentence and is not shown; one that reached the word limit ends in
    ``…``)."""
    out = []
    for temperature in NEURAL_TEMPERATURES if neural else (1.0,):
        kwargs = {"temperature": temperature} if neural else {}
        drawn = lm.sample(SAMPLE_SENTENCES, seed=seed, max_length=SAMPLE_WORDS, **kwargs)
        out.append({"temperature": temperature, "seed": seed,
                    "sentences": [" ".join(w) + (" …" if len(w) >= SAMPLE_WORDS else "") for w in drawn]})
    return out


def _fitted_neural_lm(name: str, identity: dict, vocab, train, models_dir: Path, force: bool):
    """``(lm, fit seconds, saved model's record or None)``: the neural LM of ``identity`` restored
    from ``models_dir/<run id>`` if a run fitted it before (and ``force`` is off), else fitted on
    ``train`` and saved there atomically before it is scored, so an interrupted scoring pass (20-50
    minutes on a large corpus) does not cost the hours of training again."""
    from bench.locks import remove_stale_model_folders
    from bench.runner import load_model, save_model

    rid = run_id(identity)
    folder = models_dir / rid
    if folder.is_dir() and not force:
        t0 = time.perf_counter()
        try:
            lm, manifest = load_model(folder)
        except (OSError, KeyError, ValueError) as exc:  # unreadable: fit it again
            print(f"  {name}: the saved model in {folder} cannot be read ({exc}); fitting it again",
                  file=sys.stderr, flush=True)
        else:
            restored = {"folder": str(folder), "saved_at": manifest["saved_at"],
                        "load_seconds": round(time.perf_counter() - t0, 3)}
            print(f"  {identity['dataset']} {name}: restored the model fitted at {manifest['saved_at']} "
                  f"({manifest['fit_seconds']:.0f}s of training)", file=sys.stderr, flush=True)
            return lm, manifest["fit_seconds"], restored
    t0 = time.perf_counter()
    lm = _neural_lm(name, identity["seed"], vocab, identity["params"]).fit(train)
    fit_s = time.perf_counter() - t0
    remove_stale_model_folders(models_dir, rid)  # a save killed half-way
    save_model(lm, folder, {"target": LANGUAGE_MODELS.get(name).target, "run_id": rid, "identity": identity,
                            "fit_seconds": fit_s})
    return lm, fit_s, None


def _neural_lm(name: str, seed: int, vocab, params: dict):
    return LANGUAGE_MODELS.get(name).cls()(seed=seed, vocabulary=vocab, **params)
