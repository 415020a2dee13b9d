"""Keras 3 (TensorFlow backend) models. Importing a submodule imports TensorFlow; bench does it
lazily.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault(
    "TF_CPP_MIN_LOG_LEVEL", "3"
)  # keep TensorFlow's C++ start-up chatter off stderr
