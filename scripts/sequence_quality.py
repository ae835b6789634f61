#!/usr/bin/env python3
"""The quality figures of docs/sequence.md, measured with the `recurrent` defaults.

    python3 scripts/sequence_quality.py forecast airline-passengers Passengers --seeds 1-5
    python3 scripts/sequence_quality.py ts /work/shared/data/gunpoint/GunPoint_TRAIN.ts --folds 5
    python3 scripts/sequence_quality.py sst --seeds 1-3
    ... [-- extra training flags]

Held-out test splits are not in /work/shared/data, and tuning must not look at them, so each
figure here comes from data the model never trained or selected on:

- forecast: the training file is cut like the official split (its last ceil(5 %) rows become
  validation), the model is trained with `train forecaster --train T' --valid V' --column C --seed N`
  and evaluated walk-forward on the real validation file (`evaluate forecast --history T' --history
  V' --data valid`), which plays the part of the test rows. Beside it, the seasonal-naive and naive
  baselines on the same rows.
- ts: stratified k-fold cross-validation over the TRAIN file of a UEA set (--folds, default 5):
  each class's cases are shuffled (seed 0) and dealt round-robin into k folds; fold i is held
  out and `train sequence-classifier --train part.ts --seed i --time 5m` trains on the other
  k − 1 folds (holding out its own 10 % of them for validation), then `evaluate sequence` scores
  fold i. Every case is tested exactly once. Prints each fold, the mean ± sd of the fold
  accuracies and the pooled accuracy over all cases (correct over all, folds weighted by size).
- sst: `train sequence-classifier --train stsa.binary.train --valid stsa.binary.dev --seed N
  --time 5m`; dev accuracy (dev also picks the best epoch, so it is a little optimistic).

Prints each run and the mean ± sample standard deviation. Build first: swift build -c release.
"""
import argparse
import json
import os
import math
import pathlib
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = pathlib.Path(os.environ.get("RECURRENT_BINARY", ROOT / ".build" / "release" / "recurrent"))
DATA = pathlib.Path("/work/shared/data")


def run(arguments):
    result = subprocess.run([str(BINARY), *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: recurrent {' '.join(arguments)}\n{result.stderr}")
    return result.stdout


def seeds(text):
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(part) for part in text.split(",")]


def summary(name, values):
    mean = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    print(f"{name}: {mean:.4f} ± {sd:.4f} over {len(values)} ({', '.join(f'{v:.4f}' for v in values)})")
    return mean, sd


def forecast(args, extra):
    folder = pathlib.Path(tempfile.mkdtemp(prefix="forecast-"))
    train = (DATA / "timeseries" / f"{args.series}.train.csv").read_bytes().split(b"\r\n")
    header, rows = train[0], [row for row in train[1:] if row]
    held = math.ceil(0.05 * len(rows))
    (folder / "train.csv").write_bytes(b"\r\n".join([header, *rows[:-held]]) + b"\r\n")
    (folder / "valid.csv").write_bytes(b"\r\n".join([header, *rows[-held:]]) + b"\r\n")
    test = DATA / "timeseries" / f"{args.series}.valid.csv"
    model_rmse, baselines = [], None
    for seed in seeds(args.seeds):
        model = folder / f"model-{seed}.safetensors"
        run(["train", "forecaster", "--train", str(folder / "train.csv"), "--valid", str(folder / "valid.csv"),
             "--column", args.column, "--seed", str(seed), "--out", str(model), *extra])
        report = json.loads(run(["evaluate", "forecast", "--model", str(model), "--history", str(folder / "train.csv"),
                                 "--history", str(folder / "valid.csv"), "--data", str(test), "--json"]))
        model_rmse.append(report["rmse"])
        baselines = (report["naive"]["rmse"], report["seasonal_naive"]["rmse"], report["seasonal_period"])
        print(f"seed {seed}: rmse {report['rmse']:.3f} mae {report['mae']:.3f} mase {report['mase']:.3f} smape {report['smape']:.2f}")
    summary(f"{args.series} one-step rmse", model_rmse)
    print(f"naive rmse {baselines[0]:.3f}, seasonal naive (m={baselines[2]}) rmse {baselines[1]:.3f}")


def read_ts(path):
    header, cases = [], []
    for line in path.read_text().splitlines():
        if not cases and (line.startswith("@") or line.startswith("#") or not line.strip()):
            header.append(line)
            if line.lower().startswith("@data"):
                cases.append(None)
        elif line.strip():
            cases.append(line)
    return header, [case for case in cases if case is not None]


def time_series(args, extra):
    header, cases = read_ts(pathlib.Path(args.file))
    if args.folds < 2:
        sys.exit("--folds must be at least 2")
    by_label = {}
    for case in cases:
        by_label.setdefault(case.rsplit(":", 1)[1], []).append(case)
    folds = [[] for _ in range(args.folds)]
    generator = random.Random(0)
    dealt = 0
    for label in sorted(by_label):
        group = list(by_label[label])
        generator.shuffle(group)
        for case in group:
            # Continue the deal across classes so the folds' sizes differ by at most one.
            folds[dealt % args.folds].append(case)
            dealt += 1
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ts-"))
    accuracies, correct, total = [], 0, 0
    for fold in range(1, args.folds + 1):
        test = folds[fold - 1]
        train = [case for index, part in enumerate(folds) if index != fold - 1 for case in part]
        (folder / "train.ts").write_text("\n".join(header + train) + "\n")
        (folder / "test.ts").write_text("\n".join(header + test) + "\n")
        model = folder / f"model-{fold}.safetensors"
        started = time.monotonic()
        run(["train", "sequence-classifier", "--train", str(folder / "train.ts"), "--seed", str(fold), "--time", args.time,
             "--out", str(model), *extra])
        seconds = time.monotonic() - started
        report = json.loads(run(["evaluate", "sequence", "--model", str(model), "--data", str(folder / "test.ts"), "--json"]))
        accuracies.append(report["accuracy"])
        right = round(report["accuracy"] * len(test))
        correct += right
        total += len(test)
        print(f"fold {fold}: accuracy {report['accuracy']:.4f} ({right}/{len(test)}; trained on {len(train)} cases "
              f"in {seconds:.0f} s)", flush=True)
    name = pathlib.Path(args.file).stem
    summary(f"{name} {args.folds}-fold accuracy", accuracies)
    print(f"{name} pooled accuracy: {correct / total:.4f} ({correct}/{total})")


def sst(args, extra):
    folder = pathlib.Path(tempfile.mkdtemp(prefix="sst-"))
    accuracies = []
    for seed in seeds(args.seeds):
        model = folder / f"model-{seed}.safetensors"
        run(["train", "sequence-classifier", "--train", str(DATA / "sst" / "stsa.binary.train"), "--valid",
             str(DATA / "sst" / "stsa.binary.dev"), "--seed", str(seed), "--time", args.time, "--out", str(model), *extra])
        report = json.loads(run(["evaluate", "sequence", "--model", str(model), "--data", str(DATA / "sst" / "stsa.binary.dev"), "--json"]))
        accuracies.append(report["accuracy"])
        print(f"seed {seed}: dev accuracy {report['accuracy']:.4f}")
    summary("SST-2 dev accuracy", accuracies)


def main():
    arguments = sys.argv[1:]
    extra = []
    if "--" in arguments:
        extra = arguments[arguments.index("--") + 1:]
        arguments = arguments[:arguments.index("--")]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("forecast")
    f.add_argument("series")
    f.add_argument("column")
    f.add_argument("--seeds", default="1-5")
    t = sub.add_parser("ts")
    t.add_argument("file")
    t.add_argument("--folds", type=int, default=5)
    t.add_argument("--time", default="5m")
    s = sub.add_parser("sst")
    s.add_argument("--seeds", default="1-3")
    s.add_argument("--time", default="5m")
    args = parser.parse_args(arguments)
    {"forecast": forecast, "ts": time_series, "sst": sst}[args.command](args, extra)


if __name__ == "__main__":
    main()
