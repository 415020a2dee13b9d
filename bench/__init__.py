"""nlp-bench: classic NLP and neural networks side by side on the same text data."""

__version__ = "0.1.0"
