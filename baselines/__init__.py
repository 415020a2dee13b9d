"""Classic baselines: naive Bayes and linear models, count-based n-gram language models.

Nothing here imports TensorFlow or starts a JVM.
"""
