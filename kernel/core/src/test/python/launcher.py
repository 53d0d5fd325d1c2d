"""The browser scripts' launcher: one Jupyter server (JupyterLab 4 with Notebook 7, or Debian's classic Notebook 6)
and headless Chromium on it, in a temporary folder, and every process they start, all stopped at the end. Runs in
the JupyterLab environment's Python and in Debian's (browser_run_all.py): Selenium is imported where the browser
starts."""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import labkit
from labkit import Page, log, wait_for

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


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


def wait_gone(procs, timeout):
    try:
        wait_for("the processes to end", timeout, lambda: not any(alive(p) for p in procs), poll=0.1)
        return True
    except TimeoutError:
        return False


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """One run's Jupyter server and headless Chromium on it, in a temporary folder (work) with the served notebooks
    (served) and fresh Jupyter folders: the user's own config, data (its trust database), runtime and lab settings
    stay out; kernelspecs come from JUPYTER_PATH. The token travels in the environment, not on a command line every
    user of the machine can read. close() stops all it started, also what those started (kernels, Chromium)."""

    def __init__(self, prefix):
        self.work = Path(tempfile.mkdtemp(prefix=prefix))
        for d in ("served", "chromium-profile", "jupyter-config", "jupyter-data", "jupyter-runtime", "lab-settings"):
            (self.work / d).mkdir()
        self.served = self.work / "served"
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.server = self.service = self.driver = None
        self.server_log, self.driver_log = self.work / "server.log", self.work / "chromedriver.log"
        self.tracked = set()  # (pid, start time) of every process started here, directly or not

    def start_jupyterlab(self, settings=None):
        """JupyterLab 4 (and Notebook 7's pages) of this Python, its app exposed as window.jupyterapp; settings: more
        user settings ({file under the settings folder: its JSON}). Returns the seconds until it answered."""
        lab_settings(self.work / "lab-settings", settings)
        return self._start([sys.executable, "-m", "jupyterlab", "--ServerApp.port_retries=0",
                            "--ServerApp.root_dir=%s" % self.served, "--LabApp.expose_app_in_browser=True",
                            "--JupyterNotebookApp.expose_app_in_browser=True", "--LabApp.news_url=",
                            "--ServerApp.open_browser=False"],
                           JUPYTERLAB_SETTINGS_DIR=str(self.work / "lab-settings"),
                           JUPYTERLAB_WORKSPACES_DIR=str(self.work / "workspaces"))

    def start_notebook6(self):
        """Debian's classic Jupyter Notebook 6 (Debian's python3 runs it)."""
        return self._start(["/usr/bin/python3", "-m", "notebook", "--port-retries=0", "--notebook-dir=%s" % self.served,
                            "--NotebookApp.password="])

    def _start(self, command, **env):
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(self.work / "jupyter-config"),
                   JUPYTER_DATA_DIR=str(self.work / "jupyter-data"), JUPYTER_RUNTIME_DIR=str(self.work / "jupyter-runtime"),
                   JUPYTER_TOKEN=self.token, PYTHONUNBUFFERED="1", **env)
        started = time.monotonic()
        with open(self.server_log, "w") as out:
            self.server = subprocess.Popen(
                command + ["--no-browser", "--ip=127.0.0.1", "--port=%d" % self.port, "--allow-root"],
                cwd=str(self.served), env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)

        def up():
            if self.server.poll() is not None:
                raise RuntimeError("the Jupyter server exited with %s:\n%s" % (self.server.returncode, self.server_log.read_text()))
            try:
                return self.api("status", timeout=2) is not None
            except OSError:
                return False
        wait_for("the Jupyter server", 90, up)
        log("Jupyter server (pid %d) up at %s" % (self.server.pid, self.base))
        return time.monotonic() - started

    def api(self, path, timeout=10):
        request = urllib.request.Request("%s/api/%s" % (self.base, path), headers={"Authorization": "token " + self.token})
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return json.load(r)

    def start_browser(self, width=1400):
        """Headless Chromium through chromedriver: no sandbox (root in a container), nothing fetched in the
        background (no network here), its own profile."""
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--window-size=%d,1000" % width,
                    "--lang=en-US", "--user-data-dir=%s" % (self.work / "chromium-profile")):
            options.add_argument(arg)
        # --log-path, not Service's log argument: Debian's Selenium (4.8) and the environment's name it differently.
        self.service = Service(executable_path=CHROMEDRIVER, service_args=["--log-path=%s" % self.driver_log])
        self.driver = webdriver.Chrome(service=self.service, options=options)
        self.driver.set_page_load_timeout(90)
        self.track()
        log("Chromium %s started headless (chromedriver pid %d)"
            % (self.driver.capabilities.get("browserVersion", "?"), self.service.process.pid))
        return self.driver

    def page(self, shots):
        return Page(self.driver, self.base, self.token, shots)

    def track(self):
        """Notes every process the server and chromedriver have now (kernels, Chromium's): close() ends those left."""
        for p in (self.server, getattr(self.service, "process", None)):
            if p is not None and p.poll() is None:
                for pid in [p.pid] + children_of(p.pid):
                    ident = identity(pid)
                    if ident is not None:
                        self.tracked.add((pid, ident[1]))

    def close(self):
        """Stops Chromium and chromedriver, then the server (which shuts its kernels down), then kills anything
        started here that is still alive; prints the logs if a check failed; removes the folder unless
        THREADBOOK_BROWSER_KEEP is set."""
        try:
            self.track()
        except Exception:  # noqa: BLE001 - a process may end while it is read
            pass
        if self.driver is not None:
            try:
                self.driver.quit()
            except Exception as e:  # noqa: BLE001
                log("driver.quit: %s" % e)
        elif self.service is not None:
            try:
                self.service.stop()
            except Exception:  # noqa: BLE001
                pass
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)  # a Jupyter server shuts its kernels down on SIGTERM
            try:
                self.server.wait(30)
            except subprocess.TimeoutExpired:
                log("the Jupyter server did not stop in 30 s; killing it")
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait(10)
        left = [p for p in self.tracked if alive(p)]
        if left and not wait_gone(left, 10):
            left = [p for p in left if alive(p)]
            log("killing %d process(es) still alive: %s" % (len(left), [p[0] for p in left]))
            for pid, _ in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            wait_gone(left, 5)
        log("shut down: the Jupyter server, its kernels, chromedriver and Chromium (%d processes tracked)" % len(self.tracked))
        if labkit.failed:
            for name, path in (("Jupyter server log", self.server_log), ("chromedriver log", self.driver_log)):
                if path.exists():
                    print("----- %s (last 4000 characters) -----\n%s" % (name, path.read_text(errors="replace")[-4000:]),
                          flush=True)
        if os.environ.get("THREADBOOK_BROWSER_KEEP"):
            log("kept %s" % self.work)
        else:
            shutil.rmtree(self.work, ignore_errors=True)


def lab_settings(folder, more=None):
    """User settings of a run's JupyterLab: no news or update checks (no network here), no extension manager, every
    cell in the page (the windowed notebook leaves cells far from view out of the page); and more."""
    settings = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, value in dict(settings, **(more or {})).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
