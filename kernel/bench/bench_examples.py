"""Worker JVM starts, the notebooks' examples against their critical paths, and the debugger's cost."""

import re
import sys
import traceback

from bench_cells import (CPU_LOOP, ELAPSED, EXAMPLES, MAP_CELL, PRESTART_WORDS, PYTHON_EXAMPLES, TRIVIAL,
                         WORKER_STARTS_CELL, notebook_cells)
from bench_driver import Driver, Timeout

def bench_lines(run):
    """{name: [seconds, ...]} from the "BENCH name seconds" lines a cell printed."""
    text = "".join(m["content"].get("text", "") for _, m in run["msgs"] if m["header"]["msg_type"] == "stream")
    figures = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "BENCH":
            figures.setdefault(parts[1], []).append(float(parts[2]))
    return figures


def stdout_of(run):
    return "".join(m["content"].get("text", "") for _, m in run["msgs"]
                   if m["header"]["msg_type"] == "stream" and m["content"].get("name") == "stdout")


def find_prestart(d, override):
    """The cell (with {n} for the number) that asks for pre-started workers, or None if the build has none."""
    if override:
        return override
    run = d.execute("%help workers")
    usage = stdout_of(run)
    for word in PRESTART_WORDS:
        for line in usage.splitlines():
            if re.search(r"%workers\s+" + re.escape(word) + r"\b", line):
                return "%workers " + word + " {n}"
    return None


def measure_workers(d, args):
    """Worker JVM start to ready (System.nanoTime in the Java process): cold, then pre-started if the build
    has it; one at a time and `together` at once; and a map of 1,000 tasks on 4 warm workers."""
    w = {"prestart": None}
    ok = d.execute(WORKER_STARTS_CELL, timeout=120)["reply"]["content"].get("status") == "ok"
    if not ok:
        d.note("the worker-start helper did not compile")
        return w
    prestart = find_prestart(d, args.prestart)
    if prestart:
        # Cold means no spare: ask for none, if the build lets one.
        d.execute(prestart.format(n=0))
    reps, together = args.worker_starts, args.together
    w.update(bench_lines(d.execute(f'benchStarts("cold1", {reps}, 1, 0); benchStarts("cold4", {together}, 4, 0);',
                                   timeout=600)))
    w.update(bench_lines(d.execute(MAP_CELL, timeout=120)))
    if prestart:
        run = d.execute(prestart.format(n=4))
        status = run["reply"]["content"].get("status")
        if status != "ok":
            w["prestart"] = f"n/a (`{prestart.format(n=4)}` answered {status})"
        else:
            w["prestart"] = prestart.format(n=4)
            # Between starts, a pause for the spares to be replaced (a JVM start on a busy machine).
            w.update(bench_lines(d.execute(f'benchStarts("warm1", {reps}, 1, 2000); benchStarts("warm4", {together}, 4, 3000);',
                                           timeout=900)))
            d.execute(prestart.format(n=0))
    return w


def timed_example(d, code, pattern, timeout=300):
    """(seconds the cell printed, seconds from execute_request to idle) for one cell; None where missing."""
    run = d.execute(code, timeout=timeout)
    out = stdout_of(run)
    found = re.findall(pattern, out)
    status = run["reply"]["content"].get("status")
    if status != "ok" or not found:
        d.note(f"an example cell gave status {status} and no time ({out.strip()[-200:]!r})")
        return None, max(run["t_idle"], run["t_reply"]) - run["t0"]
    return float(found[-1]), max(run["t_idle"], run["t_reply"]) - run["t0"]


def debug_request(d, command, arguments):
    """A Debug Adapter Protocol request in a debug_request on control, as JupyterLab sends it; its body."""
    d.seq = getattr(d, "seq", 0) + 1
    content = {"type": "request", "seq": d.seq, "command": command, "arguments": arguments}
    msg = d.kc.session.msg("debug_request", content)
    d.kc.control_channel.send(msg)
    reply, _ = d.wait_reply("control", msg["header"]["msg_id"], 30.0)
    c = reply["content"]
    if not c.get("success", False):
        raise RuntimeError(f"debug_request {command} failed: {c.get('message')}")
    return c.get("body", {})


def measure_debugger(d):
    """T1 and a CPU loop with the debugger off, then attached (DAP initialize, attach, configurationDone, as
    JupyterLab does), then detached again. None if the kernel has no debugger."""
    if not (d.kernel_info or {}).get("debugger"):
        return None
    cells = notebook_cells("01-threads")
    d.execute(cells["nb01-02"])
    r = {}
    for state in ("off", "on"):
        if state == "on":
            debug_request(d, "initialize", {"clientID": "threadbook-bench", "adapterID": "threadbook",
                                            "pathFormat": "path", "linesStartAt1": True, "columnsStartAt1": True})
            debug_request(d, "attach", {})
            debug_request(d, "configurationDone", {})
        r[("T1", state)] = timed_example(d, cells["nb01-04"], ELAPSED)[0]
        r[("loop", state)] = timed_example(d, CPU_LOOP, ELAPSED)[0]
    try:
        debug_request(d, "disconnect", {"restart": False, "terminateDebuggee": False})
    except Exception as e:
        d.note(f"debugger: disconnect failed: {e}")
    return r


def measure_examples(kernel_name, label, language, args, log_dir, notes, pgids, pids):
    """The examples in a fresh kernel of their own (Threadbook: the notebooks' cells), then the debugger rows."""
    r = {}
    d = Driver(kernel_name, label, log_dir, notes, pgids, pids)
    try:
        d.start()
        d.execute(TRIVIAL)
        for name, _what, _path, notebook, setup, cell, pattern, after in EXAMPLES:
            if args.quick and name == "R1":
                continue
            print(f"  {label}: example {name}...", file=sys.stderr, flush=True)
            try:
                if language == "java":
                    cells = notebook_cells(notebook)
                    missing = [c for c in setup + [cell] + after if c not in cells]
                    if missing:
                        d.note(f"{name}: notebooks/{notebook}.ipynb has no cell {missing}")
                        continue
                    for c in setup:
                        d.execute(cells[c], timeout=120)
                    r[name] = timed_example(d, cells[cell], pattern)
                    for c in after:
                        d.execute(cells[c], timeout=60)
                elif name in PYTHON_EXAMPLES:
                    r[name] = timed_example(d, PYTHON_EXAMPLES[name], r"BENCH t (\d+\.\d+)")
            except Timeout:
                d.note(f"example {name} timed out")
                d.restart(f"example {name} timed out")
        if language == "java":
            print(f"  {label}: debugger on/off...", file=sys.stderr, flush=True)
            try:
                r["debugger"] = measure_debugger(d)
            except Exception as e:
                d.note(f"debugger rows: {e!r}")
                r["debugger"] = f"failed: {e}"
    except Timeout:
        d.note("examples: the kernel did not start")
    except Exception as e:
        d.note(f"examples failed: {e!r}")
        traceback.print_exc(file=sys.stderr)
    finally:
        d.shutdown()
    return r
