#!/usr/bin/env python3
"""A diabetes-like regression problem and scikit-learn's answers on it, for Recurrent's tests.

    python3 scripts/make_regression_fixture.py   # installs scikit-learn if missing; writes
        Tests/TaskTests/Fixtures/regression_train.csv, regression_test.csv, regression.json

The data is generated here (nothing is copied from scikit-learn's datasets): 442 rows of 10
features in unrelated units and scales (offsets up to 1000, spreads from 0.01 to 300), driven by
3 shared factors so the columns are correlated (one pair at about 0.9, like the diabetes data's
s1 and s2), and a target that is linear in them plus noise, rescaled to 25..346 so that a
model which ignores the target's scale fails visibly. It is split 70/30
(train_test_split(random_state=0)), LinearRegression is fitted on the training rows and its
held-out R² recorded, as is that of make_pipeline(StandardScaler(), Ridge(alpha=RIDGE_ALPHA))
(what `recurrent train regression --l2 RIDGE_ALPHA` fits) and of predicting the training mean.

Values are rounded to float32 before fitting, so both sides see the same numbers.
"""
import importlib.util
import json
import pathlib
import subprocess
import sys

if importlib.util.find_spec("sklearn") is None:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "scikit-learn"])

import numpy as np
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "TaskTests" / "Fixtures"
ROWS, FEATURES, FACTORS = 442, 10, 3
RIDGE_ALPHA = 10.0


def generate(rng):
    factors = rng.normal(size=(ROWS, FACTORS))
    loadings = rng.normal(size=(FACTORS, FEATURES))
    standardized = factors @ loadings + 0.8 * rng.normal(size=(ROWS, FEATURES))
    standardized[:, 5] = 0.9 * standardized[:, 4] + 0.45 * rng.normal(size=ROWS)  # a strongly correlated pair
    scales = np.array([13.0, 0.5, 4.4, 13.8, 34.6, 30.4, 12.9, 1.29, 0.52, 0.01]) * np.array([1, 1, 1, 1, 1, 10, 1, 1, 1, 1])
    offsets = np.array([48.5, 1.5, 26.4, 94.6, 189.1, 115.4, 49.8, 4.07, 4.64, 1000.0])
    x = standardized * scales + offsets
    coefficients = rng.normal(size=FEATURES) * np.array([1, 1, 3, 2, 1, 1, 1, 1, 3, 0.5])
    signal = standardized @ coefficients
    y = signal + 0.95 * signal.std() * rng.normal(size=ROWS)  # held-out R² near the diabetes data's 0.5
    y = 25 + (y - y.min()) / (y.max() - y.min()) * (346 - 25)
    return x.astype(np.float32), y.astype(np.float32)


def write_csv(path, x, y):
    header = ",".join([f"x{i + 1}" for i in range(FEATURES)] + ["y"])
    lines = [header] + [",".join(f"{float(v):.9g}" for v in list(row) + [target]) for row, target in zip(x, y)]
    path.write_text("\n".join(lines) + "\n")


def main():
    x, y = generate(np.random.default_rng(17))
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=0)
    x_train64, x_test64 = x_train.astype(np.float64), x_test.astype(np.float64)
    y_train64, y_test64 = y_train.astype(np.float64), y_test.astype(np.float64)

    linear = LinearRegression().fit(x_train64, y_train64)
    ridge = make_pipeline(StandardScaler(), Ridge(alpha=RIDGE_ALPHA)).fit(x_train64, y_train64)
    fixture = {
        "linear_test_r2": r2_score(y_test64, linear.predict(x_test64)),
        "linear_train_r2": r2_score(y_train64, linear.predict(x_train64)),
        "linear_coefficients": linear.coef_.tolist(),
        "linear_intercept": float(linear.intercept_),
        "ridge_alpha": RIDGE_ALPHA,
        "ridge_test_r2": r2_score(y_test64, ridge.predict(x_test64)),
        "mean_predictor_test_r2": r2_score(y_test64, np.full_like(y_test64, y_train64.mean())),
        "target_range": [float(y.min()), float(y.max())],
    }
    FIXTURES.mkdir(parents=True, exist_ok=True)
    write_csv(FIXTURES / "regression_train.csv", x_train, y_train)
    write_csv(FIXTURES / "regression_test.csv", x_test, y_test)
    (FIXTURES / "regression.json").write_text(json.dumps(fixture, indent=1) + "\n")
    for name in ["regression_train.csv", "regression_test.csv", "regression.json"]:
        print(f"wrote {(FIXTURES / name).relative_to(ROOT)} ({(FIXTURES / name).stat().st_size} bytes)")
    print(f"held-out R²: LinearRegression {fixture['linear_test_r2']:.4f}, "
          f"StandardScaler + Ridge(alpha={RIDGE_ALPHA}) {fixture['ridge_test_r2']:.4f}, "
          f"training mean {fixture['mean_predictor_test_r2']:.4f}")


if __name__ == "__main__":
    main()
