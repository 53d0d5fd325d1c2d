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
import math
import os
import platform
import queue
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
import traceback

# ipykernel's debugger (debugpy) warns about frozen modules on every import; that says nothing here.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

from jupyter_client import KernelManager, __version__ as JUPYTER_CLIENT_VERSION
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

now = time.perf_counter

CELL_TIMEOUT = 60.0        # seconds a cell may take before its row says "timeout"
INTERRUPT_TIMEOUT = 10.0   # seconds from interrupt_request to the interrupted cell's execute_reply
START_TIMEOUT = 60.0       # seconds from start_kernel() to kernel_info_reply
COMPLETE_TIMEOUT = 30.0


class Timeout(Exception):
    pass


# --- the cells --------------------------------------------------------------------------------------

TRIVIAL = "1 + 1"
# Issue 12's trivial cell: a statement with no value to show.
STATEMENT = {"java": "int x = 1;", "python": "x = 1"}
# The second cell of a fresh session: nothing runs in it, so what the kernel's processes burn meanwhile is theirs.
SLEEP_SECONDS = 2.0
SLEEP_CELL = {"java": "Thread.sleep(2000);", "python": "import time; time.sleep(2)"}
PRINT_CELL = {
    "java": "for (int i = 0; i < {n}; i++) System.out.println(i);",
    "python": "for i in range({n}): print(i)",
}
COMPLETION = {"java": "Syst", "python": "pri"}

# (key, label, code) of the cells to interrupt. Java variable names differ per kind so that a kind's cell
# does not redeclare (and so replace) what an earlier kind's threads still use.
JAVA_INTERRUPTS = [
    ("cpu", "CPU loop `while (true) { }`", "while (true) { }"),
    ("sleep", "`Thread.sleep(60_000);`", "Thread.sleep(60_000);"),
    ("join", "join a thread that sleeps forever",
     "Thread t = new Thread(() -> { try { Thread.sleep(600_000); } catch (InterruptedException e) { } });\n"
     "t.start();\n"
     "t.join();"),
    ("wait", "`lock.wait()`",
     "Object lock = new Object();\n"
     "synchronized (lock) { lock.wait(); }"),
    ("deadlock", "deadlock of 2 threads, cell joins one",
     "Object lockA = new Object(), lockB = new Object();\n"
     "CountDownLatch bothHold = new CountDownLatch(2);\n"
     "Thread dl1 = new Thread(() -> { synchronized (lockA) { bothHold.countDown();\n"
     "    try { bothHold.await(); } catch (InterruptedException e) { }\n"
     "    synchronized (lockB) { } } });\n"
     "Thread dl2 = new Thread(() -> { synchronized (lockB) { bothHold.countDown();\n"
     "    try { bothHold.await(); } catch (InterruptedException e) { }\n"
     "    synchronized (lockA) { } } });\n"
     "dl1.start(); dl2.start();\n"
     "dl1.join();"),
    ("jdk", "loop in JDK code `LongStream...sum()`", "LongStream.range(0, Long.MAX_VALUE).sum()"),
    # Last: it needs the kernel's escalation, which restarts the Java process.
    ("throwable", "loop that catches Throwable",
     "while (true) { try { while (true) { } } catch (Throwable t) { } }"),
]
PYTHON_INTERRUPTS = [
    ("cpu", "`while True: pass`", "while True: pass"),
    ("sleep", "`time.sleep(60)`", "import time; time.sleep(60)"),
]
PYTHON_LABELS = {key: label for key, label, _ in PYTHON_INTERRUPTS}


# --- statistics and formatting ----------------------------------------------------------------------

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


# --- one kernel, driven by a BlockingKernelClient ---------------------------------------------------

class Driver:
    """A kernel started with KernelManager and talked to with a BlockingKernelClient."""

    def __init__(self, kernel_name, label, log_dir, notes, pgids, pids):
        self.kernel_name = kernel_name
        self.label = label
        self.log_dir = log_dir
        self.notes = notes          # misbehaviour seen, shared by the whole run
        self.pgids = pgids          # process groups of every kernel started, for the final sweep
        self.pids = pids            # and the processes the kernels started
        self.km = None
        self.kc = None
        self.log = None
        self.log_path = None
        self.finished = set()       # msg_ids whose idle has been seen
        self.kernel_info = None
        self.cells = 0              # execute_requests sent since the kernel started

    def note(self, text):
        line = f"{self.label}: {text}"
        if line not in self.notes:
            self.notes.append(line)

    # start and stop

    def start(self):
        """Starts the kernel; returns seconds from start_kernel() to the first kernel_info_reply."""
        self.km = KernelManager(kernel_name=self.kernel_name)
        n = len([f for f in os.listdir(self.log_dir) if f.startswith(self.kernel_name)])
        self.log_path = os.path.join(self.log_dir, f"{self.kernel_name}-{n + 1}.log")
        self.log = open(self.log_path, "wb")
        self.finished = set()
        self.cells = 0
        t0 = now()
        self.km.start_kernel(stdout=self.log, stderr=self.log)
        self._remember_process()
        self.kc = self.km.client()
        self.kc.start_channels(hb=False)
        msg_id = self.kc.kernel_info()
        reply, t1 = self.wait_reply("shell", msg_id, START_TIMEOUT)
        self.kernel_info = reply["content"]
        self._nudge_iopub(msg_id, t0 + START_TIMEOUT)
        return t1 - t0, t0

    def _nudge_iopub(self, first_id, deadline):
        """Waits until iopub is connected, as Jupyter's server does: a SUB socket that connected just now
        misses what was published before, so kernel_info_requests are sent until one's status shows up."""
        sent = {first_id}
        while now() < deadline:
            try:
                msg = self._get("iopub", 0.1)
                if msg["parent_header"].get("msg_id") in sent and msg["header"]["msg_type"] == "status" \
                        and msg["content"].get("execution_state") == "idle":
                    return
            except queue.Empty:
                msg_id = self.kc.kernel_info()
                sent.add(msg_id)
                self.wait_reply("shell", msg_id, max(0.1, deadline - now()))
        raise Timeout()

    def _remember_process(self):
        prov = getattr(self.km, "provisioner", None)
        pid = getattr(prov, "pid", None)
        pgid = getattr(prov, "pgid", None)
        if pid is None:
            proc = getattr(prov, "process", None)
            pid = getattr(proc, "pid", None)
        if pgid is None and pid is not None:
            try:
                pgid = os.getpgid(pid)
            except OSError:
                pgid = pid
        if pgid:
            self.pgids.add(pgid)

    def pid(self):
        """The kernel's own process (Threadbook's kernelspec runs java itself: the kernel JVM)."""
        prov = getattr(self.km, "provisioner", None) if self.km else None
        pid = getattr(prov, "pid", None)
        if pid is None:
            pid = getattr(getattr(prov, "process", None), "pid", None)
        return pid

    def _remember_descendants(self):
        """The kernel's child processes (the agent JVM), so the final sweep also looks at them."""
        prov = getattr(self.km, "provisioner", None) if self.km else None
        root = getattr(prov, "pid", None)
        if not root or not os.path.isdir("/proc"):
            return
        children = {}
        for pid, _fields, ppid in list_processes():
            children.setdefault(ppid, []).append(pid)
        todo = [root]
        while todo:
            for child in children.get(todo.pop(), []):
                self.pids.add(child)
                todo.append(child)

    def shutdown(self):
        self._remember_descendants()
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        except Exception:
            pass
        try:
            if self.km is not None and self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        except Exception as e:
            self.note(f"shutdown_kernel failed: {e!r}")
        finally:
            self.km = None
            self.kc = None
            if self.log is not None:
                self.log.close()
                self.log = None

    def restart(self, why):
        """The benchmark's own recovery when the kernel stopped answering."""
        self.note(f"stopped answering ({why}); the benchmark restarted it")
        self.shutdown()
        try:
            self.start()
            self.execute(TRIVIAL)
        except Exception as e:
            self.note(f"could not be restarted: {e!r}")
            raise

    # messages

    def _get(self, channel, timeout):
        """The next message on a channel ("shell", "iopub", "control"); queue.Empty after timeout s."""
        return getattr(self.kc, f"get_{channel}_msg")(timeout=timeout)

    def wait_reply(self, channel, msg_id, timeout):
        """The message on `channel` whose parent is msg_id, and when it arrived; others are set aside."""
        deadline = now() + timeout
        while True:
            left = deadline - now()
            if left <= 0:
                raise Timeout()
            try:
                msg = self._get(channel, left)
            except queue.Empty:
                raise Timeout()
            t = now()
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg, t
            self._stray(msg, "shell/control")

    def _stray(self, msg, where):
        parent = msg["parent_header"].get("msg_id")
        kind = msg["header"]["msg_type"]
        if parent in self.finished:
            if kind == "status":
                self.note(f"a second '{msg['content'].get('execution_state')}' status for an already idle request")
            else:
                self.note(f"{where} message '{kind}' arrived after its request was already idle")

    def iopub_until_idle(self, msg_id, timeout):
        """Every iopub message of request msg_id up to and with its status idle, and when idle came."""
        deadline = now() + timeout
        msgs = []
        while True:
            left = deadline - now()
            if left <= 0:
                raise Timeout()
            try:
                msg = self._get("iopub", left)
            except queue.Empty:
                raise Timeout()
            t = now()
            if msg["parent_header"].get("msg_id") != msg_id:
                self._stray(msg, "iopub")
                continue
            msgs.append((t, msg))
            if msg["header"]["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                self.finished.add(msg_id)
                self._check_order(msgs)
                return msgs, t

    def _check_order(self, msgs):
        types = [m["header"]["msg_type"] + (":" + m["content"].get("execution_state", "")
                                            if m["header"]["msg_type"] == "status" else "")
                 for _, m in msgs]
        if types[0] != "status:busy":
            self.note(f"iopub for a request did not begin with status busy: {types[:4]}")
        if "execute_input" in types:
            i = types.index("execute_input")
            if any(t in ("stream", "execute_result", "error", "display_data") for t in types[:i]):
                self.note(f"output came before execute_input: {types[:i + 1]}")

    def execute(self, code, timeout=CELL_TIMEOUT):
        """Runs a cell. Returns dict: reply, msgs, t0 (sent), t_idle, t_reply, t_result."""
        t0 = now()
        msg_id = self.kc.execute(code)
        self.cells += 1
        msgs, t_idle = self.iopub_until_idle(msg_id, timeout)
        reply, t_reply = self.wait_reply("shell", msg_id, max(1.0, timeout - (now() - t0)))
        t_result = next((t for t, m in msgs if m["header"]["msg_type"] == "execute_result"), None)
        return {"reply": reply, "msgs": msgs, "t0": t0, "t_idle": t_idle, "t_reply": t_reply,
                "t_result": t_result, "msg_id": msg_id}

    @staticmethod
    def result_text(run):
        for _, m in run["msgs"]:
            if m["header"]["msg_type"] == "execute_result":
                return m["content"]["data"].get("text/plain")
        return None

    def answers_trivial(self, timeout=CELL_TIMEOUT):
        """(ok, seconds, what) for `1 + 1` now."""
        try:
            run = self.execute(TRIVIAL, timeout)
        except Timeout:
            return False, None, "timeout"
        text = self.result_text(run)
        st = run["reply"]["content"]["status"]
        ok = st == "ok" and text == "2"
        return ok, run["t_idle"] - run["t0"], ("2" if ok else f"status {st}, result {text!r}")


# --- the kernel's processes, from /proc ----------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def children_of(pid):
    """The live processes whose parent is pid."""
    if not os.path.isdir("/proc"):
        return []
    return [p for p, _fields, ppid in list_processes() if ppid == pid]


def process_tree(pid):
    """pid and every live process below it."""
    if pid is None or not os.path.isdir("/proc"):
        return []
    below = {}
    for p, _fields, ppid in list_processes():
        below.setdefault(ppid, []).append(p)
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(below.get(p, []))
    return tree


def cpu_seconds(pids):
    """User + system CPU time the processes used so far (threads included; children that ended not)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])   # utime, stime
        except (OSError, ValueError, IndexError):
            continue
    return total / CLOCK_TICKS


def rss_mb(pid):
    """Resident set size of one process in MB (VmRSS), or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        pass
    return None


def kernel_rss(d):
    """(kernel process MB, its child processes MB (Threadbook: the agent JVM), total) now."""
    pid = d.pid()
    if pid is None or not os.path.isdir("/proc"):
        return None
    own = rss_mb(pid)
    below = [m for m in (rss_mb(c) for c in children_of(pid)) if m is not None]
    if own is None:
        return None
    return own, (sum(below) if below else None), own + sum(below)


# --- the measurements -------------------------------------------------------------------------------

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


WORKER_STARTS_CELL = """
void benchStarts(String label, int reps, int together, long pauseMillis) throws Exception {
    for (int i = 0; i < reps; i++) {
        Thread.sleep(pauseMillis);   // lets a replacement spare get ready; not timed
        long t0 = System.nanoTime();
        WorkerPool pool = new WorkerPool(together);
        pool.awaitReady();
        System.out.println("BENCH " + label + " " + (System.nanoTime() - t0) / 1e9);
        pool.close();
    }
}
"""

MAP_CELL = """
{
    WorkerPool four = new WorkerPool(4);
    four.awaitReady();
    four.map(n -> n + 1, List.of(1, 2, 3, 4));
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < 1000; i++) items.add(i);
    long t0 = System.nanoTime();
    four.map(n -> n + 1, items);
    System.out.println("BENCH map1000 " + (System.nanoTime() - t0) / 1e9);
    four.close();
}
"""

# Words a build with pre-started workers may give %workers for it: the first one `%help workers` shows, followed
# by a number, is used as `%workers WORD N`. --prestart overrides this with a cell of one's own.
PRESTART_WORDS = ("prestart", "pre-start", "spare", "spares", "warm", "ready")
NO_PRESTART = "n/a (no pre-started workers in this build)"


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


# --- the notebooks' examples against their critical paths ------------------------------------------------

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ELAPSED = r"(?m)^(\d+\.\d+) s — "            # what the notebooks' elapsed(...) prints
R1_TOTAL = r"Total elapsed time: (\d+\.\d+) seconds"

# (name, what, critical path in s, notebook, cells that set up, the measured cell, its time's pattern, after)
EXAMPLES = [
    ("T1", "2 threads, each sleeps 2 s", 2.0, "01-threads", ["nb01-02"], "nb01-04", ELAPSED, []),
    ("P1", "4 worker processes, each sleeps 1 s", 1.0, "02-processes", ["nb02-01"], "nb02-03", ELAPSED, []),
    ("P1'", "the same with 4 pre-started worker JVMs (%workers prestart 4)", 1.0, "02-processes",
     ["nb02-01", "nb02-03", "nb02-05"], "nb02-prestart-p1", ELAPSED, ["nb02-prestart-off-code"]),
    ("P2", "Pool(3).map(square, [1..5]), pool start included", 0.0, "02-processes", ["nb02-01"], "nb02-09", ELAPSED, []),
    ("A3", "gather(2 s sleep, 3 s sleep)", 3.0, "03-async", ["nb03-01"], "nb03-07", ELAPSED, ["nb03-15"]),
    ("R1", "5 carts over HTTP (cart i: i s), then Pool(5) (cart i: i s)", 10.0, "04-real-world",
     ["nb04-02", "nb04-06"], "nb04-08", R1_TOTAL, ["nb04-14"]),
]

# ipykernel runs the Python of the articles the notebooks reproduce (R1 needs a server of its own: not run).
PYTHON_EXAMPLES = {
    "T1": """
import threading, time
def bench_task(name):
    print(f"Start {name}")
    time.sleep(2)
    print(f"End {name}")
t0 = time.perf_counter()
threads = [threading.Thread(target=bench_task, args=(f"Task {i}",)) for i in (1, 2)]
for t in threads: t.start()
for t in threads: t.join()
print(f"BENCH t {time.perf_counter() - t0:.4f}")
""",
    "P1": """
import multiprocessing, time
def bench_square(n):
    print(f"Square of {n} is {n * n}")
    time.sleep(1)
t0 = time.perf_counter()
processes = [multiprocessing.get_context("fork").Process(target=bench_square, args=(n,)) for n in range(1, 5)]
for p in processes: p.start()
for p in processes: p.join()
print(f"BENCH t {time.perf_counter() - t0:.4f}")
""",
    "P2": """
import multiprocessing, time
def bench_sq(n):
    return n * n
t0 = time.perf_counter()
with multiprocessing.get_context("fork").Pool(processes=3) as pool:
    print("Squares:", pool.map(bench_sq, [1, 2, 3, 4, 5]))
print(f"BENCH t {time.perf_counter() - t0:.4f}")
""",
    "A3": """
import asyncio, time
async def bench_task1():
    print("Task 1 Start"); await asyncio.sleep(2); print("Task 1 Done")
async def bench_task2():
    print("Task 2 Start"); await asyncio.sleep(3); print("Task 2 Done")
t0 = time.perf_counter()
await asyncio.gather(bench_task1(), bench_task2())
print(f"BENCH t {time.perf_counter() - t0:.4f}")
""",
}

CPU_LOOP = """
long benchLoopStart = System.nanoTime();
long benchSum = 0;
for (long i = 0; i < 400_000_000L; i++) { benchSum += i % 7; }
System.out.println(String.format("%.3f s — loop sum %d", (System.nanoTime() - benchLoopStart) / 1e9, benchSum));
"""


def notebook_cells(notebook):
    """{cell id: source} of notebooks/NAME.ipynb."""
    import json
    with open(os.path.join(REPO, "notebooks", notebook + ".ipynb"), encoding="utf-8") as f:
        nb = json.load(f)
    return {c.get("id"): "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"}


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


# --- processes left behind --------------------------------------------------------------------------

def list_processes():
    """(pid, fields of /proc/PID/stat after the command, parent pid) of every live, non-zombie process."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, session, ...
            if fields[0] != "Z":
                out.append((int(entry), fields, int(fields[1])))
        except (OSError, ValueError):
            continue
    return out


def leftover_processes(pgids, pids):
    """(pid, command) of live processes in a process group or session a kernel ran in, or started by one."""
    found = []
    me = os.getpid()
    for pid, fields, _ppid in list_processes():
        pgrp, sid = int(fields[2]), int(fields[3])
        if pid == me or (pgrp not in pgids and sid not in pgids and pid not in pids):
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        found.append((pid, cmd))
    return found


def sweep(pgids, pids, notes):
    if not os.path.isdir("/proc"):
        return "not checked (no /proc)"
    deadline = time.time() + 5
    left = leftover_processes(pgids, pids)
    while left and time.time() < deadline:
        time.sleep(0.2)
        left = leftover_processes(pgids, pids)
    if not left:
        return (f"none (looked at the {len(pgids)} process groups the kernels ran in"
                f" and the {len(pids)} processes they started)")
    for pid, cmd in left:
        notes.append(f"a kernel process was still running after shutdown_kernel(now=True): {pid} {cmd[:120]}")
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return f"{len(left)} left running; the benchmark killed them (see below)"


# --- the kernel logs --------------------------------------------------------------------------------

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


# --- the report -------------------------------------------------------------------------------------

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
    else:
        args.starts, args.warmup, args.cells, args.interrupts = 5, 20, 200, 3
        args.complete_warmup, args.completions = 3, 20
        args.rss_cells, args.worker_starts, args.together = 500, 20, 5

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
          f"               RSS after {args.rss_cells} cells; {args.worker_starts} worker starts one at a time,"
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
