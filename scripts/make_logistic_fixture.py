#!/usr/bin/env python3
"""Unregularized logistic regression by scikit-learn, for Recurrent's ladder tests.

    pip install scikit-learn numpy
    python3 scripts/make_logistic_fixture.py   # writes Tests/TaskTests/Fixtures/logistic.json

Two overlapping (so the maximum-likelihood estimate is finite) Gaussian problems, binary and
three-class, fitted with LogisticRegression(C=inf, tol=1e-10, max_iter=10000); stores
the data, the coefficients, intercepts and the training log-loss.
"""
import json
import pathlib

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "TaskTests" / "Fixtures" / "logistic.json"


def problem(rng, classes, n_per_class, features):
    centers = rng.normal(0, 1.5, (classes, features))
    x = np.concatenate([rng.normal(c, 1.5, (n_per_class, features)) for c in centers]).astype(np.float32)
    y = np.repeat(np.arange(classes), n_per_class)
    order = rng.permutation(len(y))
    return x[order], y[order]


def fit(x, y):
    model = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10000)
    model.fit(x.astype(np.float64), y)
    probabilities = model.predict_proba(x.astype(np.float64))
    return {
        "features": [[float(f"{v:.9g}") for v in row] for row in x.tolist()],
        "labels": [int(v) for v in y],
        "coefficients": model.coef_.tolist(),
        "intercepts": model.intercept_.tolist(),
        "log_loss": float(log_loss(y, probabilities)),
    }


def main():
    rng = np.random.default_rng(0)
    fixture = {"binary": fit(*problem(rng, 2, 100, 3)), "multiclass": fit(*problem(rng, 3, 80, 4))}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, separators=(",", ":")))
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
