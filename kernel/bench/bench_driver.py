"""One kernel, started with jupyter_client's KernelManager and driven by a BlockingKernelClient."""

import os
import queue
import time

from jupyter_client import KernelManager

from bench_cells import TRIVIAL
from bench_processes import process_tree

now = time.perf_counter

CELL_TIMEOUT = 60.0        # seconds a cell may take before its row says "timeout"
INTERRUPT_TIMEOUT = 10.0   # seconds from interrupt_request to the interrupted cell's execute_reply
START_TIMEOUT = 60.0       # seconds from start_kernel() to kernel_info_reply
COMPLETE_TIMEOUT = 30.0


class Timeout(Exception):
    pass


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
        root = self.pid()
        if root:
            self.pids.update(process_tree(root)[1:])

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
