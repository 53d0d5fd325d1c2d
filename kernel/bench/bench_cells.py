"""The cells the benchmark runs, in Java for Threadbook and in Python for ipykernel, and the notebooks' examples."""

import json
import os

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
    with open(os.path.join(REPO, "notebooks", notebook + ".ipynb"), encoding="utf-8") as f:
        nb = json.load(f)
    return {c.get("id"): "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"}
