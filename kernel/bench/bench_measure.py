"""The measurements of one kernel: fresh starts, trivial cells, memory, printing, completion, interrupts."""

import sys
import traceback

from bench_cells import (COMPLETION, JAVA_INTERRUPTS, PRINT_CELL, PYTHON_INTERRUPTS, SLEEP_CELL, STATEMENT,
                         TRIVIAL)
from bench_driver import CELL_TIMEOUT, COMPLETE_TIMEOUT, INTERRUPT_TIMEOUT, Driver, Timeout, now
from bench_examples import measure_workers
from bench_processes import cpu_seconds, kernel_rss, process_tree

def measure_starts(kernel_name, label, language, starts, log_dir, notes, pgids, pids):
    """Over `starts` fresh kernels: cold start, first cell; then the RSS after that first cell, the CPU the
    kernel's processes burn while the second cell sleeps, and the session's first and second 10,000-line
    print. Returns a dict of lists, and a kernel_info_reply."""
    r = {"cold": [], "first": [], "rss_start": [], "cpu_cores": [], "print_first": [], "print_second": []}
    info = None
    for _ in range(starts):
        d = Driver(kernel_name, label, log_dir, notes, pgids, pids)
        try:
            try:
                t_info, t0 = d.start()
            except Timeout:
                d.note("no kernel_info_reply within the start timeout")
                continue
            r["cold"].append(t_info)
            info = d.kernel_info
            try:
                run = d.execute(TRIVIAL)
                if run["t_result"] is None:
                    d.note(f"first `1 + 1` gave no execute_result (reply {run['reply']['content'].get('status')})")
                else:
                    r["first"].append(run["t_result"] - t0)
            except Timeout:
                d.note("first `1 + 1` did not finish within the cell timeout")
                continue
            rss = kernel_rss(d)
            if rss:
                r["rss_start"].append(rss)
            tree = process_tree(d.pid())
            c0, w0 = cpu_seconds(tree), now()
            d.execute(SLEEP_CELL[language])
            r["cpu_cores"].append((cpu_seconds(tree) - c0) / (now() - w0))
            for key in ("print_first", "print_second"):
                r[key].append(measure_print(d, language, 10_000))
        except Timeout:
            d.note("a cell of the fresh-start measurements timed out")
        except Exception as e:
            d.note(f"start failed: {e!r}")
        finally:
            d.shutdown()
    return r, info


def measure_trivial(d, warmup, count):
    for _ in range(warmup):
        d.execute(TRIVIAL)
    times, wrong = [], 0
    for _ in range(count):
        run = d.execute(TRIVIAL)
        times.append(max(run["t_idle"], run["t_reply"]) - run["t0"])
        if d.result_text(run) != "2":
            wrong += 1
    if wrong:
        d.note(f"{wrong} of {count} `1 + 1` cells did not show 2")
    return times


def measure_statement(d, language, warmup, count):
    """Issue 12's trivial cell: a statement that shows nothing. Times execute_request -> idle + reply."""
    code = STATEMENT[language]
    for _ in range(warmup):
        d.execute(code)
    times, wrong = [], 0
    for _ in range(count):
        run = d.execute(code)
        times.append(max(run["t_idle"], run["t_reply"]) - run["t0"])
        if run["reply"]["content"].get("status") != "ok" or d.result_text(run) is not None:
            wrong += 1
    if wrong:
        d.note(f"{wrong} of {count} `{code}` cells failed or showed a value")
    return times


def measure_trivial_after(d, cells, count):
    """`1 + 1` in a long session: runs it until the session has run `cells` cells, then times `count` more."""
    while d.cells < cells:
        d.execute(TRIVIAL)
    return {"cells": d.cells, "times": measure_trivial(d, 0, count)}


def measure_rss_after(d, language, cells):
    """Runs `x = 1`-like cells until the session has run `cells` cells; then the RSS and that count."""
    code = STATEMENT[language]
    while d.cells < cells:
        d.execute(code)
    return {"cells": d.cells, "rss": kernel_rss(d)}


def measure_print(d, language, n):
    """Time to idle, stream messages, whether every line arrived, whether a truncation note came."""
    run = d.execute(PRINT_CELL[language].format(n=n))
    streams = [m for _, m in run["msgs"] if m["header"]["msg_type"] == "stream"]
    stdout = "".join(m["content"]["text"] for m in streams if m["content"]["name"] == "stdout")
    stderr = "".join(m["content"]["text"] for m in streams if m["content"]["name"] == "stderr")
    expected = "".join(f"{i}\n" for i in range(n))
    status = run["reply"]["content"]["status"]
    truncated = "output truncated" in stdout or "output truncated" in stderr
    lines = stdout.count("\n")
    if stdout == expected:
        check = f"yes, all {n:,} in order"
    elif truncated:
        check = f"no: 'output truncated' note after {lines:,} lines"
    else:
        got = stdout.splitlines()
        missing = n - len(set(got) & set(str(i) for i in range(n)))
        check = f"no: {len(got):,} lines, {missing:,} missing"
    if status != "ok":
        check += f" (reply status {status})"
    return {"time": max(run["t_idle"], run["t_reply"]) - run["t0"], "messages": len(streams),
            "check": check}


def measure_completion(d, language, warmup, count):
    code = COMPLETION[language]
    times, matches = [], None
    for i in range(warmup + count):
        t0 = now()
        msg_id = d.kc.complete(code, len(code))
        reply, t1 = d.wait_reply("shell", msg_id, COMPLETE_TIMEOUT)
        d.iopub_until_idle(msg_id, COMPLETE_TIMEOUT)
        if i >= warmup:
            times.append(t1 - t0)
        matches = reply["content"].get("matches", [])
    want = "System" if language == "java" else "print"
    return times, (want in matches or any(m.startswith(want) for m in matches)), len(matches or [])


def interrupt_once(d, code):
    """Starts the cell, waits 1 s, sends interrupt_request on control. Returns a dict of what happened."""
    out = {"time": None, "status": None, "ename": None, "evalue": None, "after": None, "after_time": None}
    msg_id = d.kc.execute(code)
    # Wait 1 s, but see a reply that comes before it (a cell that failed at once is not a measurement).
    try:
        reply, _ = d.wait_reply("shell", msg_id, 1.0)
        c = reply["content"]
        out.update(status=f"ended before the interrupt: {c.get('status')}", ename=c.get("ename"),
                   evalue=c.get("evalue"))
        d.note(f"cell ended before it was interrupted ({c.get('status')} {c.get('ename')}: {c.get('evalue')})")
        try:
            d.iopub_until_idle(msg_id, CELL_TIMEOUT)
        except Timeout:
            pass
        return out
    except Timeout:
        pass
    imsg = d.kc.session.msg("interrupt_request", {})
    t0 = now()
    d.kc.control_channel.send(imsg)
    try:
        reply, t1 = d.wait_reply("shell", msg_id, INTERRUPT_TIMEOUT)
        out["time"] = t1 - t0
        c = reply["content"]
        out.update(status=c.get("status"), ename=c.get("ename"), evalue=c.get("evalue"))
    except Timeout:
        out["status"] = "timeout"
        d.note(f"no execute_reply within {INTERRUPT_TIMEOUT:.0f} s of interrupt_request for: {code.splitlines()[0]}")
    try:
        d.wait_reply("control", imsg["header"]["msg_id"], 5.0)
    except Timeout:
        d.note("no interrupt_reply on the control channel within 5 s")
    if out["time"] is None:
        # Give it a while longer; if the cell still does not end, restart the kernel.
        try:
            d.wait_reply("shell", msg_id, 30.0)
            d.note(f"... the reply came later, within {INTERRUPT_TIMEOUT + 30:.0f} s")
        except Timeout:
            d.restart("a cell that did not end after interrupt_request")
            out["after"] = "kernel restarted by the benchmark"
            return out
    try:
        d.iopub_until_idle(msg_id, CELL_TIMEOUT)
    except Timeout:
        d.note("no status idle on iopub after the interrupted cell")
    ok, t, what = d.answers_trivial()
    out["after"] = "yes" if ok else f"NO ({what})"
    out["after_time"] = t
    if not ok and what.startswith("status aborted"):
        # A request sent right after a failed cell's reply and idle can still be aborted (ipykernel 6
        # does it too, rarely); say so, and ask once more.
        d.note("a `1 + 1` sent after the interrupted cell's execute_reply and status idle was answered"
               " 'aborted'; sent again, it ran")
        ok, t, what = d.answers_trivial()
        out["after"] = "aborted; again: " + ("yes" if ok else f"NO ({what})")
        out["after_time"] = t
    if not ok:
        d.note(f"after interrupting `{code.splitlines()[0]}`, `1 + 1` gave: {what}")
        if what == "timeout":
            d.restart("`1 + 1` timed out after an interrupt")
    return out


def measure_interrupts(d, kinds, reps):
    results = {}
    for key, _label, code in kinds:
        runs = []
        for _ in range(reps):
            try:
                runs.append(interrupt_once(d, code))
            except Timeout:
                runs.append({"time": None, "status": "timeout", "ename": None, "evalue": None,
                             "after": "?", "after_time": None})
        results[key] = runs
    return results


def measure_kernel(kernel_name, label, language, args, log_dir, notes, pgids, pids):
    """Everything for one kernel. Returns a dict of figures; a failed measurement is None ("timeout")."""
    r = {}
    print(f"  {label}: {args.starts} fresh start(s)...", file=sys.stderr, flush=True)
    starts, r["info"] = measure_starts(kernel_name, label, language, args.starts, log_dir, notes, pgids, pids)
    r.update(starts)

    d = Driver(kernel_name, label, log_dir, notes, pgids, pids)
    try:
        d.start()
        r["info"] = r["info"] or d.kernel_info
        d.execute(TRIVIAL)  # the session is up before anything is timed

        def step(name, fn):
            print(f"  {label}: {name}...", file=sys.stderr, flush=True)
            try:
                r[name] = fn()
            except Timeout:
                r[name] = None
                d.note(f"{name}: timed out")
                try:
                    d.restart(f"{name} timed out")
                except Exception:
                    pass
            except Exception as e:
                r[name] = None
                d.note(f"{name}: {e!r}")
                traceback.print_exc(file=sys.stderr)

        step("trivial", lambda: measure_trivial(d, args.warmup, args.cells))
        step("statement", lambda: measure_statement(d, language, args.warmup, args.cells))
        # Before the interrupts: the last of them restarts Threadbook's Java process, which would start the
        # agent JVM's memory afresh.
        step("rss after cells", lambda: measure_rss_after(d, language, args.rss_cells))
        if args.long_cells:
            step("trivial after cells", lambda: measure_trivial_after(d, args.long_cells, args.cells))
        # One cell that prints first, so the two rows below show steady printing, not first use.
        step("print warm-up", lambda: d.execute(PRINT_CELL[language].format(n=1_000)))
        step("print10k", lambda: measure_print(d, language, 10_000))
        step("print100k", lambda: measure_print(d, language, 100_000))
        step("complete", lambda: measure_completion(d, language, args.complete_warmup, args.completions))
        kinds = JAVA_INTERRUPTS if language == "java" else PYTHON_INTERRUPTS
        step("interrupts", lambda: measure_interrupts(d, kinds, args.interrupts))
        if language == "java":
            step("workers", lambda: measure_workers(d, args))
    except Timeout:
        d.note("did not start (no kernel_info_reply)")
    except Exception as e:
        d.note(f"failed: {e!r}")
        traceback.print_exc(file=sys.stderr)
    finally:
        d.shutdown()
    return r
