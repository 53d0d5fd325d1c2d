"""Kernel subshells (JEP 91) against the real kernel through jupyter_client, ported from ipykernel 7's own
tests (tests/test_subshells.py: create, list, delete, unknown ids, concurrent runs, interrupt of one subshell,
order of replies, execution counts), with the checks that matter for Java: a subshell reads the state of the
notebook's running cell, and may not replace what that cell uses. One kernel for all of them (run in order).

Run by SubshellsIT with THREADBOOK_KERNEL naming the installed kernelspec; prints one line per check.
"""
import os
import sys
import time
import unittest
import uuid

from jupyter_client.manager import start_new_kernel

TIMEOUT = int(os.environ.get("SUBSHELLS_TIMEOUT", "60"))  # a smaller one to watch them fail on older kernels


class Subshells(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=os.environ["THREADBOOK_KERNEL"], startup_timeout=120)
        cls.shell_replies = {}
        cls.iopub = []

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    # --- helpers -------------------------------------------------------------------------------------
    def control(self, msg_type, content=None, subshell_id=None):
        msg = self.kc.session.msg(msg_type, content or {})
        if subshell_id is not None:
            msg["header"]["subshell_id"] = subshell_id
        self.kc.control_channel.send(msg)
        while True:
            reply = self.kc.control_channel.get_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                return reply

    def create(self):
        reply = self.control("create_subshell_request")
        self.assertEqual(reply["header"]["msg_type"], "create_subshell_reply")
        self.assertEqual(reply["content"]["status"], "ok")
        return reply["content"]["subshell_id"]

    def list_ids(self):
        reply = self.control("list_subshell_request")
        self.assertEqual(reply["header"]["msg_type"], "list_subshell_reply")
        self.assertEqual(reply["content"]["status"], "ok")
        return sorted(reply["content"]["subshell_id"])

    def delete(self, subshell_id):
        return self.control("delete_subshell_request", {"subshell_id": subshell_id})

    def send(self, code, subshell_id=None, msg_type="execute_request", content=None):
        if content is None:
            content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                       "allow_stdin": False, "stop_on_error": True}
        msg = self.kc.session.msg(msg_type, content)
        if subshell_id is not None:
            msg["header"]["subshell_id"] = subshell_id
        self.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def reply(self, msg_id, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while msg_id not in self.shell_replies:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no reply to " + msg_id)
            try:
                m = self.kc.get_shell_msg(timeout=min(left, 1))
            except Exception:
                continue
            self.shell_replies[m["parent_header"].get("msg_id")] = m
        return self.shell_replies.pop(msg_id)

    def replied(self, msg_id):
        """Whether the reply came already (without waiting)."""
        while True:
            try:
                m = self.kc.get_shell_msg(timeout=0.01)
            except Exception:
                break
            self.shell_replies[m["parent_header"].get("msg_id")] = m
        return msg_id in self.shell_replies

    def value(self, msg_id):
        """The text/plain result of an execute_request (its execute_result on iopub)."""
        self.reply_ok(msg_id)
        for m in self.iopub_of(msg_id):
            if m["header"]["msg_type"] == "execute_result":
                return m["content"]["data"]["text/plain"]
        return None

    def reply_ok(self, msg_id):
        r = self.reply(msg_id)
        self.assertEqual(r["content"]["status"], "ok", r["content"])
        return r

    def iopub_of(self, msg_id, until_idle=True):
        deadline = time.monotonic() + TIMEOUT
        while until_idle and not any(m["parent_header"].get("msg_id") == msg_id
                                     and m["header"]["msg_type"] == "status"
                                     and m["content"]["execution_state"] == "idle" for m in self.iopub):
            self.assertLess(time.monotonic(), deadline, "no idle status for " + msg_id)
            try:
                self.iopub.append(self.kc.get_iopub_msg(timeout=1))
            except Exception:
                pass
        return [m for m in self.iopub if m["parent_header"].get("msg_id") == msg_id]

    def await_started(self, msg_id):
        """Until the cell's execute_input is out, and a little more: into its code, past compiling."""
        deadline = time.monotonic() + TIMEOUT
        while not any(m["header"]["msg_type"] == "execute_input" for m in self.iopub_of(msg_id, until_idle=False)):
            self.assertLess(time.monotonic(), deadline)
            try:
                self.iopub.append(self.kc.get_iopub_msg(timeout=1))
            except Exception:
                pass
        time.sleep(0.3)  # an interrupt before the code starts takes another path, tested elsewhere

    def run_code(self, code, subshell_id=None):
        return self.value(self.send(code, subshell_id))

    # --- checks, in order (unittest sorts by name) ----------------------------------------------------
    def test_01_supported(self):
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertIn("kernel subshells", reply["content"]["supported_features"])

    def test_02_lifetime(self):
        self.assertEqual(self.list_ids(), [])
        a = self.create()
        self.assertEqual(self.list_ids(), [a])
        b = self.create()
        self.assertNotEqual(a, b)
        self.assertEqual(self.list_ids(), sorted([a, b]))
        self.assertEqual(self.delete(a)["content"]["status"], "ok")
        self.assertEqual(self.list_ids(), [b])
        self.assertEqual(self.delete(b)["header"]["msg_type"], "delete_subshell_reply")
        self.assertEqual(self.list_ids(), [])

    def test_03_unknown_ids(self):
        unknown = str(uuid.uuid4())
        reply = self.delete(unknown)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("Unknown subshell_id", reply["content"]["evalue"])
        r = self.reply(self.send("1 + 1", unknown))
        self.assertEqual(r["header"]["msg_type"], "execute_reply")
        self.assertEqual(r["content"]["status"], "error")
        self.assertIn(unknown, r["content"]["evalue"])

    def test_04_execution_counts_and_shared_definitions(self):
        main_before = self.reply_ok(self.send("int shared = 41;"))["content"]["execution_count"]
        s = self.create()
        counts = [self.reply_ok(self.send("shared + 1", s))["content"]["execution_count"] for _ in range(3)]
        self.assertEqual(counts, [1, 2, 3])
        self.assertEqual(self.run_code("shared + 1", s), "42")
        self.assertEqual(self.reply_ok(self.send("shared"))["content"]["execution_count"], main_before + 1)
        # ipykernel's test_thread_ids: a subshell's code runs on a thread of its own.
        self.assertNotEqual(self.run_code("Thread.currentThread().getName()", s), self.run_code("Thread.currentThread().getName()"))
        self.assertEqual(self.run_code("int fromSubshell = 7;", s), None)
        self.assertEqual(self.run_code("fromSubshell * 6"), "42")
        self.delete(s)

    def test_05_replies_in_order_within_a_subshell(self):
        s = self.create()
        ids = [self.send("Thread.sleep(%d); %d" % ((5 - i) * 20, i), s) for i in range(5)]
        order = []
        while len(order) < len(ids):
            m = self.kc.get_shell_msg(timeout=TIMEOUT)
            parent = m["parent_header"].get("msg_id")
            if parent in ids:
                order.append(parent)
                self.assertEqual(m["parent_header"].get("subshell_id"), s)
        self.assertEqual(order, ids)
        self.delete(s)

    def test_06_concurrent(self):
        # Three cells that each wait for the other two: they end only if they run at the same time.
        self.reply_ok(self.send("CountDownLatch meet = new CountDownLatch(3);"))
        a, b = self.create(), self.create()
        code = "meet.countDown(); meet.await(30, TimeUnit.SECONDS)"
        ids = [self.send(code), self.send(code, a), self.send(code, b)]
        self.assertEqual([self.value(i) for i in ids], ["true", "true", "true"])
        # ipykernel's test_idle_message_parent_headers: each request's busy and idle name it and its subshell.
        for msg_id, sid in zip(ids, [None, a, b]):
            states = [m for m in self.iopub_of(msg_id) if m["header"]["msg_type"] == "status"]
            self.assertEqual([m["content"]["execution_state"] for m in states], ["busy", "idle"])
            self.assertTrue(all(m["parent_header"].get("subshell_id") == sid for m in states))
        self.delete(a)
        self.delete(b)

    def test_07_subshell_reads_a_running_cell(self):
        self.reply_ok(self.send("AtomicLong counter = new AtomicLong(); AtomicBoolean stopMain = new AtomicBoolean(); int assigned = 0;"))
        s = self.create()
        main = self.send("while (!stopMain.get()) { counter.incrementAndGet(); Thread.sleep(1); } \"main done\"")
        deadline = time.monotonic() + TIMEOUT
        seen, latencies = 0, []
        while seen == 0:
            self.assertLess(time.monotonic(), deadline)
            t0 = time.monotonic()
            seen = int(self.run_code("counter.get()", s))
            latencies.append(time.monotonic() - t0)
        latencies = []  # the first read opened the subshell's connection: not counted
        for _ in range(10):
            t0 = time.monotonic()
            later = int(self.run_code("counter.get()", s))
            latencies.append(time.monotonic() - t0)
            self.assertGreaterEqual(later, seen)
            seen = later
        self.assertFalse(self.replied(main), "the main cell ended before it was told to")
        # JupyterLab's subshell console asks kernel_info on the main shell first, while the cell runs.
        info = self.reply(self.send(None, msg_type="kernel_info_request", content={}), timeout=20)
        self.assertEqual(info["content"]["status"], "ok")
        self.assertFalse(self.replied(main))
        # Output of a subshell's cell goes under its request, with the subshell named in the parent header.
        out = self.send('System.out.println("hello from the subshell")', s)
        self.reply_ok(out)
        streams = [m for m in self.iopub_of(out) if m["header"]["msg_type"] == "stream"]
        self.assertEqual("".join(m["content"]["text"] for m in streams), "hello from the subshell\n")
        self.assertTrue(all(m["parent_header"].get("subshell_id") == s for m in streams))
        # %threads from the subshell while the main cell runs: the agent answers on the subshell's connection.
        threads = self.send("%threads", s)
        self.reply_ok(threads)
        text = "".join(m["content"].get("text", "") + m["content"].get("data", {}).get("text/plain", "")
                       for m in self.iopub_of(threads) if m["header"]["msg_type"] in ("stream", "display_data"))
        self.assertIn("thread", text.lower())
        # Completion in the subshell, against the shared definitions, while the main cell runs.
        done = self.reply(self.send(None, s, "complete_request", {"code": "count", "cursor_pos": 5}))
        self.assertIn("counter", done["content"]["matches"])
        # Replacing what the running cell uses is refused; a new name is fine.
        refused = self.reply(self.send("AtomicLong counter = new AtomicLong(100);", s))
        self.assertEqual(refused["content"]["status"], "error")
        self.assertEqual(refused["content"]["ename"], "SubshellRedefinition")
        self.assertIn("counter", refused["content"]["evalue"])
        self.assertEqual(self.run_code("long snapshot = counter.get(); snapshot > 0", s), "true")
        self.assertEqual(self.run_code("assigned = 5;", s), None)
        self.assertEqual(self.run_code("assigned", s), "5")
        self.assertFalse(self.replied(main))
        self.run_code("stopMain.set(true);", s)
        self.assertEqual(self.value(main), '"main done"')
        print("subshell reply while the main cell runs: median %.1f ms, max %.1f ms over %d"
              % (sorted(latencies)[len(latencies) // 2] * 1000, max(latencies) * 1000, len(latencies)))
        self.delete(s)

    def test_08_interrupt_one_subshell(self):
        self.reply_ok(self.send("AtomicBoolean release = new AtomicBoolean();"))
        a, b = self.create(), self.create()
        main = self.send("while (!release.get()) Thread.sleep(5); \"main went on\"")
        stuck = self.send("Thread.sleep(600_000); \"not interrupted\"", a)
        other = self.send("while (!release.get()) Thread.sleep(5); \"b went on\"", b)
        self.await_started(stuck)
        self.assertEqual(self.control("interrupt_request", subshell_id=a)["content"]["status"], "ok")
        r = self.reply(stuck, timeout=20)
        self.assertEqual(r["content"]["status"], "error")
        self.assertFalse(self.replied(main), "the interrupt of a subshell stopped the main cell")
        self.assertFalse(self.replied(other), "the interrupt of a subshell stopped another subshell")
        self.assertEqual(self.run_code("release.set(true);", a), None)
        self.assertEqual(self.value(main), '"main went on"')
        self.assertEqual(self.value(other), '"b went on"')
        self.delete(a)
        self.delete(b)

    def test_09_delete_while_running(self):
        # The subshell's cell is stopped and its connection to the Java process closed; the session lives on.
        s = self.create()
        stuck = self.send("Thread.sleep(600_000);", s)
        self.await_started(stuck)
        self.assertEqual(self.delete(s)["content"]["status"], "ok")
        self.assertEqual(self.list_ids(), [])
        self.assertEqual(self.run_code("shared + 1"), "42")
        t = self.create()
        self.assertEqual(self.run_code("shared + 2", t), "43")
        self.delete(t)

    def test_10_definitions_made_while_a_cell_is_paused_in_its_code(self):
        # JShell's eval of the main cell is paused in its first snippet's code while the subshell defines a
        # method and a class; the main cell's next snippet is compiled after that, and uses both.
        self.reply_ok(self.send("AtomicBoolean go = new AtomicBoolean();"))
        s = self.create()
        main = self.send("while (!go.get()) Thread.sleep(5);\nnew Made().twice(madeInSubshell())")
        self.await_started(main)
        self.assertEqual(self.run_code("int madeInSubshell() { return 21; }", s), None)
        self.assertEqual(self.run_code("class Made { int twice(int x) { return 2 * x; } }", s), None)
        self.assertEqual(self.run_code("go.set(true);", s), None)
        self.assertEqual(self.value(main), "42")
        self.delete(s)

    def test_11_pool_output_goes_back_to_the_running_cell(self):
        # A pool thread cannot tell which cell gave it a task: its lines go to the cell running now. Once a
        # subshell's cell has ended, that is the notebook's running cell again, not the subshell's.
        self.reply_ok(self.send("ExecutorService pool = Executors.newFixedThreadPool(1); AtomicBoolean go4 = new AtomicBoolean();"))
        s = self.create()
        main = self.send("while (!go4.get()) Thread.sleep(5);\npool.submit(() -> System.out.println(\"from the pool\")).get();")
        self.await_started(main)
        # The flag is set a second after the subshell's cell returned (a thread it starts), so the pool prints
        # when only the notebook's cell runs.
        started = self.send("new Thread(() -> { try { Thread.sleep(1000); } catch (InterruptedException e) { } go4.set(true); }).start();", s)
        self.reply_ok(started)
        self.reply_ok(main)
        text = lambda msg_id: "".join(m["content"]["text"] for m in self.iopub_of(msg_id) if m["header"]["msg_type"] == "stream")
        self.assertEqual(text(main), "from the pool\n")
        self.assertEqual(text(started), "")
        self.run_code("pool.shutdown();")
        self.delete(s)

    def test_12_an_interrupt_that_names_no_subshell(self):
        # As JupyterLab sends every ■ (through the server, without subshell_id): the notebook's cell if one
        # runs, and only it; with none running, the subshells' cells.
        self.reply_ok(self.send("AtomicBoolean release2 = new AtomicBoolean();"))
        s = self.create()
        main = self.send("Thread.sleep(600_000);")
        waiting = self.send("while (!release2.get()) Thread.sleep(5); \"went on\"", s)
        self.await_started(main)
        self.await_started(waiting)
        self.assertEqual(self.control("interrupt_request")["content"]["status"], "ok")
        self.assertEqual(self.reply(main, timeout=20)["content"]["status"], "error")
        self.assertFalse(self.replied(waiting), "the notebook's interrupt stopped a subshell's cell")
        self.assertEqual(self.control("interrupt_request")["content"]["status"], "ok")
        self.assertEqual(self.reply(waiting, timeout=20)["content"]["status"], "error")
        self.assertEqual(self.run_code("release2.set(true); 1 + 1", s), "2")
        self.delete(s)

    def test_13_create_while_execute(self):
        # ipykernel's test_create_while_execute: the control channel answers while the notebook's cell runs.
        self.reply_ok(self.send("AtomicBoolean release3 = new AtomicBoolean();"))
        main = self.send("while (!release3.get()) Thread.sleep(5);")
        self.await_started(main)
        s = self.create()
        self.assertEqual(self.list_ids(), [s])
        self.assertFalse(self.replied(main))
        self.run_code("release3.set(true);", s)
        self.reply_ok(main)
        self.delete(s)

    def test_14_stop_on_error_aborts_only_that_shells_queue(self):
        # ipykernel's test_execute_stop_on_error: an error aborts the cells queued behind it in its own shell
        # only, and the next cell sent there runs. Ordered by flags, not by sleeps.
        for pair in ((False, True), (True, False), (True, True)):
            first, second = [self.create() if sub else None for sub in pair]
            self.reply_ok(self.send("AtomicBoolean fail = new AtomicBoolean();", second))
            failing = self.send("while (!fail.get()) Thread.sleep(5); throw new IllegalStateException(\"boom\");", first)
            queued = [self.send("1 + 1", first), self.send("2 + 2", first)]
            self.await_started(failing)
            others = [self.send("3 + 3", second), self.send("fail.set(true); 4 + 4", second)]
            self.assertEqual(self.reply(failing)["content"]["status"], "error")
            self.assertEqual([self.reply(q)["content"]["status"] for q in queued], ["aborted", "aborted"], pair)
            self.assertEqual([self.value(o) for o in others], ["6", "8"])
            self.assertEqual(self.run_code("5 + 5", first), "10")
            for sid in (first, second):
                if sid:
                    self.delete(sid)

    def test_99_shutdown_with_a_subshell(self):
        # ipykernel's test_shutdown_with_subshell (last: it ends the kernel of the other checks).
        s = self.create()
        self.assertEqual(self.list_ids(), [s])
        self.kc.shutdown()
        deadline = time.monotonic() + 20
        while self.km.is_alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertFalse(self.km.is_alive())


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)
