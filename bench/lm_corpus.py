"""The text the language-modelling task (``bench.lm_task``) reads: a dataset's train and test
documents, sliced as the LM plan says and tokenized, one sentence per document."""

from __future__ import annotations

from bench.datasets import get_dataset
from bench.profiles import LMPlan
from bench.slicing import stratified_slice
from bench.tokenizers import make_tokenizer


def lm_corpus(dataset: str, tokenizer_name: str, plan: LMPlan):
    """(spec, tokenizer, train sentences, test sentences): one document per sentence, empty ones
    dropped (a blank line would score only ``</s>``)."""
    from bench.tokenizers.cache import tokenize_corpus

    spec = get_dataset(dataset)
    tokenizer = make_tokenizer(tokenizer_name)
    data = spec.load()
    train = stratified_slice(data.train, plan.max_train_docs)
    test = stratified_slice(data.test, plan.max_test_docs)
    tr = tokenize_corpus(spec, "train", train.texts, tokenizer, keep_workers=True)
    te = tokenize_corpus(spec, "test", test.texts, tokenizer)
    return spec, tokenizer, [d for d in tr.docs if d], [d for d in te.docs if d]
