"""Runs every notebook in notebooks/ with the installed kernel, in memory (the files are not touched), and checks
each example of the course's catalogue (T1, T2, P1, P2, A1, A2, A3, R1, W1, W2): no cell fails, each Java twin
prints the article's lines in the article's order, and the times it measured are within generous bounds. It also
checks that the stored notebooks are saved with their outputs, clean metadata and execution counts in order.

An example's cells are found by its heading: a Markdown heading of level 2 that starts with its id opens its
section, the next heading of level 1 or 2 closes it (### headings stay inside; sections with the same id in one
notebook make one). Code cells before the first level-2 heading are the notebook's "(top)" (02's pids, 05's core
count). Environment: THREADBOOK_KERNEL names the kernelspec (default "threadbook"); JUPYTER_PATH may point at
where it is installed.

With --stored, the notebooks' saved outputs are checked instead of a new run's, in two copies: the one in the working
tree (which `install.sh --execute` rewrites with a run on this machine) for everything but what a run measured, and
the one committed (git show HEAD:notebooks/NAME, what the course ships) for everything, measurements included: a
set-up run on a busy machine may measure a smaller speed-up, and must not leave the tests failing. A notebook that is
the same in both is checked once. Measurements of a run made now are checked without --stored, and with
--executed DIR: the notebooks as nbval ran them in CourseToolsIT (saved there by nbval_outputs.py), so that the suite
runs each notebook once for both (JupyterLabIT checks the same on the notebook it runs in the page).

With --only A.ipynb,B.ipynb, only those notebooks are checked (and the catalogue's other ids are not looked for).

With --cores-shared, the run was made beside other busy processes (CourseToolsIT runs notebooks beside other tests):
what shows only when threads run at the same time, on cores no one else wants (W2's race), is reported, not checked;
NotebookMeasuresIT checks it on idle cores.

Prints one line per check and ends with "N passed, M failed"; exits 1 if any check failed.
"""
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNEL = os.environ.get("THREADBOOK_KERNEL", "threadbook")
REPO = Path(__file__).resolve().parents[5]
NOTEBOOKS = REPO / "notebooks"
TOOL_TAGS = {"nbval-ignore-output", "parameters"}
IDS = ["T1", "T2", "P1", "P2", "A1", "A2", "A3", "R1", "W1", "W2"]
WORKER_PREFIX = re.compile(r"^\[worker \d+ pid (\d+)\] ")
TIME_LINE = re.compile(r"^(\d+\.\d+) s \u2014 (.+)$")
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

passed = 0
failed = 0
# False while checking a copy a set-up run may have rewritten: what that run measured is then not checked.
measures = True
# False for a run made beside other busy processes (--cores-shared).
cores_idle = True


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS  " + what + (" (" + detail + ")" if detail else ""))
    else:
        failed += 1
        print("FAIL  " + what + (": " + detail if detail else ""))
    return ok


class Section:
    """The code cells under one heading: their printed lines (worker prefixes kept apart) and their displays."""

    def __init__(self, heading):
        self.heading = heading
        self.cells = []

    @property
    def lines(self):
        return [line for cell in self.cells for line in cell_lines(cell)]

    @property
    def text(self):
        """Printed lines with the "[worker N pid P] " prefix removed."""
        return [WORKER_PREFIX.sub("", line) for line in self.lines]

    def displays(self):
        return [o["data"].get("text/plain", "") for cell in self.cells for o in cell.get("outputs", [])
                if o["output_type"] in ("display_data", "execute_result")]

    def time(self, expected_start):
        """The seconds printed on a line "X s — EXPECTED" whose expected part starts with expected_start."""
        for line in self.text:
            m = TIME_LINE.match(line)
            if m and m.group(2).startswith(expected_start):
                return float(m.group(1))
        return None


def measured(ok, what, detail=""):
    """A check of what a run measured (a time, a speed-up, a race showing): it depends on the machine's load
    when the run was made, so it is checked only on a run made now or on the committed notebooks."""
    if measures:
        return check(ok, what, detail)
    print("----  " + what + ": a measurement, checked in the committed copy, not in this one" + (" (" + detail + ")" if detail else ""))
    return True


def needs_idle_cores(ok, what, detail=""):
    """A measurement that other busy processes hide or stretch: a race shows only when the notebook's threads run at
    the same time (on busy cores the scheduler may run them one after another), and a time that includes JVM starts
    grows with the load. Checked on a run with idle cores."""
    if cores_idle:
        return measured(ok, what, detail)
    print("----  " + what + ": needs idle cores, not checked on a run beside other busy processes"
          + (" (" + detail + ")" if detail else ""))
    return True


def cell_lines(cell):
    text = "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o["output_type"] == "stream" and o.get("name") == "stdout")
    return text.splitlines()


def sections_of(nb):
    """Heading key -> Section. The key is the catalogue id when the heading starts with one, else the heading."""
    sections = {}
    current = sections.setdefault("(top)", Section("(top)"))
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            fenced = False
            for line in cell.source.splitlines():
                if line.startswith("```"):
                    fenced = not fenced  # a "# comment" in a code block is no heading
                m = None if fenced else re.match(r"^(#{1,2})\s+(.*)$", line)
                if m and len(m.group(1)) == 1:
                    current = sections["(top)"]  # the notebook's title: what follows belongs to no example
                elif m:
                    heading = m.group(2).strip()
                    ident = next((i for i in IDS if re.match(i + r"\b", heading)), None)
                    key = ident or heading
                    current = sections.setdefault(key, Section(heading))
        elif cell.cell_type == "code":
            current.cells.append(cell)
    return sections


def index(lines, wanted):
    return lines.index(wanted) if wanted in lines else None


def in_order(lines, wanted):
    """True if the wanted lines all appear, in this order (other lines may come between)."""
    positions = [index(lines, w) for w in wanted]
    return None not in positions and positions == sorted(positions)


def seconds(value, unit):
    return float(value) * {"ns": 1e-9, "µs": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


def compare_rows(section):
    """Rows of the %%compare tables of a section: label -> (wall s, speedup, CPU s, parallelism)."""
    rows = {}
    row = re.compile(r"^(.+?)\s+([\d.]+) (ns|µs|ms|s)\s+([\d.]+) (ns|µs|ms|s)\s+([\d.]+)\s+([\d.]+)x$")
    for display in section.displays():
        for line in display.splitlines():
            m = row.match(line.strip())
            if m:
                rows[m.group(1).strip()] = (seconds(m.group(2), m.group(3)), float(m.group(7)),
                                            seconds(m.group(4), m.group(5)), float(m.group(6)))
    return rows


def timeit_per_loop(section):
    """Per-loop means of the %timeit lines of a section, in seconds, in order."""
    out = []
    for line in section.text:
        m = re.match(r"^([\d.]+) (ns|µs|ms|s) ± [\d.]+ (?:ns|µs|ms|s) per loop", line)
        if m:
            out.append(seconds(m.group(1), m.group(2)))
    return out


def bounded(what, value, low, high, unit="s", idle_cores=False):
    """A measured time within [low, high); with idle_cores, one that includes CPU-bound work (JVMs that start), which
    other busy processes stretch: checked only on a run with idle cores."""
    if value is None:
        return check(False, what, "no measured time found")
    judge = needs_idle_cores if idle_cores else measured
    return judge(low <= value < high, what, "%.2f %s, expected in [%g, %g)" % (value, unit, low, high))


# ---------------------------------------------------------------------------------------------------------------
# The checks of each example


def check_T1(s):
    lines = s.text
    starts = [index(lines, "Start Task 1"), index(lines, "Start Task 2")]
    ends = [index(lines, "End Task 1"), index(lines, "End Task 2")]
    done = index(lines, "All tasks done!")
    ok = None not in starts + ends and done is not None and max(starts) < min(ends) and max(ends) < done
    check(ok, "T1: both Start lines before either End, then 'All tasks done!'", repr(lines[:6]))
    bounded("T1: two threads of 2 s take about 2 s, not 4", s.time("about 2 s, not 4"), 1.95, 3.0)


URLS = ["http://example.com/page%d" % i for i in (1, 2, 3)]


def check_T2(s):
    first = s.cells[0]
    lines = cell_lines(first)
    downloading = [i for i, line in enumerate(lines) if line.startswith("Downloading ")]
    finished = [i for i, line in enumerate(lines) if line.startswith("Finished ")]
    urls_down = sorted(lines[i][len("Downloading "):-len(" ...")] for i in downloading)
    urls_fin = sorted(lines[i][len("Finished "):] for i in finished)
    done = index(lines, "All downloads complete!")
    check(urls_down == URLS and urls_fin == URLS, "T2: the same three urls downloaded and finished", repr(urls_down))
    check(bool(downloading and finished) and max(downloading) < min(finished) and done is not None
          and max(finished) < done, "T2: every Downloading before any Finished, then 'All downloads complete!'")
    bounded("T2: three threads of 2 s take about 2 s, not 6", s.time("about 2 s, not 6"), 1.95, 4.0)
    rows = compare_rows(s)
    sequential = rows.get("one after another", (None,))[0]
    threads = rows.get("a thread per url", (None,))[0]
    pool = rows.get("a pool of 3 threads", (None,))[0]
    bounded("T2 %%compare: one after another takes about 6 s", sequential, 5.95, 8.0)
    bounded("T2 %%compare: a thread per url takes about 2 s", threads, 1.95, 4.0)
    bounded("T2 %%compare: a pool of 3 threads takes about 2 s", pool, 1.95, 4.0)


def int_list(line):
    return [int(x) for x in re.findall(r"\d+", line)]


def check_W2_threads(s):
    lines = s.text
    at = next((i for i, line in enumerate(lines) if line.startswith("count.value++ with no lock")), None)
    racy = int_list(lines[at + 1]) if at is not None and at + 1 < len(lines) else []
    check(len(racy) == 10 and all(0 < c <= 4_000_000 for c in racy), "W2 (threads): 10 racy runs printed", repr(racy))
    if CORES > 1:
        wrong = sum(1 for c in racy if c != 4_000_000)
        needs_idle_cores(wrong >= 1, "W2 (threads): the unlocked counter loses updates (%d cores)" % CORES,
              "wrong in %d of 10 runs" % wrong)
    else:
        print("NOTE  W2 (threads): one core only: a race may never show, not checked")
    lock = next((int_list(line.split(":", 1)[1]) for line in lines if line.startswith("with a ReentrantLock:")), [])
    atomic = next((int_list(line.split(":", 1)[1]) for line in lines if line.startswith("with an AtomicInteger:")), [])
    check(lock == [4_000_000] * 10, "W2 (threads): with a lock, 4000000 every time", repr(lock))
    check(atomic == [4_000_000] * 10, "W2 (threads): with an AtomicInteger, 4000000 every time", repr(atomic))
    rows = compare_rows(s)
    check({"count++, no lock (wrong)", "count++ under a lock", "AtomicInteger"} <= set(rows),
          "W2 (threads): %%compare times the three counters", ", ".join(rows))


def notebook_pids(sections):
    for line in sections["(top)"].text:
        m = re.search(r"JVM with pid (\d+), started by the kernel \(pid (\d+)\)", line)
        if m:
            return int(m.group(1)), int(m.group(2))
    return None, None


def check_P1(s, notebook_pid, kernel_pid):
    lines = s.lines
    squares = {}
    for line in lines:
        m = re.match(r"^\[worker \d+ pid (\d+)\] Square of (\d) is (\d+)$", line)
        if m:
            squares[int(m.group(2))] = (int(m.group(1)), int(m.group(3)))
    check(sorted(squares) == [1, 2, 3, 4] and all(sq == n * n for n, (_, sq) in squares.items()),
          "P1: 'Square of n is n*n' for 1..4, each printed by a worker process", repr(squares))
    text = s.text
    done = index(text, "All processes finished!")
    square_at = [i for i, line in enumerate(text) if line.startswith("Square of ")]
    check(done is not None and square_at and max(square_at) < done, "P1: 'All processes finished!' after the squares")
    pids = {pid for pid, _ in squares.values()}
    listed = next((int_list(line.split(":", 1)[1]) for line in text if line.startswith("pids of the 4 processes:")), [])
    check(len(pids) == 4 and set(listed) == pids, "P1: four distinct pids, the same as the processes report",
          "%s / %s" % (sorted(pids), listed))
    check(notebook_pid is not None and notebook_pid not in pids and kernel_pid not in pids,
          "P1: none of them is the notebook's JVM (pid %s) or the kernel (pid %s)" % (notebook_pid, kernel_pid))
    check(any(line == "exit codes: [0, 0, 0, 0]" for line in text), "P1: the four processes exited with 0")
    bounded("P1: about 1 s plus start-up, not 4", s.time("about 1 s plus starting 4 JVMs"), 0.95, 3.5)


def check_prestarted(s, p1):
    """02's pre-started processes: P1 again with spares taken, faster than the cold P1; the side-by-side medians."""
    squares = sorted(int(m.group(1)) for m in (re.match(r"^Square of (\d) is \d+$", line) for line in s.text) if m)
    check(squares == [1, 2, 3, 4], "pre-started P1: 'Square of n' for 1..4 again", repr(squares))
    check(any(line.startswith("pids: [") and line.endswith("none of them one of P1's: true") for line in s.text),
          "pre-started P1: four new processes, none of them one of P1's")
    again = s.time("about 1 s: the 4 JVMs had started before")
    cold = p1.time("about 1 s plus starting 4 JVMs")
    bounded("pre-started P1: about 1 s", again, 0.95, 3.0)
    measured(again is not None and cold is not None and again < cold,
          "pre-started P1 is faster than the cold P1", "%s s vs %s s" % (again, cold))

    def median(label):
        m = next((re.search(r"median (\d+) ms", line) for line in s.text if line.startswith(label)), None)
        return int(m.group(1)) if m else None
    cold_ms, warm_ms = median("cold start, a JVM boots:"), median("pre-started, a spare is taken:")
    measured(cold_ms is not None and warm_ms is not None and warm_ms * 2 < cold_ms,
          "a pre-started start takes less than half a cold one (medians)", "%s ms vs %s ms" % (warm_ms, cold_ms))


def check_processes_magic(s, notebook_pid):
    found = {}
    for line in s.lines:
        m = re.match(r"^\[worker (\d+) pid (\d+)\] I am worker (\d+), pid (\d+), started by pid (\d+)$", line)
        if m and m.group(2) == m.group(4):
            found[int(m.group(3))] = (int(m.group(4)), int(m.group(5)))
    pids = {pid for pid, _ in found.values()}
    check(sorted(found) == [0, 1, 2] and len(pids) == 3 and notebook_pid not in pids,
          "%%processes 3: three workers, indexes 0..2, three pids of their own", repr(found))
    check(found and all(parent == notebook_pid for _, parent in found.values()),
          "%%processes 3: each worker's parent is the notebook's JVM (pid " + str(notebook_pid) + ")")


def check_P2(s, notebook_pid, kernel_pid):
    text = s.text
    check("Squares: [1, 4, 9, 16, 25]" in text, "P2: 'Squares: [1, 4, 9, 16, 25]'")
    pids = next((int_list(line.split("pids", 1)[1].split(";")[0]) for line in text
                 if line.startswith("the pool's processes: pids")), [])
    check(len(set(pids)) == 3 and notebook_pid not in pids and kernel_pid not in pids,
          "P2: a pool of 3 real processes, none of them the notebook's JVM or the kernel", repr(pids))
    bounded("P2: the pool's time was measured", s.time("nearly all of it starting 3 JVMs"), 0.0, 10.0)


def check_W2_processes(s, notebook_pid):
    lines = s.lines
    worker_lines = [line for line in lines if WORKER_PREFIX.match(line) and "in the worker: counter = 100" in line]
    worker_pid = int(WORKER_PREFIX.match(worker_lines[0]).group(1)) if worker_lines else None
    check(worker_pid is not None and worker_pid != notebook_pid,
          "W2 (processes): a worker process set its counter to 100", "worker pid %s" % worker_pid)
    text = s.text
    check("in the notebook: counter = 1" in text, "W2 (processes): the notebook still sees counter = 1")
    check("after a thread set it: counter = 100" in text, "W2 (processes): a thread's change is seen: counter = 100")


def check_event_loop(label, s):
    check("the async code ran on 1 thread: [event-loop]" in s.text, label + ": all async code ran on the 'event-loop' thread")


def check_A1(s):
    lines = s.text
    starts = [index(lines, "Start Task 1"), index(lines, "Start Task 2")]
    ends = [index(lines, "End Task 1"), index(lines, "End Task 2")]
    done = index(lines, "All async tasks done!")
    ok = None not in starts + ends and done is not None and max(starts) < min(ends) and max(ends) < done
    check(ok, "A1: both Start lines before either End, then 'All async tasks done!'", repr(lines[:5]))
    bounded("A1: two async waits of 2 s take about 2 s, not 4", s.time("about 2 s, not 4"), 1.95, 3.0)
    check_event_loop("A1", s)


def check_A2(s):
    four = ["Before Task", "Start Task", "Task Complete", "After Task"]
    got = [line for line in s.text if line in four]
    check(got == four, "A2: the four lines in order", repr(got))
    bounded("A2: about 3 s", s.time("about 3 s"), 2.95, 4.0)
    check_event_loop("A2", s)


def check_A3(s):
    first = [line for line in cell_lines(s.cells[0])]
    order = ["Task 1 Start", "Task 2 Start", "Task 1 Done", "Task 2 Done"]
    got = [line for line in first if line in order]
    check(got == order, "A3: both tasks start, then task 1 is done, then task 2", repr(got))
    bounded("A3: waits of 2 s and 3 s gathered take about 3 s, not 5", s.time("about 3 s, not 5"), 2.95, 4.0)
    check_event_loop("A3", s)
    rows = compare_rows(s)
    bounded("A3 %%compare: awaiting one task, then the other, takes about 5 s",
            rows.get("await task1, then task2", (None,))[0], 4.95, 6.5)
    bounded("A3 %%compare: gather takes about 3 s", rows.get("gather(task1, task2)", (None,))[0], 2.95, 4.0)


def check_thousands(s):
    check("10000 timers fired" in s.text, "03: 10,000 timers fired on the event loop")
    check("their callbacks ran on 1 thread: [event-loop]" in s.text, "03: their callbacks all ran on 'event-loop'")
    bounded("03: 10,000 timers of 1 s take about 1 s", s.time("about 1 s for 10,000 waits"), 0.95, 4.0)
    bounded("03: 10,000 virtual threads blocking 1 s take about 1 s",
            s.time("about 1 s for 10,000 blocking waits"), 0.95, 5.0)


CART_KEYS = {"id", "products", "total", "discountedTotal", "userId", "totalProducts", "totalQuantity"}
PRODUCT_KEYS = {"id", "title", "price", "quantity", "total", "discountPercentage", "discountedTotal", "thumbnail"}


def check_R1(s):
    text = s.text
    check(any(re.match(r"^serving carts at http://127\.0\.0\.1:\d+/carts/\{id\}$", line) for line in text),
          "R1: an HTTP server on loopback serves /carts/{id}")
    check("GET /carts/1 -> 200 application/json" in text, "R1: GET /carts/1 answers 200, application/json")
    cart = None
    for line in text:
        if line.startswith('{"id":1,'):
            try:
                cart = json.loads(line)
            except ValueError as e:
                check(False, "R1: cart 1 is valid JSON", str(e))
    shape = (cart is not None and set(cart) == CART_KEYS and cart["products"]
             and all(set(p) == PRODUCT_KEYS for p in cart["products"])
             and cart["totalProducts"] == len(cart["products"])
             and all(abs(p["price"] * p["quantity"] - p["total"]) < 0.005 for p in cart["products"]))
    check(bool(shape), "R1: cart 1 has the shape of dummyjson.com/carts/{id}", repr(cart)[:200])

    def number(pattern):
        for line in text:
            m = re.match(pattern, line)
            if m:
                return float(m.group(1))
        return None

    fetched = number(r"^All carts fetched in ([\d.]+) seconds, instead of ~15$")
    total_price = next((line.split(": ", 1)[1] for line in text if line.startswith("Total price of all carts: ")), None)
    computed = number(r"^Calculation done in ([\d.]+) seconds instead of ~15$")
    elapsed = number(r"^Total elapsed time: ([\d.]+) seconds, instead of ~30$")
    order = [next((i for i, line in enumerate(text) if line.startswith(p)), None) for p in
             ("All carts fetched in", "Total price of all carts:", "Calculation done in", "Total elapsed time:")]
    check(None not in order and order == sorted(order), "R1: the article's four lines, in its order")
    bounded("R1: 5 carts (1..5 s each) fetched concurrently in about 5 s, not 15", fetched, 4.95, 7.5)
    # Both include the start of the session's first five worker JVMs, which other busy processes stretch by seconds
    # (NotebookMeasuresIT runs these cells again on idle cores).
    bounded("R1: 5 carts (1..5 s each) totalled in 5 worker processes in about 5 s, not 15", computed, 4.95, 9.0,
            idle_cores=True)
    bounded("R1: total about 10 s (the critical path), well under the sequential 30", elapsed, 9.9, 14.0,
            idle_cores=True)
    server_total = next((line.rsplit(" ", 1)[1] for line in text
                         if line.startswith("The server's cart totals add up to ")), None)
    check(total_price is not None and total_price == server_total,
          "R1: the workers' total price equals the server's cart totals", "%s / %s" % (total_price, server_total))
    carts = [int(m.group(1)) for m in (re.match(r"^cart (\d): total [\d.]+, done after [\d.]+ s$", line)
                                       for line in text) if m]
    check(carts == [1, 2, 3, 4, 5], "R1 overlapped: each cart totalled as it arrives", repr(carts))
    bounded("R1 overlapped: still about 10 s, the critical path",
            number(r"^Total elapsed time: ([\d.]+) seconds, instead of ~30: the critical path is 5 s \+ 5 s$"), 9.9, 14.0)


def check_W1(sections):
    s = sections["W1"]
    cores = next((int(m.group(1)) for m in (re.search(r"availableProcessors\(\) = (\d+)", line)
                                            for line in sections["(top)"].text) if m), None)
    check(cores is not None, "W1: the notebook prints availableProcessors()", "%s cores" % cores)
    counts = [line for line in s.text if line.endswith(" primes below 6000000")]
    # Four ways in the %%compare cell, and its one-thread variant again under the slider of the next cell.
    check(len(counts) >= 4 and len(set(counts)) == 1, "W1: the four ways count the same primes", repr(counts))
    rows = compare_rows(s)
    wanted = ["one thread", "a thread per core", "a parallel stream", "a process per core"]
    check(all(w in rows for w in wanted), "W1: %%compare times one thread, threads, a parallel stream, processes",
          ", ".join(rows))
    if cores and cores > 1 and "a thread per core" in rows:
        # The two runs are about a second each, a second apart: a process outside the JVM busy meanwhile takes half of a
        # 2-core machine from one of them. The rows and the load tell that (parallelism near 1 with threads: the JVM got
        # one core) from the JVM's own work (parallelism near the cores, wall not shorter).
        speedup = rows["a thread per core"][1]
        check(speedup >= 1.15, "W1: a CPU-bound job speeds up with a thread per core (no GIL)",
              "%.2f x, expected >= 1.15; %s; load average %.1f on %d cores"
              % (speedup, "; ".join("%s: wall %.2f s, CPU %.2f s, parallelism %.2f" % (label, r[0], r[2], r[3])
                                    for label, r in rows.items() if label in ("one thread", "a thread per core")),
                 os.getloadavg()[0], cores))
    per_loop = timeit_per_loop(s)
    check(len(per_loop) == 3, "W1: %timeit of a thread, a worker process and a virtual thread", repr(per_loop))
    if len(per_loop) == 3:
        thread, process, virtual = per_loop
        measured(process > 20 * thread, "W1: a worker process costs far more to start than a thread",
              "%.0f µs vs %.1f ms" % (thread * 1e6, process * 1e3))
        measured(virtual < 1e-3, "W1: a virtual thread starts in well under a millisecond", "%.1f µs" % (virtual * 1e6))
    platform = rows.get("10,000 platform threads", (None,))[0]
    virtual = rows.get("10,000 virtual threads", (None,))[0]
    bounded("W1: 10,000 virtual threads waiting 1 s take about 1 s", virtual, 0.95, 3.0)
    measured(platform is not None and virtual is not None and virtual <= platform * 1.1,
          "W1: virtual threads are no slower than platform threads for 10,000 waits", "%s / %s" % (virtual, platform))


# ---------------------------------------------------------------------------------------------------------------


def stored_notebook_is_clean(name, nb):
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    check(counts == list(range(1, len(code) + 1)), name + " (stored): execution counts 1..%d in order" % len(code),
          repr(counts) if counts != list(range(1, len(code) + 1)) else "")
    with_output = sum(1 for c in code if c.outputs)
    check(with_output > len(code) // 2, name + " (stored): saved with its outputs",
          "%d of %d code cells show output" % (with_output, len(code)))
    check(nb.metadata.get("kernelspec", {}).get("name") == "threadbook",
          name + " (stored): kernelspec 'threadbook'")
    # Only the tags the course tools read: nbval's (an output that varies) and papermill's (the parameters cell).
    extra = [(i, dict(c.metadata)) for i, c in enumerate(nb.cells)
             if set(c.metadata) - {"tags"} or set(c.metadata.get("tags", [])) - TOOL_TAGS]
    check(not extra, name + " (stored): no cell metadata but nbval's and papermill's tags", repr(extra[:3]))
    check(not any(o.output_type == "error" for c in code for o in c.outputs), name + " (stored): no errors")


def execute(path):
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=120, allow_errors=True,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    began = time.monotonic()
    client.execute()
    took = time.monotonic() - began
    errors = [(cell.execution_count, o.get("ename"), o.get("evalue")) for cell in nb.cells if cell.cell_type == "code"
              for o in cell.outputs if o.output_type == "error"]
    check(not errors, path.name + ": every cell ran without an error", repr(errors) if errors else "%.0f s" % took)
    check(took < 60, path.name + ": the whole notebook runs in under a minute", "%.0f s" % took)
    return nb


def committed(path):
    """The notebook as committed (HEAD), as text; None when git has no such file (not a checkout, a new file)."""
    try:
        shown = subprocess.run(["git", "-C", str(REPO), "show", "HEAD:" + path.relative_to(REPO).as_posix()],
                               capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    except OSError:
        return None
    return shown.stdout.decode("utf-8") if shown.returncode == 0 else None


def check_stored(path):
    """The working tree's copy, and the committed one when a set-up run (install.sh --execute) rewrote it."""
    global measures
    text = path.read_text(encoding="utf-8")
    shipped = committed(path)
    copies = [("", text, True)]
    if shipped is None:
        print("NOTE  %s is not in git's HEAD: only this copy is checked, without its measurements" % path.name)
        copies = [("", text, False)]
    elif shipped != text:
        print("NOTE  %s differs from HEAD's (a set-up run rewrote its outputs?): this copy is checked without its"
              " measurements, HEAD's with them" % path.name)
        copies = [("", text, False), (" (HEAD)", shipped, True)]
    ids = set()
    for label, content, with_measures in copies:
        nb = nbformat.reads(content, as_version=4)
        measures = with_measures
        try:
            stored_notebook_is_clean(path.name + label, nb)
            ids.update(check_examples(nb))
        finally:
            measures = True
    return ids


def check_executed(path, folder):
    """The notebook as another tool ran it just now (nbval, through nbval_outputs.py), saved in folder."""
    ran = folder / path.name
    if not check(ran.exists(), path.name + ": run and saved by nbval_outputs.py", str(ran)):
        return set()
    nb = nbformat.read(str(ran), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    check(counts == list(range(1, len(code) + 1)), path.name + ": every code cell ran, in order", repr(counts))
    errors = [(c.execution_count, o.get("ename"), o.get("evalue")) for c in code for o in c.outputs
              if o.output_type == "error"]
    check(not errors, path.name + ": every cell ran without an error", repr(errors)[:2000])
    return check_examples(nb)


def main():
    # --stored: check the outputs saved in the notebooks instead of running them again; --executed DIR: the outputs
    # of the run nbval made (CourseToolsIT). JupyterLabIT applies check_examples to the page of the notebook it runs.
    args = sys.argv[1:]
    global cores_idle
    stored = "--stored" in args
    cores_idle = "--cores-shared" not in args
    executed = Path(args[args.index("--executed") + 1]) if "--executed" in args else None
    only = args[args.index("--only") + 1].split(",") if "--only" in args else None
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if only is not None:
        check(set(only) <= {p.name for p in paths}, "--only names notebooks of " + str(NOTEBOOKS), ", ".join(only))
        paths = [p for p in paths if p.name in only]
    print("kernel %s, %d notebooks in %s, %d cores, %s" % (KERNEL, len(paths), NOTEBOOKS, CORES,
                                                          "stored outputs" if stored else
                                                          "as run in %s" % executed if executed else "executed now"))
    if executed is not None and (executed / "MISSING").exists():
        check(False, "nbval_outputs.py kept every cell's outputs", (executed / "MISSING").read_text().strip())
    seen = set()
    for path in paths:
        print("--- " + path.name)
        if stored:
            seen.update(check_stored(path))
        elif executed is not None:
            seen.update(check_executed(path, executed))
        else:
            stored_notebook_is_clean(path.name, nbformat.read(str(path), as_version=4))
            seen.update(check_examples(execute(path)))
    missing = [i for i in IDS if i not in seen]
    if only is not None:
        missing = []  # some notebooks only: the others hold the rest of the catalogue
    check(not missing, "every catalogue id has a section in a notebook", "missing: " + ", ".join(missing) if missing else "")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def check_examples(nb):
    """Checks each example of the catalogue a run notebook holds (its outputs, however it was run: nbclient here,
    JupyterLab in jupyterlab_run.py). Returns the catalogue ids it found."""
    sections = sections_of(nb)
    notebook_pid, kernel_pid = notebook_pids(sections)
    checks = {
        "T1": lambda s: check_T1(s),
        "T2": lambda s: check_T2(s),
        "P1": lambda s: check_P1(s, notebook_pid, kernel_pid),
        "P2": lambda s: check_P2(s, notebook_pid, kernel_pid),
        "A1": check_A1,
        "A2": check_A2,
        "A3": check_A3,
        "R1": check_R1,
    }
    for ident, run in checks.items():
        if ident in sections:
            run(sections[ident])
    if "R1" in sections:
        # The notebook's last cell stops R1's server, after the exercises that use it.
        check(any("server stopped" in section.text for section in sections.values()),
              "R1: the server is stopped at the end")
    if "W2" in sections:
        if "P1" in sections or "P2" in sections:
            check_W2_processes(sections["W2"], notebook_pid)
        else:
            check_W2_threads(sections["W2"])
    if "W1" in sections:
        check_W1(sections)
    for key, section in sections.items():
        if key.startswith("%%processes"):
            check_processes_magic(section, notebook_pid)
        if key.startswith("Pre-started processes") and "P1" in sections:
            check_prestarted(section, sections["P1"])
        if key.startswith("Thousands of waits"):
            check_thousands(section)
    return {k for k in sections if k in IDS}


if __name__ == "__main__":
    sys.exit(main())
