#!/usr/bin/env python3
"""Reference timings to compare with `recurrent bench ...`, measured the same way.

    python3 scripts/bench_reference.py gemm [--shape MxKxN ...] [--threads N] [--json]

prints `gemm MxKxN <value> GFLOP/s` for numpy (OpenBLAS) and, when installed, PyTorch:
for each shape a warm-up, then the best of several timed runs, each repeating the product
for at least 0.2 s (as `recurrent bench gemm` does). Run both in the same session, with
nothing else busy, to compare them side by side.
"""
import argparse
import json
import os
import sys
import time

DEFAULT_SHAPES = ["32x1024x2048", "2048x512x2048", "512x512x512", "1024x1024x1024", "1x512x2048"]


def parse_shape(text):
    parts = text.lower().split("x")
    if len(parts) != 3 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise argparse.ArgumentTypeError(f"expected MxKxN, got {text!r}")
    return tuple(int(p) for p in parts)


def best_seconds(run, runs):
    """Warm up, size repetitions to ~0.2 s, return the best per-call time of `runs` runs."""
    start = time.perf_counter()
    run()
    single = max(time.perf_counter() - start, 1e-7)
    repetitions = max(1, int(0.2 / single))
    for _ in range(repetitions):
        run()
    best = float("inf")
    for _ in range(runs):
        begin = time.perf_counter()
        for _ in range(repetitions):
            run()
        best = min(best, (time.perf_counter() - begin) / repetitions)
    return best


def gemm(args):
    import numpy as np

    results = {}
    libraries = [("numpy", None)]
    try:
        import torch

        torch.set_num_threads(args.threads)
        libraries.append(("torch", torch))
    except ImportError:
        print("# PyTorch is not installed; numpy only", file=sys.stderr)
    for name, torch in libraries:
        rows = []
        for m, k, n in args.shape or [parse_shape(s) for s in DEFAULT_SHAPES]:
            rng = np.random.default_rng(1)
            a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
            b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
            if torch is None:
                c = np.empty((m, n), dtype=np.float32)
                run = lambda: np.matmul(a, b, out=c)
            else:
                ta, tb = torch.from_numpy(a), torch.from_numpy(b)
                tc = torch.empty((m, n), dtype=torch.float32)
                run = lambda: torch.matmul(ta, tb, out=tc)
            gflops = 2.0 * m * k * n / best_seconds(run, args.runs) / 1e9
            rows.append({"m": m, "k": k, "n": n, "gflops": round(gflops, 1)})
            if not args.json:
                print(f"gemm {m}x{k}x{n} {gflops:.1f} GFLOP/s ({name})")
        results[name] = rows
    if args.json:
        print(json.dumps({"threads": args.threads, "results": results}, sort_keys=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gemm", help="matrix multiply GFLOP/s")
    g.add_argument("--shape", type=parse_shape, nargs="+", help="shapes MxKxN")
    g.add_argument("--runs", type=int, default=7)
    g.add_argument("--threads", type=int, default=os.cpu_count())
    g.add_argument("--json", action="store_true")
    args = parser.parse_args()
    # OpenBLAS reads its thread count from the environment when numpy is imported.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    {"gemm": gemm}[args.command](args)


if __name__ == "__main__":
    main()
