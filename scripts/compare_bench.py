#!/usr/bin/env python3
"""Runs a `recurrent bench ...` command and its PyTorch/numpy counterpart alternately, several
times, and prints the median of each and their ratio: this machine's timings vary by 10-20 %
from run to run, so one run of each says little. The two take turns going first, and the
median of the ratios within each pair is printed too: the load other tenants put on a shared
machine changes over minutes, and a pair run back to back sees about the same load.

    python3 scripts/compare_bench.py --runs 5 train --cell lstm --layers 2 --hidden 512 --batch 32 --seq 64
    python3 scripts/compare_bench.py --runs 5 generate --hidden 256
    python3 scripts/compare_bench.py --runs 5 infer --hidden 256
    python3 scripts/compare_bench.py --runs 3 gemm
    python3 scripts/compare_bench.py --runs 5 sequence-classifier

Build first: swift build -c release. Nothing else should be running.
"""
import json
import pathlib
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build" / "release" / "recurrent"
REFERENCE = ROOT / "scripts" / "bench_reference.py"


def run_json(command):
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    arguments = sys.argv[1:]
    if not arguments or arguments[0] in ("-h", "--help"):
        print(__doc__.strip())
        return
    runs = 5
    if arguments[:1] == ["--runs"]:
        runs, arguments = int(arguments[1]), arguments[2:]
    kind, rest = arguments[0], arguments[1:]
    ours_command = [str(BINARY), "bench", kind, *rest, "--json"]
    theirs_command = [sys.executable, str(REFERENCE), kind, *rest, "--json"]
    def pairs():
        """(our result, their result) `runs` times, each pair run back to back, first one then the other first."""
        for index in range(runs):
            if index % 2 == 0:
                yield run_json(ours_command), run_json(theirs_command)
            else:
                theirs_result = run_json(theirs_command)
                yield run_json(ours_command), theirs_result

    if kind == "gemm":
        ours, theirs = {}, {}
        for ours_result, theirs_result in pairs():
            for row in ours_result["results"]:
                ours.setdefault(f'{row["m"]}x{row["k"]}x{row["n"]}', []).append(row["gflops"])
            for row in theirs_result["results"]["numpy"]:
                theirs.setdefault(f'{row["m"]}x{row["k"]}x{row["n"]}', []).append(row["gflops"])
        for shape in ours:
            a, b = statistics.median(ours[shape]), statistics.median(theirs[shape])
            paired = statistics.median(x / y for x, y in zip(ours[shape], theirs[shape]))
            print(f"gemm {shape}: recurrent {a:.1f} GFLOP/s, numpy {b:.1f} GFLOP/s, ratio {a / b:.2f} "
                  f"(medians of {runs}; median of the paired ratios {paired:.2f})")
        return
    if kind == "sequence-classifier":
        results = list(pairs())
        for key, higher in [("examples_per_second", True), ("inference_ms", False)]:
            ours, theirs = [r[0][key] for r in results], [r[1][key] for r in results]
            speed = (lambda x, y: x / y) if higher else (lambda x, y: y / x)
            a, b = statistics.median(ours), statistics.median(theirs)
            paired = statistics.median(speed(x, y) for x, y in zip(ours, theirs))
            print(f"{kind} {key}: recurrent {a:.3f}, pytorch {b:.3f}, speed ratio {speed(a, b):.2f} (medians of {runs}; "
                  f"median of the paired ratios {paired:.2f}; all runs: recurrent {ours}, pytorch {theirs})")
        return
    key = "tokens_per_second" if kind == "train" else "ms"
    ours, theirs, memory_ours, memory_theirs = [], [], [], []
    for ours_result, theirs_result in pairs():
        ours.append(ours_result[key])
        memory_ours.append(ours_result.get("peak_memory_mb", 0))
        theirs.append(theirs_result[key])
        memory_theirs.append(theirs_result.get("peak_memory_mb", 0))
    a, b = statistics.median(ours), statistics.median(theirs)
    speed = (lambda x, y: x / y) if kind == "train" else (lambda x, y: y / x)
    paired = statistics.median(speed(x, y) for x, y in zip(ours, theirs))
    unit = "tokens/s" if kind == "train" else "ms"
    print(f"{kind} {' '.join(rest)}: recurrent {a:.1f} {unit}, pytorch {b:.1f} {unit}, speed ratio {speed(a, b):.2f} "
          f"(medians of {runs}; median of the paired ratios {paired:.2f}; all runs: recurrent {ours}, pytorch {theirs})")
    if kind == "train":
        print(f"peak memory: recurrent {max(memory_ours):.0f} MB, pytorch {max(memory_theirs):.0f} MB")


if __name__ == "__main__":
    main()
