"""End-to-end browser test in JupyterLab 4 (and once in Notebook 7): the project's Jupyter environment
(install/venv.sh) serves copies of the notebooks, headless Chromium driven by chromedriver through Selenium works
them as a person would (menus, toolbar, keys), and every step leaves a screenshot. This file runs the steps; they
are in lab_scratch.py, lab_debugger.py and lab_notebooks.py, the page they work (with the check counts and log lines)
in labkit.py, and the server and the browser are started and stopped by launcher.py.

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
import shutil
import sys
import time
import traceback
from pathlib import Path

import labkit
from lab_debugger import debugger_checks
from lab_notebooks import example_checks, is_t1, run_all, t1_checks_in_page, trusted_charts, untrusted_charts
from lab_scratch import (completion_checks, help_checks, interrupt_checks, late_output_checks, progress_checks,
                         restart_checks, stdin_checks)
from launcher import Lab
from labkit import CORE, KERNEL, REPO, T0, charts_per_cell, check, cleared, figure, log, read_json, step_start, \
    wait_for, with_kernel, write_json  # noqa: F401 - wait_for: jupyterlab_subshell.py takes it from here

STEPS = [s for s in os.environ.get("THREADBOOK_STEPS", "").split(",") if s]
SERVE = "--serve" in sys.argv[1:]


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

def main():
    shots = Path(os.environ.get("THREADBOOK_SHOTS", CORE / "target" / "jupyterlab"))
    shutil.rmtree(shots, ignore_errors=True)  # the screenshots kept are this run's
    shots.mkdir(parents=True)
    wanted = [n for n in os.environ.get("THREADBOOK_NOTEBOOKS", "").split(",") if n]
    lab = Lab("threadbook-lab-")
    served = lab.served
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

        figure("JupyterLab server start", lab.start_jupyterlab())
        specs = lab.api("kernelspecs")["kernelspecs"]
        if not check("the JupyterLab server knows the kernelspec '%s'" % KERNEL, KERNEL in specs,
                     "it knows only %s; is JUPYTER_PATH set?" % sorted(specs)):
            raise RuntimeError("kernelspec missing")
        labkit.LANGUAGE = specs[KERNEL]["spec"]["language"]
        check("the kernelspec says the kernel can debug (metadata.debugger, which JupyterLab's bug icon needs)",
              specs[KERNEL]["spec"].get("metadata", {}).get("debugger") is True, json.dumps(specs[KERNEL]["spec"])[:500])

        lab.start_browser()
        page = lab.page(shots)
        # The token becomes a cookie; the URLs below need none. ?reset: no workspace restored.
        page.lab_url = "%s/lab?reset&token=%s" % (lab.base, lab.token)
        figure("JupyterLab page load until the app is ready", page.load(page.lab_url))

        steps = Steps(page, served, lab.work / "jupyter-data", [(n, c) for n, c in runs])
        log("READY")
        for name in (step_names() if SERVE else STEPS or list(STEP_NAMES)):
            steps.run(name, lab.track)
    except Exception as e:  # noqa: BLE001 - anything that breaks the run is one more failure, reported
        check("the run itself", False, "%s: %s" % (type(e).__name__, e))
        traceback.print_exc(file=sys.stdout)
    finally:
        lab.close()
    for what, seconds in labkit.figures:
        print("FIGURE %-60s %6.1f s" % (what, seconds))
    log("done in %.1f s" % (time.monotonic() - T0))
    print("%d passed, %d failed" % (labkit.passed, labkit.failed), flush=True)
    return 1 if labkit.failed else 0


if __name__ == "__main__":
    sys.exit(main())
