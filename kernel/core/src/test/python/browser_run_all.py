"""End-to-end browser test: notebooks/00-start-here.ipynb in real Jupyter Notebook (classic 6.x), in
headless Chromium driven by chromedriver through Selenium, run with Cell > Run All clicked as a person would,
its outputs checked in the page and a screenshot kept.

The checks, in the page's DOM: every code cell ran, in order, and no cell shows an error (.output_error); the
start notebook's first cell shows "Hello from Java" (and, if the notebook has that cell, a thread's late line
shows under its own cell); the T1 cell (two threads: "Start Task 1" and "Start Task 2" before any "End Task",
"All tasks done!" and a measured time "about 2 s, not 4"). The T1 cell is found by its source, not its index; if
the start notebook no longer holds it, the notebook next to it that does (01-threads) is run too, in a second tab,
with its own screenshot next to the first (run-all-01-threads.png beside run-all.png).

Run with Debian's /usr/bin/python3 (it needs Debian's jupyter-notebook, chromium, chromium-driver and
python3-selenium). Environment:
  JUPYTER_PATH            where the kernelspec to use is installed (e.g. PREFIX/share/jupyter)
  THREADBOOK_KERNEL       the kernelspec name (default: threadbook)
  THREADBOOK_SCREENSHOT   where to save the screenshot (default: kernel/core/target/browser/run-all.png)
  THREADBOOK_NOTEBOOK     the notebook to run (default: the repository's notebooks/00-start-here.ipynb)
  THREADBOOK_BROWSER_KEEP if set, keep the temporary folder (the copies, the server's and chromedriver's logs)

The repository's notebooks are never touched: temporary copies, with their outputs cleared (so what the page shows
was produced by this run) and their kernelspec set to THREADBOOK_KERNEL, are what Notebook serves. Prints one line
per check and ends with "N passed, M failed"; exits non-zero if any check failed. Everything it starts (the
notebook server, its kernels, chromedriver, Chromium) is stopped before it exits, also when a check fails or
something breaks.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[4]  # kernel/core/src/test/python -> the repository
CORE = HERE.parents[2]  # kernel/core
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

KERNEL_START_TIMEOUT = 90   # s: page loaded and the kernel idle
RUN_TIMEOUT = 120           # s: Run All until every code cell has finished
T0 = time.monotonic()


def log(msg):
    print("[%5.1f s] %s" % (time.monotonic() - T0, msg), flush=True)


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            log("PASS " + name)
        else:
            self.failed += 1
            log("FAIL " + name + (": " + detail if detail else ""))
        return ok


# --- processes -------------------------------------------------------------------------------------------

def children_of(pid):
    """The pids of every live descendant of pid (read from /proc, so no psutil needed)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def identity(pid):
    """(state, start time) of a process, or None if it is gone: the start time tells a pid reused by another
    process from the one we saw."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return fields[0], fields[19]
    except (OSError, IndexError):
        return None


def alive(proc):
    """proc is (pid, start time); alive if that very process still runs (a zombie counts as gone)."""
    now = identity(proc[0])
    return now is not None and now[0] != "Z" and now[1] == proc[1]


def kill_all(procs):
    for proc in procs:
        if alive(proc):
            try:
                os.kill(proc[0], signal.SIGKILL)
            except OSError:
                pass


def wait_gone(procs, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(alive(p) for p in procs):
            return True
        time.sleep(0.1)
    return not any(alive(p) for p in procs)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the notebook ----------------------------------------------------------------------------------------

def source_of(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def prepare_copy(original, folder, kernel):
    """Copies the notebook into folder with its outputs and execution counts cleared and its kernelspec set."""
    for attempt in range(5):  # `install.sh --execute` may be saving it right now: read it again then
        try:
            with open(original, encoding="utf-8") as f:
                nb = json.load(f)
            break
        except json.JSONDecodeError:
            if attempt == 4:
                raise
            time.sleep(0.5)
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    spec = nb.setdefault("metadata", {}).setdefault("kernelspec", {})
    spec["name"] = kernel
    spec.setdefault("language", "java")
    spec.setdefault("display_name", "Java (Threadbook)")
    copy = folder / original.name
    with open(copy, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")
    return copy, nb


# --- the page --------------------------------------------------------------------------------------------

# What a code cell shows in the page: its prompt, its source (CodeMirror's lines) and the text of its outputs.
CELLS_JS = """
return Array.from(document.querySelectorAll('#notebook-container > .cell')).map(function (c) {
  var prompt = c.querySelector('.input_prompt');
  var lines = Array.from(c.querySelectorAll('.input_area .CodeMirror-line')).map(function (l) { return l.textContent; });
  var outs = Array.from(c.querySelectorAll('.output_area')).map(function (o) {
    return {cls: o.querySelector('.output_subarea') ? o.querySelector('.output_subarea').className : '',
            text: o.innerText};
  });
  return {code: c.classList.contains('code_cell'), prompt: prompt ? prompt.textContent.replace(/\\u00a0/g, ' ') : '',
          source: lines.join('\\n'), outputs: outs};
});
"""


def page_cells(driver):
    return driver.execute_script(CELLS_JS)


def kernel_state(driver):
    return driver.execute_script(
        "var i = document.getElementById('kernel_indicator_icon'); return i ? i.className : '';")


def wait_for(what, timeout, poll, condition):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(poll)
    raise TimeoutError("timed out after %d s waiting for %s" % (timeout, what))


def prompt_number(prompt):
    m = re.search(r"\[\s*(\d+)\s*\]", prompt)
    return int(m.group(1)) if m else None


def full_page_screenshot(driver, path):
    """Makes the window tall enough for the whole notebook (Notebook scrolls #site, not the body) and saves it."""
    driver.execute_script("var s = document.getElementById('site'); if (s) s.scrollTop = 0;")
    needed = driver.execute_script("""
      var h = document.getElementById('header'), s = document.getElementById('site');
      return (h ? h.offsetHeight : 0) + (s ? s.scrollHeight : document.body.scrollHeight) + 40;""")
    needed = max(800, min(int(needed), 12000))
    width = 1280
    driver.set_window_size(width, needed)
    time.sleep(0.3)
    inner = driver.execute_script("return window.innerHeight;")
    if inner < needed:  # the window manager (or headless screen) kept it smaller: size the viewport itself
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": needed, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_script("window.dispatchEvent(new Event('resize'));")
    time.sleep(0.5)
    driver.execute_script("var s = document.getElementById('site'); if (s) s.scrollTop = 0;")
    path.parent.mkdir(parents=True, exist_ok=True)
    png = driver.get_screenshot_as_png()
    with open(path, "wb") as f:
        f.write(png)
    return len(png)


# --- main ------------------------------------------------------------------------------------------------

def is_t1(cell):
    src = source_of(cell)
    return cell.get("cell_type") == "code" and ('task("Task 1")' in src or "Start Task" in src)


def find_t1(original, start_nb):
    """The notebook holding the T1 cell (two threads, "about 2 s, not 4"): the start notebook if it does, else the
    first of its folder's notebooks that does (the course has moved it between notebooks before)."""
    if any(is_t1(c) for c in start_nb["cells"]):
        return original
    for other in sorted(original.parent.glob("*.ipynb")):
        if other != original:
            try:
                with open(other, encoding="utf-8") as f:
                    if any(is_t1(c) for c in json.load(f)["cells"]):
                        return other
            except (OSError, ValueError, KeyError):
                continue
    return None


def run_all_in_page(driver, url, nb, label, checks):
    """Opens a notebook's page, waits for its kernel, clicks Cell > Run All and waits until every code cell has
    finished. Returns what the page shows of each cell."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    log("%s: opened %s" % (label, url.split("?")[0]))
    wait_for("the notebook page", 60, 0.2,
             lambda: driver.execute_script("return !!document.querySelector('#notebook-container .cell');"))
    wait_for("the kernel to be idle", KERNEL_START_TIMEOUT, 0.2, lambda: "kernel_idle_icon" in kernel_state(driver))
    kernel_name = driver.execute_script(
        "var n = document.querySelector('#kernel_indicator .kernel_indicator_name'); return n ? n.textContent : '';")
    log("%s: kernel idle; the page says the kernel is '%s'" % (label, kernel_name))
    checks.check("%s: the page runs the Threadbook kernel" % label, "Threadbook" in kernel_name, repr(kernel_name))

    before = page_cells(driver)
    if len(before) != len(nb["cells"]):
        raise RuntimeError("the page shows %d cells, the notebook has %d" % (len(before), len(nb["cells"])))
    leftover = [c for c in before if c["code"] and (c["outputs"] or prompt_number(c["prompt"]) is not None)]
    if leftover:
        raise RuntimeError("the copy was not cleared: %s" % leftover)

    # Run All, by the menu, as a person would.
    wait = WebDriverWait(driver, 20)
    wait.until(EC.element_to_be_clickable((By.ID, "celllink"))).click()
    run_all = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#run_all_cells > a")))
    log("%s: Cell menu open; clicking '%s'" % (label, run_all.text.strip()))
    started = time.monotonic()
    run_all.click()

    # Run All marks every code cell In [*] at once; each gets its number when it has run (or loses the * if the
    # kernel aborts it after an earlier error). Done: no * left and the kernel idle, seen twice in a row.
    quiet = []

    def finished():
        state = kernel_state(driver)
        if "kernel_dead_icon" in state:
            raise RuntimeError("the kernel died")
        prompts = "".join(c["prompt"] for c in page_cells(driver) if c["code"])
        quiet.append("*" not in prompts and "kernel_idle_icon" in state)
        return len(quiet) >= 2 and quiet[-1] and quiet[-2]
    wait_for("every code cell to finish", RUN_TIMEOUT, 0.25, finished)
    cells = page_cells(driver)
    log("%s: Run All finished in %.1f s" % (label, time.monotonic() - started))
    for c in cells:
        if c["code"]:
            first = c["source"].split("\n", 1)[0]
            log("  %-9s %-50s -> %s" % (c["prompt"].strip(), first[:50],
                                         " | ".join(o["text"].strip().replace("\n", " / ") for o in c["outputs"])[:150]))
    code = [c for c in cells if c["code"]]
    numbers = [prompt_number(c["prompt"]) for c in code]
    checks.check("%s: every code cell ran, in order" % label, numbers == list(range(1, len(code) + 1)), str(numbers))
    errors = driver.find_elements(By.CSS_SELECTOR, ".output_error")
    checks.check("%s: no error output (.output_error)" % label, not errors,
                 " | ".join(e.text for e in errors)[:2000])
    return cells


def check_start(driver, cells, nb, label, checks):
    code = [c for c in cells if c["code"]]
    first_out = "\n".join(o["text"] for o in code[0]["outputs"]) if code else ""
    checks.check("%s: the first cell shows 'Hello from Java'" % label, "Hello from Java" in first_out, repr(first_out))
    # "Output follows the thread": a line a thread prints after its cell ended is shown under that cell, which only
    # a live frontend shows (a batch run stops listening when the cell ends). Checked if the notebook has it.
    late = "printed 0.5 s after its cell ended"
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") == "code" and late in source_of(cell):
            def shown():
                return late in "\n".join(o["text"] for o in page_cells(driver)[i]["outputs"])
            try:
                wait_for("the thread's late line under its cell", 30, 0.25, shown)
            except TimeoutError:
                pass  # reported below, with what the cell shows
            out = "\n".join(o["text"] for o in page_cells(driver)[i]["outputs"])
            checks.check("%s: a thread's late line shows under its own cell" % label, late in out, repr(out))
            break


def check_t1(cells, nb, label, checks):
    index = next(i for i, c in enumerate(nb["cells"]) if is_t1(c))
    if "Task 1" not in cells[index]["source"]:
        raise RuntimeError("cell %d of the page is not the T1 cell:\n%s" % (index, cells[index]["source"]))
    out = "\n".join(o["text"] for o in cells[index]["outputs"])
    lines = [l.strip() for l in out.splitlines() if l.strip()]

    def where(text):
        return next((i for i, l in enumerate(lines) if text in l), None)
    s1, s2, e = where("Start Task 1"), where("Start Task 2"), where("End Task")
    checks.check("%s: T1 shows 'Start Task 1' and 'Start Task 2' before any 'End Task'" % label,
                 None not in (s1, s2, e) and max(s1, s2) < e, repr(lines))
    checks.check("%s: T1 shows 'All tasks done!'" % label, where("All tasks done!") is not None, repr(lines))
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*s\b[^\n]*about 2 s, not 4", out)
    seconds = float(m.group(1).replace(",", ".")) if m else None
    checks.check("%s: T1 shows a measured time 'about 2 s, not 4' (%s s)" % (label, m.group(1) if m else "?"),
                 seconds is not None and 1.9 <= seconds < 4.0, repr(lines))


def main():
    checks = Checks()
    kernel = os.environ.get("THREADBOOK_KERNEL", "threadbook")
    original = Path(os.environ.get("THREADBOOK_NOTEBOOK", REPO / "notebooks" / "00-start-here.ipynb"))
    shot = Path(os.environ.get("THREADBOOK_SCREENSHOT", CORE / "target" / "browser" / "run-all.png"))
    work = Path(tempfile.mkdtemp(prefix="threadbook-browser-"))
    nbdir, profile, jupyter_cfg, jupyter_data, runtime = (
        work / d for d in ("notebooks", "chromium-profile", "jupyter-config", "jupyter-data", "jupyter-runtime"))
    for d in (nbdir, profile, jupyter_cfg, jupyter_data, runtime):
        d.mkdir()
    server = driver = service = None
    server_log_path = work / "notebook-server.log"
    driver_log_path = work / "chromedriver.log"
    tracked = set()  # (pid, start time) of every process started here, directly or not: none may outlive the test

    def track():
        for p in (server, getattr(service, "process", None)):
            if p is not None and p.poll() is None:
                for pid in [p.pid] + children_of(p.pid):
                    ident = identity(pid)
                    if ident is not None:
                        tracked.add((pid, ident[1]))

    try:
        log("kernel: %s (JUPYTER_PATH=%s)" % (kernel, os.environ.get("JUPYTER_PATH", "")))
        # The notebooks to run: the start notebook, and the one holding T1 if that is another one.
        runs = []  # (label, copy, nb, screenshot)
        copy, nb = prepare_copy(original, nbdir, kernel)
        runs.append((original.stem, copy, nb, shot))
        t1_notebook = find_t1(original, nb)
        if not checks.check("a notebook next to %s holds the T1 cell (task(\"Task 1\") / \"Start Task\")"
                            % original.name, t1_notebook is not None):
            t1_notebook = None
        elif t1_notebook != original:
            t1_copy, t1_nb = prepare_copy(t1_notebook, nbdir, kernel)
            runs.append((t1_notebook.stem, t1_copy, t1_nb, shot.with_name("%s-%s%s" % (shot.stem, t1_notebook.stem, shot.suffix))))
        for label, c, n, _ in runs:
            log("%s: copied, outputs cleared, to %s (%d cells, %d code%s)"
                % (label, c, len(n["cells"]), sum(1 for x in n["cells"] if x.get("cell_type") == "code"),
                   "; T1 is cell %d" % next(i for i, x in enumerate(n["cells"]) if is_t1(x))
                   if any(is_t1(x) for x in n["cells"]) else ""))

        # The notebook server.
        token = secrets.token_hex(24)
        port = free_port()
        # The user's own Jupyter config, data (trust database, nbextensions) and runtime folders stay out of it;
        # kernelspecs come from JUPYTER_PATH (and the system's folders).
        # The token travels in the environment: a command line is readable by every user of the machine.
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(jupyter_cfg), JUPYTER_DATA_DIR=str(jupyter_data),
                   JUPYTER_RUNTIME_DIR=str(runtime), JUPYTER_TOKEN=token, PYTHONUNBUFFERED="1")
        server_log = open(server_log_path, "w")
        server = subprocess.Popen(
            ["/usr/bin/python3", "-m", "notebook", "--no-browser", "--ip=127.0.0.1", "--port=%d" % port,
             "--port-retries=0", "--notebook-dir=%s" % nbdir,
             "--NotebookApp.password=", "--allow-root"],
            cwd=str(nbdir), env=env, stdout=server_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        base = "http://127.0.0.1:%d" % port

        def server_up():
            if server.poll() is not None:
                raise RuntimeError("the notebook server exited with %s:\n%s" % (server.returncode, server_log_path.read_text()))
            try:
                with urllib.request.urlopen("%s/api/status?token=%s" % (base, token), timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False
        wait_for("the notebook server", 60, 0.2, server_up)
        log("notebook server (pid %d) up at %s" % (server.pid, base))
        with urllib.request.urlopen("%s/api/kernelspecs?token=%s" % (base, token), timeout=10) as r:
            specs = json.load(r)["kernelspecs"]
        if not checks.check("the notebook server knows the kernelspec '%s'" % kernel, kernel in specs,
                            "it knows only %s; is JUPYTER_PATH set?" % sorted(specs)):
            raise RuntimeError("kernelspec missing")

        # Chromium, through chromedriver.
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                    "--window-size=1280,1000", "--lang=en-US", "--user-data-dir=%s" % profile):
            options.add_argument(arg)
        service = Service(executable_path=CHROMEDRIVER, log_path=str(driver_log_path))
        driver = webdriver.Chrome(service=service, options=options)
        driver.set_page_load_timeout(60)
        track()
        log("Chromium %s started headless (chromedriver pid %d)"
            % (driver.capabilities.get("browserVersion", "?"), service.process.pid))

        for n, (label, copy, nb, png) in enumerate(runs):
            if n:
                # A tab of its own: leaving a notebook with unsaved outputs would raise a "Leave site?" dialog.
                driver.switch_to.new_window("tab")
            try:
                cells = run_all_in_page(driver, "%s/notebooks/%s?token=%s" % (base, copy.name, token), nb, label, checks)
                track()
                if n == 0:
                    check_start(driver, cells, nb, label, checks)
                if any(is_t1(c) for c in nb["cells"]):
                    check_t1(cells, nb, label, checks)
            except Exception as e:  # noqa: BLE001 - a broken run is one more failure; the next notebook still runs
                checks.check("%s: the run itself" % label, False, "%s: %s" % (type(e).__name__, e))
                traceback.print_exc(file=sys.stdout)
            finally:
                try:
                    track()
                    size = full_page_screenshot(driver, png)
                    checks.check("%s: screenshot saved: %s (%d bytes)" % (label, png, size), size > 0)
                except Exception as e:  # noqa: BLE001
                    checks.check("%s: screenshot saved" % label, False, "%s: %s" % (type(e).__name__, e))
    except Exception as e:  # noqa: BLE001 - anything that breaks the run is one more failure, reported
        checks.check("the run itself", False, "%s: %s" % (type(e).__name__, e))
        traceback.print_exc(file=sys.stdout)
    finally:
        shutdown(server, driver, service, tracked, track)
        if checks.failed:
            for name, path in (("notebook server log", server_log_path), ("chromedriver log", driver_log_path)):
                if path.exists():
                    text = path.read_text(errors="replace")
                    print("----- %s (last 4000 characters) -----\n%s" % (name, text[-4000:]), flush=True)
        if os.environ.get("THREADBOOK_BROWSER_KEEP"):
            log("kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    log("done in %.1f s" % (time.monotonic() - T0))
    print("%d passed, %d failed" % (checks.passed, checks.failed), flush=True)
    return 1 if checks.failed else 0


def shutdown(server, driver, service, tracked, track):
    """Stops Chromium and chromedriver, then the notebook server (which shuts its kernels down), then kills
    anything started here that is still alive."""
    try:
        track()
    except Exception:  # noqa: BLE001
        pass
    if driver is not None:
        try:
            driver.quit()
        except Exception as e:  # noqa: BLE001
            log("driver.quit: %s" % e)
    elif service is not None:
        try:
            service.stop()
        except Exception:  # noqa: BLE001
            pass
    if server is not None and server.poll() is None:
        server.send_signal(signal.SIGTERM)  # Notebook shuts its kernels down on SIGTERM
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            log("the notebook server did not stop in 30 s; killing it")
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
    left = [p for p in tracked if alive(p)]
    if left and not wait_gone(left, 10):
        left = [p for p in left if alive(p)]
        log("killing %d process(es) still alive: %s" % (len(left), [p[0] for p in left]))
        kill_all(left)
        wait_gone(left, 5)
    log("shut down: notebook server, kernels, chromedriver and Chromium (%d processes tracked)" % len(tracked))


if __name__ == "__main__":
    sys.exit(main())
