"""The kernels' processes, through psutil: their CPU time and memory, and any left running after the run."""

import os
import signal
import time

import psutil


def _process(pid):
    try:
        return psutil.Process(pid)
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return None


def children_of(pid):
    """The live processes whose parent is pid."""
    p = _process(pid)
    try:
        return [c.pid for c in p.children()] if p else []
    except psutil.Error:
        return []


def process_tree(pid):
    """pid and every live process below it."""
    p = _process(pid) if pid is not None else None
    if p is None:
        return []
    try:
        return [pid] + [c.pid for c in p.children(recursive=True)]
    except psutil.Error:
        return [pid]


def cpu_seconds(pids):
    """User + system CPU time the processes used so far (threads included; children that ended not)."""
    total = 0.0
    for pid in pids:
        p = _process(pid)
        try:
            if p:
                times = p.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            continue
    return total


def rss_mb(pid):
    """Resident set size of one process in MB, or None."""
    p = _process(pid)
    try:
        return p.memory_info().rss / (1024.0 * 1024.0) if p else None
    except psutil.Error:
        return None


def kernel_rss(d):
    """(kernel process MB, its child processes MB (Threadbook: the agent JVM), total) now."""
    pid = d.pid()
    if pid is None:
        return None
    own = rss_mb(pid)
    below = [m for m in (rss_mb(c) for c in children_of(pid)) if m is not None]
    if own is None:
        return None
    return own, (sum(below) if below else None), own + sum(below)


def leftover_processes(pgids, pids):
    """(pid, command) of live processes in a process group or session a kernel ran in, or started by one."""
    found = []
    me = os.getpid()
    for p in psutil.process_iter(["status", "cmdline"]):
        try:
            if p.pid == me or p.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if os.getpgid(p.pid) not in pgids and os.getsid(p.pid) not in pgids and p.pid not in pids:
                continue
            found.append((p.pid, " ".join(p.info["cmdline"] or []).strip()))
        except (OSError, psutil.Error):
            continue
    return found


def sweep(pgids, pids, notes):
    """Kills what the kernels left running (after up to 5 s), and says what it found."""
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
