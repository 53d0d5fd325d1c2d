"""End-to-end browser test in JupyterLab 4 (and once in Notebook 7): the project's Jupyter environment
(install/venv.sh) serves copies of the notebooks, headless Chromium driven by chromedriver through Selenium works
them as a person would (menus, toolbar, keys), and every step leaves a screenshot. This file starts and stops
everything and runs the steps; they are in lab_scratch.py, lab_debugger.py and lab_notebooks.py, and the page they
work (with the check counts and log lines) in labkit.py.

What it does and checks, in one JupyterLab server, step by step (JupyterLabIT runs each step as its own @Test):
  completion, help, lateOutput, progress, stdin, interrupt, restart: a scratch notebook, opened with a fresh kernel
     and shared by these steps in this order: the first Tab after the kernel starts shows the completion popup;
     contextual help (Help > Show Contextual Help) for a type with the cursor inside its name and for a method; a
     thread's late line under its own cell, not under the cell running then; a progress bar updated in place (one
     output whose <progress> value grows); the stdin box (a Scanner reading System.in); the ■ button interrupting an
     endless loop; Kernel > Restart Kernel... (a new Java process, counts from 1 again).
  debugger: the visual debugger in a notebook of one cell: the bug icon switches it on, a click in the cell's gutter
     sets a breakpoint, the cell run stops there with the Callstack and Variables panels filled, Next steps one
     line, Continue runs the cell to its normal output.
  runAll: Run > Run All Cells of the notebooks in LAB_RUN_ALL (a copy with its outputs cleared), then in the page:
     every code cell ran in order, no error output, each chart rendered as an SVG in the page (an inline <svg> with
     content or a decoded SVG image), and the lines and times check_notebooks.py checks for each example (T1's in
     the page's text too); then File > Save. The other notebooks run in CourseToolsIT (nbval, with the same checks).
  charts: the other notebooks with their stored outputs, trusted: each chart is drawn as SVG.
  untrusted: the saved notebooks as another machine opens them (a copy this server did not sign, so untrusted) and
     the shipped notebooks with their stored outputs: each chart they hold is drawn (SVG, or its PNG).
  notebook7: Notebook 7 (the same server's /notebooks page): Run All of NOTEBOOK7, no error output.

Run with the environment's python (it needs JupyterLab 4, Notebook 7, Selenium; Debian's chromium and
chromium-driver). Environment:
  JUPYTER_PATH              where the kernelspec to use is installed (e.g. PREFIX/share/jupyter)
  THREADBOOK_KERNEL         the kernelspec name (default: threadbook)
  THREADBOOK_SHOTS          the folder for the screenshots (default: kernel/core/target/jupyterlab)
  THREADBOOK_NOTEBOOKS      only these notebooks (comma-separated file names; default: all)
  THREADBOOK_STEPS          only these steps (comma-separated names, as above; default: all). With --serve, the
                            steps are read from stdin instead, one name a line, after the line "READY".
                            THREADBOOK_KERNEL=python3 THREADBOOK_STEPS=debugger runs the debugger's steps against
                            ipykernel, to tell a page change from a kernel fault
  THREADBOOK_BROWSER_KEEP   if set, keep the temporary folder (copies, saved notebooks, server and driver logs)

Prints "STEP name" where each step begins and "END name: P passed, F failed" where it ends, one line per check,
"FIGURE ..." lines (time to idle, Run All time per notebook), and ends with "N passed, M failed"; exits non-zero if
any check failed. Everything it starts (the server, its kernels, chromedriver, Chromium) is stopped before it exits,
also when a check fails.
"""
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path

import labkit
from browser_run_all import alive, children_of, free_port, identity, kill_all, wait_gone
from lab_debugger import debugger_checks
from lab_notebooks import example_checks, is_t1, run_all, t1_checks_in_page, trusted_charts, untrusted_charts
from lab_scratch import (completion_checks, help_checks, interrupt_checks, late_output_checks, progress_checks,
                         restart_checks, stdin_checks)
from labkit import CORE, KERNEL, REPO, T0, Page, charts_per_cell, check, cleared, figure, log, read_json, step_start, \
    wait_for, with_kernel, write_json

STEPS = [s for s in os.environ.get("THREADBOOK_STEPS", "").split(",") if s]
SERVE = "--serve" in sys.argv[1:]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


# --- the steps ---------------------------------------------------------------------------------------------

# JupyterLabIT runs each as one @Test of the same name, in this order, sharing the server and the browser; the scratch
# steps share one notebook and its kernel, in their order (the first Tab needs a fresh start, the restart ends it).
SCRATCH_STEPS = ["completion", "help", "lateOutput", "progress", "stdin", "interrupt", "restart"]
STEP_NAMES = SCRATCH_STEPS + ["debugger", "runAll", "charts", "untrusted", "notebook7"]
# Run All in JupyterLab: the shortest notebook and the one with T1 (its lines and time in the page). The others are
# run by nbval in CourseToolsIT, where check_notebooks.py checks their examples on that run; here their charts are
# checked as the page draws them from the stored outputs (step charts), which is what a Run All would show.
LAB_RUN_ALL = ["00-start-here.ipynb", "01-threads.ipynb"]
# Notebook 7's Run All: the short notebook (the page's output area is JupyterLab's, whose Run All of 01 checks T1).
NOTEBOOK7 = "00-start-here.ipynb"


def step_names():
    """--serve: the steps to run, one name a line on stdin, until its end (or "quit")."""
    for line in sys.stdin:
        name = line.strip()
        if name == "quit":
            return
        if name:
            yield name


class Steps:
    def __init__(self, page, served, data_dir, runs):
        self.page = page
        self.served = served
        self.data_dir = data_dir
        self.runs = runs
        page.folder = served

    def run(self, name, track):
        """Runs one step; ends with "END name: P passed, F failed" (JupyterLabIT reads up to it)."""
        page = self.page
        before_p, before_f = labkit.passed, labkit.failed
        step_start(name)
        try:
            if name not in STEP_NAMES:
                raise RuntimeError("no step '%s'; the steps: %s" % (name, ", ".join(STEP_NAMES)))
            if not page.lab:
                page.load(page.lab_url)  # after Notebook 7's page
            if name not in SCRATCH_STEPS and page.path is not None:
                page.leave()
            getattr(self, name)()
        except Exception as e:  # noqa: BLE001 - a broken step is one more failure; the next step still runs
            check("%s: the step itself" % name, False, "%s: %s" % (type(e).__name__, e))
            traceback.print_exc(file=sys.stdout)
            page.shot(name + "-broken")
        finally:
            track()
            if name not in SCRATCH_STEPS:
                try:
                    page.leave()
                except Exception as e:  # noqa: BLE001
                    log("could not shut the kernels down: %s" % e)
        log("END %s: %d passed, %d failed" % (name, labkit.passed - before_p, labkit.failed - before_f))

    def completion(self):
        completion_checks(self.page, self.served)

    def help(self):
        help_checks(self.page, self.served)

    def lateOutput(self):  # noqa: N802 - named as its @Test
        late_output_checks(self.page, self.served)

    def progress(self):
        progress_checks(self.page, self.served)

    def stdin(self):
        stdin_checks(self.page, self.served)

    def interrupt(self):
        interrupt_checks(self.page, self.served)

    def restart(self):
        restart_checks(self.page, self.served)

    def debugger(self):
        debugger_checks(self.page, self.served, labkit.LANGUAGE)

    def runAll(self):  # noqa: N802 - named as its @Test
        """Run All of LAB_RUN_ALL's notebooks in JupyterLab, each checked in the page and saved."""
        page, ran = self.page, 0
        for name, ncells in self.runs:
            if name not in LAB_RUN_ALL:
                continue
            ran += 1
            nb, _ = run_all(page, name, ncells)
            page.shot(name.replace(".ipynb", "") + "-run-all")
            example_checks(nb, name)
            if any(is_t1(c) for c in nb["cells"]):
                t1_checks_in_page(page, nb, name)
            page.save()
            saved = read_json(self.served / name)
            check("%s: saved by JupyterLab with its outputs" % name,
                  sum(len(c.get("outputs", [])) for c in saved["cells"]) == sum(len(c["outputs"]) for c in nb["cells"] if c["cell_type"] == "code"))
            # The saved file as another machine sees it: this server's signature no longer matches it.
            saved.setdefault("metadata", {})["threadbook_test"] = "a copy this server did not sign"
            write_json(saved, self.served / ("saved-" + name))
            page.leave()
        check("Run All ran in JupyterLab", ran > 0, "none of %s among %s" % (LAB_RUN_ALL, [n for n, _ in self.runs]))

    def charts(self):
        """The charts of the notebooks not run in the page, from their stored outputs, trusted."""
        page, total = self.page, 0
        for name, _ in self.runs:
            if name in LAB_RUN_ALL or not any(charts_per_cell(read_json(self.served / ("shipped-" + name)))):
                continue
            trusted = "trusted-" + name
            shutil.copy(self.served / ("shipped-" + name), self.served / trusted)
            try:
                total += trusted_charts(page, trusted, "%s (stored outputs)" % name, self.data_dir)
            except Exception as e:  # noqa: BLE001
                check("%s (stored outputs): opened trusted" % name, False, "%s: %s" % (type(e).__name__, e))
                traceback.print_exc(file=sys.stdout)
            finally:
                page.leave()
        check("the notebooks not run here hold charts to look at", total > 0 or all(n in LAB_RUN_ALL for n, _ in self.runs),
              "%d chart outputs" % total)

    def untrusted(self):
        page, total = self.page, 0
        for name, _ in self.runs:
            for prefix, what in (("saved-", "saved by JupyterLab"), ("shipped-", "shipped, stored outputs")):
                path = self.served / (prefix + name)
                if path.exists() and any(charts_per_cell(read_json(path))):  # a notebook without charts: nothing to draw
                    try:
                        total += untrusted_charts(page, prefix + name, "%s (%s)" % (name, what))
                    except Exception as e:  # noqa: BLE001
                        check("%s (%s): opened untrusted" % (name, what), False, "%s: %s" % (type(e).__name__, e))
                        traceback.print_exc(file=sys.stdout)
                    finally:
                        page.leave()
        check("the notebooks hold charts to look at", total > 0, "%d chart outputs" % total)

    def notebook7(self):
        """Notebook 7 (the same server's /notebooks page): Run All once."""
        name = NOTEBOOK7 if any(n == NOTEBOOK7 for n, _ in self.runs) else self.runs[0][0]
        nb7 = "notebook7-" + name
        write_json(cleared(read_json(self.served / ("shipped-" + name))), self.served / nb7)
        nb, _ = run_all(self.page, nb7, len(read_json(self.served / nb7)["cells"]), ui="notebook")
        self.page.shot("notebook7-run-all")
        self.page.save()


# --- main --------------------------------------------------------------------------------------------------

def lab_settings(folder):
    """User settings of this run's JupyterLab: no news or update checks (no network here), no extension manager,
    every cell in the page (the windowed notebook leaves cells far from view out of the page)."""
    settings = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, value in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


def main():
    shots = Path(os.environ.get("THREADBOOK_SHOTS", CORE / "target" / "jupyterlab"))
    shutil.rmtree(shots, ignore_errors=True)  # the screenshots kept are this run's
    shots.mkdir(parents=True)
    wanted = [n for n in os.environ.get("THREADBOOK_NOTEBOOKS", "").split(",") if n]
    work = Path(tempfile.mkdtemp(prefix="threadbook-lab-"))
    served, profile, cfg, data, runtime, settings = (
        work / d for d in ("served", "chromium-profile", "jupyter-config", "jupyter-data", "jupyter-runtime", "lab-settings"))
    for d in (served, profile, cfg, data, runtime, settings):
        d.mkdir()
    lab_settings(settings)
    server = driver = service = None
    server_log_path, driver_log_path = work / "jupyterlab.log", work / "chromedriver.log"
    tracked = set()

    def track():
        for p in (server, getattr(service, "process", None)):
            if p is not None and p.poll() is None:
                for pid in [p.pid] + children_of(p.pid):
                    ident = identity(pid)
                    if ident is not None:
                        tracked.add((pid, ident[1]))

    try:
        import jupyterlab
        import notebook
        log("JupyterLab %s, Notebook %s, Python %s; kernel %s (JUPYTER_PATH=%s)"
            % (jupyterlab.__version__, notebook.__version__, sys.version.split()[0], KERNEL, os.environ.get("JUPYTER_PATH", "")))
        originals = sorted((REPO / "notebooks").glob("*.ipynb"))
        if wanted:
            originals = [p for p in originals if p.name in wanted]
        if not originals:
            raise RuntimeError("no notebooks in %s" % (REPO / "notebooks"))
        runs = []
        for original in originals:
            nb = with_kernel(read_json(original))
            write_json(with_kernel(json.loads(json.dumps(nb))), served / ("shipped-" + original.name))
            write_json(cleared(nb), served / original.name)
            runs.append((original.name, len(nb["cells"])))

        token = secrets.token_hex(24)
        port = free_port()
        # Fresh Jupyter folders (config, data with its trust database, runtime, lab settings and workspaces): the
        # user's own stay out. The token travels in the environment, not on a command line other users can read.
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(cfg), JUPYTER_DATA_DIR=str(data), JUPYTER_RUNTIME_DIR=str(runtime),
                   JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"),
                   JUPYTER_TOKEN=token, PYTHONUNBUFFERED="1")
        server_log = open(server_log_path, "w")
        started = time.monotonic()
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", "--port=%d" % port,
             "--ServerApp.port_retries=0", "--ServerApp.root_dir=%s" % served, "--allow-root",
             "--LabApp.expose_app_in_browser=True", "--JupyterNotebookApp.expose_app_in_browser=True",
             "--LabApp.news_url=", "--ServerApp.open_browser=False"],
            cwd=str(served), env=env, stdout=server_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        base = "http://127.0.0.1:%d" % port

        def server_up():
            if server.poll() is not None:
                raise RuntimeError("JupyterLab exited with %s:\n%s" % (server.returncode, server_log_path.read_text()))
            try:
                req = urllib.request.Request("%s/api/status" % base, headers={"Authorization": "token " + token})
                with urllib.request.urlopen(req, timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False
        wait_for("the JupyterLab server", 90, server_up)
        figure("JupyterLab server start", time.monotonic() - started)
        req = urllib.request.Request("%s/api/kernelspecs" % base, headers={"Authorization": "token " + token})
        with urllib.request.urlopen(req, timeout=10) as r:
            specs = json.load(r)["kernelspecs"]
        if not check("the JupyterLab server knows the kernelspec '%s'" % KERNEL, KERNEL in specs,
                     "it knows only %s; is JUPYTER_PATH set?" % sorted(specs)):
            raise RuntimeError("kernelspec missing")
        labkit.LANGUAGE = specs[KERNEL]["spec"]["language"]
        check("the kernelspec says the kernel can debug (metadata.debugger, which JupyterLab's bug icon needs)",
              specs[KERNEL]["spec"].get("metadata", {}).get("debugger") is True, json.dumps(specs[KERNEL]["spec"])[:500])

        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                    "--window-size=1400,1000", "--lang=en-US", "--user-data-dir=%s" % profile):
            options.add_argument(arg)
        service = Service(executable_path=CHROMEDRIVER, log_output=str(driver_log_path))
        driver = webdriver.Chrome(service=service, options=options)
        driver.set_page_load_timeout(90)
        track()
        log("Chromium %s started headless" % driver.capabilities.get("browserVersion", "?"))
        page = Page(driver, base, token, shots)
        # The token becomes a cookie; the URLs below need none. ?reset: no workspace restored.
        page.lab_url = "%s/lab?reset&token=%s" % (base, token)
        figure("JupyterLab page load until the app is ready", page.load(page.lab_url))

        steps = Steps(page, served, data, [(n, c) for n, c in runs])
        log("READY")
        for name in (step_names() if SERVE else STEPS or list(STEP_NAMES)):
            steps.run(name, track)
    except Exception as e:  # noqa: BLE001 - anything that breaks the run is one more failure, reported
        check("the run itself", False, "%s: %s" % (type(e).__name__, e))
        traceback.print_exc(file=sys.stdout)
    finally:
        shutdown(server, driver, service, tracked, track)
        if labkit.failed:
            for name, path in (("JupyterLab log", server_log_path), ("chromedriver log", driver_log_path)):
                if path.exists():
                    print("----- %s (last 4000 characters) -----\n%s" % (name, path.read_text(errors="replace")[-4000:]),
                          flush=True)
        if os.environ.get("THREADBOOK_BROWSER_KEEP"):
            log("kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    for what, seconds in labkit.figures:
        print("FIGURE %-60s %6.1f s" % (what, seconds))
    log("done in %.1f s" % (time.monotonic() - T0))
    print("%d passed, %d failed" % (labkit.passed, labkit.failed), flush=True)
    return 1 if labkit.failed else 0


def shutdown(server, driver, service, tracked, track):
    """Stops Chromium and chromedriver, then the server (which shuts its kernels down), then kills anything
    started here that is still alive."""
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
        server.send_signal(signal.SIGTERM)  # jupyter_server shuts its kernels down on SIGTERM
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            log("JupyterLab did not stop in 30 s; killing it")
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
    left = [p for p in tracked if alive(p)]
    if left and not wait_gone(left, 10):
        left = [p for p in left if alive(p)]
        log("killing %d process(es) still alive: %s" % (len(left), [p[0] for p in left]))
        kill_all(left)
        wait_gone(left, 5)
    log("shut down: JupyterLab, kernels, chromedriver and Chromium (%d processes tracked)" % len(tracked))


if __name__ == "__main__":
    sys.exit(main())
