#!/usr/bin/python3
"""Threadbook's benchmark: the kernel driven by a real Jupyter client (jupyter_client), next to ipykernel.

Run it through kernel/bench/run.sh, which builds and installs the kernel first. By hand:

    JUPYTER_PATH=... /usr/bin/python3 kernel/bench/benchmark.py --kernel threadbook-bench [--quick]

It prints figures and never fails on a time: a measurement that does not finish prints "timeout" in its
row. What it measures, for Threadbook and (if the "python3" kernelspec exists) ipykernel, in one run:

  1. cold start: KernelManager.start_kernel() -> first kernel_info_reply (median of fresh starts)
  2. first cell: start_kernel() -> the result of the first `1 + 1` (same starts), sent as soon as the
     kernel_info_reply came and iopub is connected (kernel_info_requests until one's status arrives,
     as Jupyter's server does)
  3. trivial cell: `1 + 1`, execute_request -> status idle on iopub and the execute_reply (median, p95)
  4. 10,000 printed lines: request -> idle, iopub stream messages, whether every line arrived (after
     one warm-up cell that prints 1,000 lines)
  5. 100,000 printed lines: the same, or whether an "output truncated" note came instead
  6. completion: complete_request for `Syst` (Java) / `pri` (Python)
  7. interrupt: interrupt_request on the control channel -> execute_reply of the interrupted cell, for
     cells that stop in different ways; then a check that the kernel still answers `1 + 1`.
  8. issue 12's rows: the trivial cell `int x = 1;` / `x = 1`; per fresh start, the CPU the kernel's processes
     burn while the second cell sleeps 2 s, the RSS of the kernel JVM and the agent JVM after the first cell, and
     the first and the second 10,000-line print of the session; the RSS again after 500 cells (150 with --quick)
  9. the notebooks' examples T1, P1, P1 with pre-started workers (P1'), P2, A3 and R1 (their own cells, read
     from notebooks/) in a fresh kernel, the time each prints against its critical path (2 s, 1 s, 1 s, ~0 s,
     3 s, 10 s); ipykernel runs the Python
     originals of T1, P1, P2 and A3
 10. worker JVMs: start to ready, cold and pre-started (when the build has pre-started workers), one at a
     time (median and p95 of 20, 5 with --quick) and 4 at once; T1 and a CPU loop with the debugger attached
     and not (when the kernel says it has a debugger)

Exit status: 0 when the run completed (whatever the figures), 2 on bad arguments or when the kernel to
measure is not installed.
"""

import argparse
import datetime
import os
import platform
import shutil
import sys
import tempfile

# ipykernel's debugger (debugpy) warns about frozen modules on every import; that says nothing here.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

from jupyter_client import __version__ as JUPYTER_CLIENT_VERSION  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel  # noqa: E402

from bench_cells import JAVA_INTERRUPTS, PYTHON_INTERRUPTS  # noqa: E402
from bench_driver import now  # noqa: E402
from bench_examples import measure_examples  # noqa: E402
from bench_measure import measure_kernel  # noqa: E402
from bench_processes import sweep  # noqa: E402
from bench_report import (build_rows, log_findings, print_examples, print_interrupt_details,  # noqa: E402
                          print_table, print_workers)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kernel", default="threadbook-bench", help="kernelspec of Threadbook (default %(default)s)")
    ap.add_argument("--python-kernel", default="python3",
                    help="kernelspec of ipykernel to compare with (default %(default)s); 'none' to skip")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions: a run under a minute")
    ap.add_argument("--prestart", default=None,
                    help="the cell that asks for N pre-started workers, with {n} for N (default: found in %%help workers)")
    ap.add_argument("--keep-logs", action="store_true", help="keep the kernels' logs (their folder is printed)")
    args = ap.parse_args()
    if args.quick:
        args.starts, args.warmup, args.cells, args.interrupts = 1, 10, 50, 1
        args.complete_warmup, args.completions = 1, 5
        args.rss_cells, args.worker_starts, args.together = 150, 5, 2
        args.long_cells = 0
    else:
        args.starts, args.warmup, args.cells, args.interrupts = 5, 20, 200, 3
        args.complete_warmup, args.completions = 3, 20
        args.rss_cells, args.worker_starts, args.together = 500, 20, 5
        args.long_cells = 2000

    ksm = KernelSpecManager()
    try:
        spec = ksm.get_kernel_spec(args.kernel)
    except NoSuchKernel:
        print(f"benchmark.py: no kernelspec '{args.kernel}' (JUPYTER_PATH={os.environ.get('JUPYTER_PATH', '')})."
              " Run kernel/bench/run.sh, which installs it.", file=sys.stderr)
        return 2
    py_spec = None
    if args.python_kernel != "none":
        try:
            py_spec = ksm.get_kernel_spec(args.python_kernel)
        except NoSuchKernel:
            py_spec = None

    log_dir = tempfile.mkdtemp(prefix="threadbook-bench-logs.")
    notes, pgids, pids = [], set(), set()
    started = now()
    date = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z")
    tb = py = tb_examples = py_examples = None
    try:
        print(f"Measuring ({'quick' if args.quick else 'full'} run)...", file=sys.stderr, flush=True)
        tb = measure_kernel(args.kernel, "Threadbook", "java", args, log_dir, notes, pgids, pids)
        tb_examples = measure_examples(args.kernel, "Threadbook", "java", args, log_dir, notes, pgids, pids)
        if py_spec is not None:
            py = measure_kernel(args.python_kernel, "ipykernel", "python", args, log_dir, notes, pgids, pids)
            py_examples = measure_examples(args.python_kernel, "ipykernel", "python", args, log_dir, notes, pgids, pids)
    except KeyboardInterrupt:
        print("interrupted; shutting the kernels down", file=sys.stderr)
        raise
    finally:
        leftovers = sweep(pgids, pids, notes)
    elapsed = now() - started

    # --- print ---
    tb_info = (tb or {}).get("info") or {}
    py_info = (py or {}).get("info") or {}
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    print()
    print(f"Threadbook benchmark ({'quick' if args.quick else 'full'} run), {date}")
    print(f"  machine:    {os.cpu_count()} cores ({affinity} usable), {platform.machine()}, "
          f"{platform.system()} {platform.release()}")
    java = tb_info.get("language_info", {}).get("version", "?")
    print(f"  Threadbook: {tb_info.get('implementation_version', '?')} on Java {java} "
          f"(kernelspec '{args.kernel}': {spec.argv[0]})")
    if py_spec is not None:
        try:
            import ipykernel
            ipk = f"ipykernel {ipykernel.__version__}, "
        except ImportError:
            ipk = ""
        print(f"  ipykernel:  {ipk}{py_info.get('implementation', '?')} {py_info.get('implementation_version', '?')} on Python "
              f"{py_info.get('language_info', {}).get('version', '?')} (kernelspec '{args.python_kernel}')")
    else:
        print(f"  ipykernel:  not measured (no kernelspec '{args.python_kernel}')")
    print(f"  client:     jupyter_client {JUPYTER_CLIENT_VERSION} BlockingKernelClient, Python "
          f"{platform.python_version()}; times by time.perf_counter")
    print(f"  repetitions: {args.starts} start(s), {args.cells} trivial cells of each kind after {args.warmup} warm-up, "
          f"{args.completions} completions after {args.complete_warmup}, {args.interrupts} interrupt(s) per kind;\n"
          "               per start: the 10,000-line print twice; in the session: printing measured once each,"
          " after one warm-up cell that prints 1,000 lines;\n"
          f"               RSS after {args.rss_cells} cells;"
          f"{f' {args.cells} `1 + 1` cells after {args.long_cells};' if args.long_cells else ''}"
          f" {args.worker_starts} worker starts one at a time,"
          f" {args.together} of 4 at once; each example once{' (R1 in the full run only)' if args.quick else ''}")
    try:
        load = os.getloadavg()
        print(f"  load:       {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (1, 5, 15 min) when the run ended: figures from a"
              " busy machine are not the kernel's")
    except OSError:
        pass
    print()
    rows = build_rows(tb, py)
    print_table(rows, ("measurement", "Threadbook", "ipykernel", "ratio TB/ipy"))
    print_interrupt_details(tb.get("interrupts") or {}, [(k, l) for k, l, _ in JAVA_INTERRUPTS], "Threadbook")
    print_workers(tb.get("workers"))
    print_examples(tb_examples, py_examples, args.quick)
    if py is not None:
        print_interrupt_details(py.get("interrupts") or {}, [(k, l) for k, l, _ in PYTHON_INTERRUPTS], "ipykernel")

    print(f"\nKernel processes left after the run: {leftovers}")
    findings = log_findings(log_dir, args.kernel)
    if findings:
        print("Threadbook kernel log, lines that report a problem (count x line):")
        for line, count in findings.items():
            print(f"  {count:3d} x {line[:160]}")
    else:
        print("Threadbook kernel log: no warnings or errors")
    if notes:
        print("Seen by the client:")
        for n in notes:
            print(f"  - {n}")
    else:
        print("Seen by the client: nothing out of order")
    print(f"\nWhole run: {elapsed:.0f} s")
    if args.keep_logs:
        print(f"Kernel logs: {log_dir}")
    else:
        shutil.rmtree(log_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
