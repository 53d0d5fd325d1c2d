"""The report: statistics, the tables, and what the kernel logs said."""

import math
import os
import statistics

from bench_cells import EXAMPLES, JAVA_INTERRUPTS, NO_PRESTART, PYTHON_EXAMPLES, PYTHON_LABELS, SLEEP_SECONDS

def median(values):
    return statistics.median(values) if values else None


def p95(values):
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def fmt_ms(seconds, note=None):
    """A time in ms, or the reason there is none."""
    if seconds is None:
        return note or "timeout"
    v = seconds * 1000.0
    text = f"{v:,.0f} ms" if v >= 100 else f"{v:.1f} ms" if v >= 10 else f"{v:.2f} ms"
    return text


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return ""
    return f"{a / b:.1f}x" if a / b >= 10 else f"{a / b:.2f}x"


def build_rows(tb, py):
    rows = []
    has_py = py is not None

    def row(label, a, b=None, ra=None, rb=None):
        rows.append((label, a, (b if has_py else "-") if b is not None else ("-" if a else ""),
                     ratio(ra, rb) if has_py else ""))

    def pyget(key):
        return py.get(key) if has_py else None

    n_starts = len(tb["cold"])
    row(f"cold start: start_kernel -> kernel_info_reply (median of {n_starts})",
        fmt_ms(median(tb["cold"])), fmt_ms(median(pyget("cold") or [])),
        median(tb["cold"]), median(pyget("cold") or []))
    row(f"first cell: start_kernel -> result of `1 + 1` (median of {len(tb['first'])})",
        fmt_ms(median(tb["first"])), fmt_ms(median(pyget("first") or [])),
        median(tb["first"]), median(pyget("first") or []))

    t, p = tb.get("trivial"), pyget("trivial")
    n = len(t) if t else 0
    row(f"trivial cell `1 + 1` -> idle + reply, median (n={n})", fmt_ms(median(t or [])),
        fmt_ms(median(p or [])), median(t or []), median(p or []))
    row(f"trivial cell `1 + 1` -> idle + reply, p95", fmt_ms(p95(t or [])), fmt_ms(p95(p or [])),
        p95(t or []), p95(p or []))

    a, b = tb.get("statement"), pyget("statement")
    n = len(a) if a else 0
    row(f"trivial cell `int x = 1;` / `x = 1` -> idle + reply, median (n={n})", fmt_ms(median(a or [])),
        fmt_ms(median(b or [])), median(a or []), median(b or []))
    row("trivial cell `int x = 1;` / `x = 1` -> idle + reply, p95", fmt_ms(p95(a or [])), fmt_ms(p95(b or [])),
        p95(a or []), p95(b or []))

    a, b = tb.get("trivial after cells"), pyget("trivial after cells")
    if a:
        t, p = a["times"], (b or {}).get("times") or []
        row(f"trivial cell `1 + 1` after {a['cells']:,} cells in the session, median / p95 (n={len(t)})",
            f"{fmt_ms(median(t))} / {fmt_ms(p95(t))}", f"{fmt_ms(median(p), 'not measured')} / {fmt_ms(p95(p), '-')}",
            median(t), median(p))

    for key, when in (("print_first", "first print of a fresh session"), ("print_second", "the same print again")):
        a = [x["time"] for x in tb.get(key) or []]
        b = [x["time"] for x in (pyget(key) or [])]
        row(f"10,000 printed lines, {when} (median of {len(a)})", fmt_ms(median(a)), fmt_ms(median(b)),
            median(a), median(b))
    bad = [x["check"] for x in (tb.get("print_first") or []) + (tb.get("print_second") or []) if not x["check"].startswith("yes")]
    if bad:
        row("10,000 printed lines in fresh sessions: all lines arrived?", "; ".join(sorted(set(bad))), "")

    def cores(values):
        return f"{median(values):.2f} cores" if values else "not measured"
    a, b = tb.get("cpu_cores") or [], pyget("cpu_cores") or []
    row(f"CPU of the kernel's processes while cell 2 sleeps {SLEEP_SECONDS:.0f} s (median of {len(a)})", cores(a),
        cores(b), median(a), median(b))

    def mb(rss, split):
        if not rss:
            return "not measured"
        own, below, total = rss
        if split and below is not None:
            return f"{total:.0f} MB ({own:.0f} + {below:.0f})"
        return f"{total:.0f} MB"
    starts_a, starts_b = tb.get("rss_start") or [], pyget("rss_start") or []
    mid = lambda xs: sorted(xs, key=lambda x: x[2])[len(xs) // 2] if xs else None
    row("RSS, kernel JVM + agent JVM, after the first cell", mb(mid(starts_a), True), mb(mid(starts_b), False),
        mid(starts_a) and mid(starts_a)[2], mid(starts_b) and mid(starts_b)[2])
    a, b = tb.get("rss after cells"), pyget("rss after cells")
    row(f"RSS, kernel JVM + agent JVM, after {a['cells'] if a else '?'} cells", mb(a and a["rss"], True),
        mb(b and b["rss"], False), a and a["rss"] and a["rss"][2], b and b["rss"] and b["rss"][2])

    for key, n in (("print10k", "10,000"), ("print100k", "100,000")):
        a, b = tb.get(key), pyget(key)
        row(f"{n} printed lines, after a 1,000-line print: request -> idle", fmt_ms(a and a["time"]), fmt_ms(b and b["time"]),
            a and a["time"], b and b["time"])
        row(f"{n} printed lines: iopub stream messages", str(a["messages"]) if a else "timeout",
            str(b["messages"]) if b else "timeout")
        row(f"{n} printed lines: all lines arrived?", a["check"] if a else "timeout",
            b["check"] if b else "timeout")

    a, b = tb.get("complete"), pyget("complete")
    ncomp = len(a[0]) if a else 0
    row(f"completion `Syst` / `pri`, median (n={ncomp})", fmt_ms(a and median(a[0])),
        fmt_ms(b and median(b[0])), a and median(a[0]), b and median(b[0]))
    row("completion: expected match offered (System / print)",
        (f"yes ({a[2]} {'match' if a[2] == 1 else 'matches'})" if a[1] else f"NO ({a[2]} matches)") if a else "timeout",
        (f"yes ({b[2]} {'match' if b[2] == 1 else 'matches'})" if b[1] else f"NO ({b[2]} matches)") if b else "timeout")

    ti, pi = tb.get("interrupts") or {}, (pyget("interrupts") or {})

    def interrupt_median(runs):
        """(median or None, text)."""
        if not runs:
            return None, "timeout"
        times = [r["time"] for r in runs if r["time"] is not None]
        ended = sum(1 for r in runs if (r["status"] or "").startswith("ended before"))
        if ended:
            return None, f"cell ended by itself ({ended} of {len(runs)})"
        if len(times) < len(runs):
            return None, f"timeout ({len(runs) - len(times)} of {len(runs)})"
        return median(times), fmt_ms(median(times))

    for key, label, _ in JAVA_INTERRUPTS:
        a_val, a_txt = interrupt_median(ti.get(key))
        n = len(ti.get(key) or [])
        if key in PYTHON_LABELS:
            b_val, b_txt = interrupt_median(pi.get(key))
            label = f"{label} / {PYTHON_LABELS[key]}"
            rows.append((f"interrupt -> reply: {label} (median of {n})", a_txt,
                         b_txt if has_py else "-", ratio(a_val, b_val) if has_py else ""))
        else:
            rows.append((f"interrupt -> reply: {label} (median of {n})", a_txt,
                         "(not measured)" if has_py else "-", ""))
    return rows


def print_table(rows, headers):
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    print(line)
    print("| " + " | ".join(str(h).ljust(w) for h, w in zip(headers, widths)) + " |")
    print(line)
    for r in rows:
        cells = [str(r[0]).ljust(widths[0])] + [str(c).rjust(w) for c, w in zip(r[1:], widths[1:])]
        print("| " + " | ".join(cells) + " |")
    print(line)


def print_interrupt_details(results, labels, kernel_label):
    print(f"\nInterrupts, {kernel_label}: each row is one interrupted cell"
          " (interrupt_request on control -> execute_reply of the cell; then `1 + 1`)")
    rows = []
    for key, label in labels:
        for i, r in enumerate(results.get(key) or [], start=1):
            reply = r["status"] or "?"
            if r["ename"]:
                reply += f" {r['ename']}"
            ev = (r["evalue"] or "").replace("\n", " ")
            if len(ev) > 70:
                ev = ev[:67] + "..."
            after = r["after"] or "?"
            if r["after_time"] is not None and r["after"].endswith("yes"):
                after += f" ({fmt_ms(r['after_time'])})"
            rows.append((label if i == 1 else "", fmt_ms(r["time"]), reply, ev, after))
    if rows:
        print_table(rows, ("cell", "to reply", "reply status", "evalue", "`1 + 1` after"))
        long_values = []
        for runs in results.values():
            for r in runs:
                ev = r["evalue"] or ""
                if len(ev.replace("\n", " ")) > 70 and (r["ename"], ev) not in long_values:
                    long_values.append((r["ename"], ev))
        for ename, ev in long_values:
            print(f"  {ename}: {ev}")
    else:
        print("  (not measured)")


def print_workers(w):
    if not w:
        print("\nWorker processes: not measured (timeout or error)")
        return
    print("\nWorker processes, Threadbook: `new WorkerPool(n)` to `awaitReady()` (System.nanoTime in the Java process)")
    rows = []

    def start_row(label, values):
        if not values:
            return (label, "-", "-", "timeout")
        return (label, fmt_ms(median(values)), fmt_ms(p95(values)), str(len(values)))

    rows.append(start_row("cold: one worker", w.get("cold1")))
    rows.append(start_row("cold: 4 at once", w.get("cold4")))
    if w.get("prestart") and not w["prestart"].startswith("n/a"):
        rows.append(start_row(f"pre-started: one worker ({w['prestart']})", w.get("warm1")))
        rows.append(start_row("pre-started: 4 at once", w.get("warm4")))
    else:
        reason = w.get("prestart") or NO_PRESTART
        rows.append(("pre-started: one worker", reason, "", ""))
        rows.append(("pre-started: 4 at once", reason, "", ""))
    m = median(w.get("map1000", []))
    rows.append(("map of 1,000 trivial tasks on 4 warm workers", fmt_ms(m), "", "1" if m else "timeout"))
    print_table(rows, ("worker start", "median", "p95", "n"))


def print_examples(tb, py, quick):
    print("\nThe notebooks' examples against their critical paths (the time each cell prints; the cell's round"
          " trip in brackets)")
    rows = []
    for name, what, path, _nb, _setup, _cell, _pattern, _after in EXAMPLES:
        def show(r, python=False):
            if python and name not in PYTHON_EXAMPLES:
                return "-"
            if quick and name == "R1":
                return "full run only"
            if r is None or name not in r:
                return "not measured"
            printed, round_trip = r[name]
            return f"{printed:.2f} s ({round_trip:.2f} s)" if printed is not None else f"no time ({round_trip:.2f} s)"
        over = ""
        t = (tb or {}).get(name)
        if t and t[0] is not None:
            over = f"+{t[0] - path:.2f} s" if path else f"{t[0]:.2f} s"
        rows.append((f"{name}: {what}", f"{path:.0f} s" if path else "~0 s", show(tb), over,
                     show(py, True) if py is not None else "-"))
    print_table(rows, ("example", "critical path", "Threadbook", "over the path", "ipykernel"))
    dbg = (tb or {}).get("debugger")
    print("\nDebugger attached vs not (Threadbook; T1 and a loop of 400 million additions, the times the cells print)")
    if dbg is None:
        print("  n/a (the kernel_info_reply says debugger: false; no debugger in this build)")
    elif isinstance(dbg, str):
        print(f"  {dbg}")
    else:
        for key, what in (("T1", "T1 (2 threads, 2 s)"), ("loop", "CPU loop")):
            off, on = dbg.get((key, "off")), dbg.get((key, "on"))
            f = lambda v: f"{v:.2f} s" if v is not None else "no time"
            print(f"  {what}: off {f(off)}, on {f(on)}" + (f" ({on / off:.2f}x)" if on and off else ""))


def log_findings(log_dir, kernel_name):
    """Lines of the Threadbook kernel logs that report a problem, with how often each came."""
    counts = {}
    for name in sorted(os.listdir(log_dir)):
        if not name.startswith(kernel_name):
            continue
        with open(os.path.join(log_dir, name), errors="replace") as f:
            for line in f:
                line = line.strip()
                if line.startswith("at ") or not any(
                        w in line for w in ("SEVERE", "WARNING", "Exception", "Error", "error:")):
                    continue
                counts[line] = counts.get(line, 0) + 1
    return counts
