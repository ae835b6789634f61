#!/usr/bin/env python3
"""Writes Tests/DataTests/Fixtures/gensim_vectors.{txt,bin}: a tiny word-vector table saved by
gensim's KeyedVectors.save_word2vec_format, text and binary, for the reader tests to load (the
binary has no newline after each vector, as gensim writes it).

    pip install gensim
    python3 scripts/make_gensim_vector_fixtures.py

The words and values are made here (no third-party data); the test quotes them.
"""
import os

import numpy as np
from gensim.models import KeyedVectors

WORDS = ["the", "naïve", "東京", "x"]
VALUES = np.array([[0.5, -1.25, 3.0], [1e-3, 250.0, -0.0], [7.0, 8.0, 9.0], [0.1, 1e-30, -3.4e38]], dtype=np.float32)

folder = os.path.join(os.path.dirname(__file__), "..", "Tests", "DataTests", "Fixtures")
vectors = KeyedVectors(vector_size=3)
vectors.add_vectors(WORDS, VALUES)
vectors.save_word2vec_format(os.path.join(folder, "gensim_vectors.txt"), binary=False)
vectors.save_word2vec_format(os.path.join(folder, "gensim_vectors.bin"), binary=True)
