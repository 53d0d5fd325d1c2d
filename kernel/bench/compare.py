#!/usr/bin/env python3
"""Two or more builds side by side: fresh sessions of each kernelspec, alternating, on the same machine.

    /usr/bin/python3 kernel/bench/compare.py KERNEL_A KERNEL_B [--rounds 6]

Install each build as its own kernelspec first (install/install.sh --no-build --name NAME --java ...). One
benchmark run per build is not enough on a shared machine: the same build's trivial cell varied by a factor
of two between runs of one day, while sessions that alternate see the same load. Per session it measures the
time from start_kernel to the result of the first `1 + 1`, then the median of 100 `1 + 1` cells, of 100
`int x = 1;` cells, and of the last 100 of 300 more `1 + 1` cells; it prints each session and the medians over
the rounds. Debian's Python, as run.sh uses (jupyter_client 7).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_driver import Driver  # noqa: E402

COLUMNS = ("first result", "`1 + 1` 1-100", "`int x = 1;` 101-200", "`1 + 1` 401-500")


def cell_ms(driver, code):
    run = driver.execute(code)
    return (max(run["t_idle"], run["t_reply"]) - run["t0"]) * 1e3


def session(kernel):
    d = Driver(kernel, kernel, tempfile.mkdtemp(prefix="threadbook-compare-"), [], set(), set())
    t0 = time.time()
    d.start()
    d.execute("1 + 1")
    first = (time.time() - t0) * 1e3
    try:
        early = [cell_ms(d, "1 + 1") for _ in range(100)]
        statement = [cell_ms(d, "int x = 1;") for _ in range(100)]
        late = [cell_ms(d, "1 + 1") for _ in range(300)][-100:]
    finally:
        d.shutdown()
    return first, statistics.median(early), statistics.median(statement), statistics.median(late)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kernels", nargs="+", help="kernelspec names, one per build")
    ap.add_argument("--rounds", type=int, default=6, help="fresh sessions per kernel (default %(default)s)")
    args = ap.parse_args()
    results = {k: [] for k in args.kernels}
    for r in range(args.rounds):
        for k in args.kernels:
            results[k].append(session(k))
            print(f"round {r + 1} {k}: " + ", ".join(f"{c} {v:.1f} ms" for c, v in zip(COLUMNS, results[k][-1])), flush=True)
    print(f"\nmedians over {args.rounds} sessions each (ms): " + " | ".join(COLUMNS))
    for k in args.kernels:
        print(f"  {k}: " + " | ".join(f"{statistics.median(col):.1f}" for col in zip(*results[k])))


if __name__ == "__main__":
    main()
