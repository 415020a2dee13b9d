"""The model registry: one line per model, imported on first use.

A classifier is a class with keyword-only hyperparameters (``seed`` among them) and::

    fit(docs: list[list[str]], labels: np.ndarray, n_classes: int, groups=None) -> self
    predict_proba(docs: list[list[str]]) -> np.ndarray  # (n_docs, n_classes)
    params() -> dict                                    # every hyperparameter,
                                                        # chosen values included

``groups`` (IMDB: the movie of each review, else None) must not straddle a validation split.
Optional: ``n_parameters()``, ``history_`` (per-epoch dicts), ``save(dir)`` with a classmethod
``load(dir)``, and a ``family`` attribute (``classic`` or ``neural``; plug-ins default to
``plugin``). Models never compute benchmark metrics; the runner does, the same way for every model.

Wherever a command takes a model, a class of one's own can stand beside these: ``--model
package.module:Class``, or the name an installed package registers under the ``nlp_bench.models``
entry-point group (``bench.plugins``; docs/your-model.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.registry import Registry, load_object


@dataclass(frozen=True)
class ModelSpec:
    """A model: its name, family (``classic``/``neural``, ``plugin`` for a plug-in that declares
    none) and ``"module:Class"``. ``source`` (plug-ins only) says which distribution and version
    provide the class; it is part of their runs' identity."""

    name: str
    family: str
    target: str
    description: str
    source: dict | None = None

    def cls(self) -> type:
        """The model class, imported on first use."""
        return load_object(self.target)

    def describe(self) -> dict:
        return {"name": self.name, "family": self.family, "description": self.description}


MODELS: Registry[ModelSpec] = Registry("model")


def _add(name: str, family: str, target: str, description: str) -> None:
    MODELS.register(name, ModelSpec(name, family, target, description))


_add(
    "nb", "classic", "baselines.naive_bayes:NaiveBayes", "multinomial naive Bayes on unigram counts"
)
_add(
    "nb-bigram",
    "classic",
    "baselines.naive_bayes:BigramNaiveBayes",
    "multinomial naive Bayes on unigram + bigram counts",
)
_add(
    "cnb",
    "classic",
    "baselines.naive_bayes:ComplementNaiveBayes",
    "complement naive Bayes on TF-IDF unigrams + bigrams (Rennie et al. 2003)",
)
_add(
    "tfidf-lr",
    "classic",
    "baselines.linear:TfidfLogisticRegression",
    "logistic regression on TF-IDF unigrams + bigrams",
)
_add(
    "nbsvm",
    "classic",
    "baselines.nbsvm:NBSVM",
    "linear SVM on naive-Bayes-scaled unigrams + bigrams (Wang & Manning 2012)",
)
_add(
    "ngram-lm-clf",
    "classic",
    "baselines.ngram.classifier:NgramLMClassifier",
    "one n-gram LM per class, prior x likelihood (Peng & Schuurmans 2003)",
)
_add(
    "simple-rnn",
    "neural",
    "neural.rnn_models:SimpleRNNClassifier",
    "Elman SimpleRNN over word embeddings",
)
_add(
    "lstm",
    "neural",
    "neural.rnn_models:LSTMClassifier",
    "Keras LSTM classifier over word embeddings",
)
_add(
    "gru", "neural", "neural.rnn_models:GRUClassifier", "GRU over word embeddings (Cho et al. 2014)"
)
_add(
    "bilstm",
    "neural",
    "neural.rnn_models:BiLSTMClassifier",
    "bidirectional LSTM over word embeddings",
)
_add(
    "cnn-lstm",
    "neural",
    "neural.rnn_models:CNNLSTMClassifier",
    "Conv1D + max-pooling in front of an LSTM",
)
_add(
    "lstm-attention",
    "neural",
    "neural.attention:LSTMAttentionClassifier",
    "LSTM + attention pooling (additive/Bahdanau or dot-product score)",
)
_add(
    "transformer",
    "neural",
    "neural.transformer:TransformerClassifier",
    "Transformer encoder (multi-head self-attention), mean-pooled",
)
_add(
    "fasttext",
    "neural",
    "neural.fasttext:FastTextClassifier",
    "fastText: averaged word + hashed bigram embeddings (Joulin et al. 2016)",
)


@dataclass(frozen=True)
class LanguageModelSpec:
    """A registered neural language model: its name, ``"module:Class"`` and, for a model built over
    another one (a kNN memory over an LSTM LM), the registry name of that ``base``."""

    name: str
    target: str
    description: str
    base: str | None = None

    def cls(self) -> type:
        """The model class, imported on first use."""
        return load_object(self.target)

    def describe(self) -> dict:
        return {"name": self.name, "description": self.description, "base": self.base}


#: the neural language models of the language-modelling task (the n-gram ones are the smoothings of
#: ``baselines.ngram.SMOOTHINGS``)
LANGUAGE_MODELS: Registry[LanguageModelSpec] = Registry("neural language model")


def _add_lm(name: str, target: str, description: str, base: str | None = None) -> None:
    LANGUAGE_MODELS.register(name, LanguageModelSpec(name, target, description, base))


_add_lm("rnn-lm", "neural.language_models:RNNLM", "Elman recurrent LM (Mikolov et al. 2010)")
_add_lm("lstm-lm", "neural.language_models:LSTMLM", "LSTM language model (Sundermeyer et al. 2012)")
_add_lm("gru-lm", "neural.language_models:GRULM", "GRU language model (Cho et al. 2014)")
_add_lm(
    "lstm-knn-lm",
    "neural.knn_lm:KNNLM",
    "kNN-LM: the lstm-lm interpolated with a nearest-neighbour memory (Khandelwal et al. 2020)",
    base="lstm-lm",
)


def get_model(name: str) -> ModelSpec:
    """The model registered as ``name``, or a plug-in: a ``"package.module:Class"`` reference or
    the name of an installed ``nlp_bench.models`` entry point, imported and checked against the
    model contract (``bench.plugins``). A built-in name always means the built-in model; an
    unknown name suggests the closest ones."""
    if name in MODELS:
        return MODELS.get(name)
    from bench.plugins import plugin_model

    found = plugin_model(name, tuple(MODELS))
    return ModelSpec(found.name, found.family, found.target, found.description, found.source)


def model_source(spec: ModelSpec) -> dict:
    """Where ``spec``'s class comes from (``bench.plugins.source_of``), for its run file."""
    from bench.plugins import source_of

    return spec.source or source_of(spec.cls())
