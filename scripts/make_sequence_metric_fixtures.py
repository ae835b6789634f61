#!/usr/bin/env python3
"""Writes Tests/TaskTests/Fixtures/sequence_metrics.json: scikit-learn's classification report and
regression errors on fixed predictions, which ClassificationMetrics and RegressionMetrics must match.

    pip install scikit-learn numpy
    python3 scripts/make_sequence_metric_fixtures.py
"""
import json
import pathlib

import numpy as np
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, mean_absolute_error, mean_squared_error,
                             precision_recall_fscore_support, r2_score)

rng = np.random.default_rng(7)
# Four classes, one of which (3) is never predicted (its precision has a zero denominator),
# so the zero-division rule and the classes macro F1 averages over both matter.
truths = rng.integers(0, 4, 40).tolist()
predictions = [t if t < 3 and rng.random() < 0.6 else int(rng.integers(0, 3)) for t in truths]
precision, recall, f1, support = precision_recall_fscore_support(truths, predictions, labels=[0, 1, 2, 3], zero_division=0)
classification = {
    "truths": truths, "predictions": predictions,
    "accuracy": accuracy_score(truths, predictions),
    "macro_f1": f1_score(truths, predictions, average="macro", zero_division=0),
    "precision": precision.tolist(), "recall": recall.tolist(), "f1": f1.tolist(), "support": support.tolist(),
    "confusion": confusion_matrix(truths, predictions, labels=[0, 1, 2, 3]).tolist(),
}
y = rng.normal(3, 2, (25, 2))
guess = y + rng.normal(0, 0.7, (25, 2))
regression = {
    "truths": y.tolist(), "predictions": guess.tolist(),
    "rmse": float(np.mean([np.sqrt(mean_squared_error(y[:, k], guess[:, k])) for k in range(2)])),
    "mae": mean_absolute_error(y, guess), "r2": r2_score(y, guess),
}
path = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "TaskTests" / "Fixtures" / "sequence_metrics.json"
path.write_text(json.dumps({"classification": classification, "regression": regression}, indent=1) + "\n")
print(f"wrote {path}")
